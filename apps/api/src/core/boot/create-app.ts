import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { APP_SCREENS } from '@gc/contracts';
import { AppModule } from '../../app.module';
import type { AppConfig } from '../config/config.schema';
import { ErrorFilter } from '../http/error.filter';
import { genRequestId } from '../http/request-id';
import { registerInputGuard } from '../http/input-guard';
import { registerJsonParser } from '../http/json-body';
import { applyInputLimits } from '../http/input-limits';
import { LiveIoAdapter } from '../../modules/live/live-io.adapter';
import { prepareDatabase, type OpenedDatabase } from './preflight';
import { bootPhase, bootStep } from './boot-steps';
import { QuietLogger } from './quiet-logger';
import type { EmbeddedDatabase } from '../database/embedded-postgis';
import type { DatabaseInfo } from '../database/database.tokens';

const LEVELS: Record<AppConfig['LOG_LEVEL'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

export interface RunningApp {
  app: NestFastifyApplication;
  db: DatabaseInfo;
  embedded?: EmbeddedDatabase;
  close(): Promise<void>;
}

/**
 * Build the whole application (database, Nest, HTTP plumbing); used by main.ts and by tests.
 * `opening`: the embedded database already being opened (main.ts starts it before loading this code).
 */
export async function createApp(config: AppConfig, opening?: Promise<OpenedDatabase>): Promise<RunningApp> {
  applyInputLimits(config);
  const { info, embedded } = await prepareDatabase(config, opening);
  bootPhase('building the application', null);
  const tBuild = Date.now();
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: genRequestId,
    requestIdHeader: false,
    // X-Forwarded-For is believed only from the proxies named in TRUST_PROXY (default none): with
    // `true`, any client could rotate the header and get a fresh per-address sign-in budget each time.
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    logger: false,
  });
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, info), adapter, {
      logger: new QuietLogger({ logLevels: LEVELS[config.LOG_LEVEL] }),
      abortOnError: false,
    });
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  const fastify = app.getHttpAdapter().getInstance();
  // Security headers: helmet's middleware built ONCE here and run on every request (the
  // @fastify/helmet plugin rebuilt it, parsing the CSP, for each request: ~5 % of an intake's CPU).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        // Served over plain HTTP on a LAN as often as behind TLS: do not force https.
        upgradeInsecureRequests: null,
      },
    },
    hsts: false,
    crossOriginEmbedderPolicy: false,
  });
  // helmet's answer does not depend on the request (no nonces): its headers are taken once here
  // and given to every reply, instead of running the middleware (a setHeader per header) per request.
  const securityHeaderSet: Record<string, string> = {};
  securityHeaders({} as never, { setHeader: (name: string, value: unknown) => (securityHeaderSet[name.toLowerCase()] = String(value)), removeHeader: () => undefined } as never, () => undefined);
  // The request id and the security headers are set as the request arrives (one synchronous hook:
  // an async onSend hook cost a promise per answer); they stay on every answer, errors included.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaderSet);
    reply.header('x-request-id', request.id);
    done();
  });
  await app.register(cors as any, { origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });
  await app.register(multipart as any, { limits: { fileSize: config.BODY_LIMIT_BYTES, files: 1, fields: 20 } });
  // Bulk imports (e.g. POST /api/events/import) may send text/csv: handed to the route as a string.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser('text/csv', { parseAs: 'string' }, (_req: unknown, body: string | Buffer, done: (e: Error | null, v?: unknown) => void) => done(null, String(body)));
  app.useGlobalFilters(new ErrorFilter());
  registerInputGuard(fastify);
  // socket.io (namespace /live) attaches to this same HTTP server.
  app.useWebSocketAdapter(new LiveIoAdapter(app, config.corsOrigins));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Grid governance command centre API')
      .setDescription('Areas and grids, registries, the closed event loop, live changes. Errors: { code, message, details }.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json', yamlDocumentUrl: 'api/openapi.yaml' });

  const wallmap = resolve(config.WALLMAP_DIR);
  if (existsSync(resolve(wallmap, 'index.html'))) {
    await app.register(fastifyStatic as any, { root: wallmap, prefix: '/', wildcard: false, index: ['index.html'], maxAge: '1h' });
    // the app's screens are History API paths: a reload or a link gets the app, which shows the screen
    const fastify = app.getHttpAdapter().getInstance();
    for (const screen of APP_SCREENS) fastify.get(screen, (_req: unknown, reply: { sendFile(f: string): unknown }) => reply.sendFile('index.html'));
  } else {
    new Logger('Boot').warn(`wall map not built (${wallmap}/index.html missing): run npm run build`);
  }

  bootStep('application built', Date.now() - tBuild);
  // init runs the migrations (OnModuleInit), then the demo, the first administrator and the workers (OnApplicationBootstrap)
  await app.init();
  // After init: Nest registers its JSON parser there; ours replaces it (json-body.ts).
  registerJsonParser(fastify, { '/api/areas/import': 'features' });
  return {
    app,
    db: info,
    embedded,
    async close() {
      await app.close();
      await embedded?.stop();
    },
  };
}
