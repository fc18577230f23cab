import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { ServerOptions } from 'socket.io';

/**
 * socket.io on the API's own HTTP server (Fastify's), with our options: no bundled
 * client script (the wall map ships its own), small inbound frames (clients only send
 * tiny requests), and the same CORS origins as the HTTP API.
 */
export class LiveIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): unknown {
    return super.createIOServer(port, {
      ...options,
      serveClient: false,
      maxHttpBufferSize: 64 * 1024,
      cors: this.corsOrigins.length ? { origin: this.corsOrigins, credentials: true } : undefined,
    } as ServerOptions);
  }
}
