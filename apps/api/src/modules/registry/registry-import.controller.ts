import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { AppException } from '../../core/http/app-exception';
import { ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { readUpload } from './registry-import.parse';
import { RegistryImportService } from './registry-import.service';
import { IMPORTABLE_KINDS } from './registry-kinds';
import type { RegistryEntity } from './registry.types';

const importQuery = z.strictObject({ mode: z.enum(['all-or-nothing', 'keep-valid']).default('all-or-nothing') });
type ImportQuery = z.output<typeof importQuery>;
/** Rows per upload: a city's places in one go (1M rows of CSV are ~100 MB, under IMPORT_MAX_BYTES' default). */
const MAX_ROWS = 1_000_000;
const MiB = 1024 * 1024;

/** `POST /api/{places|people|objects|organizations}/import`: multipart upload (field `file`, .csv or .xlsx) → per-row report. */
@ApiTags('registry')
@Controller('api')
export class RegistryImportController {
  constructor(
    private readonly imports: RegistryImportService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** POST /api/<path>/import of one kind: the routes are added below, one per importable kind. */
  async run(p: Principal, entity: RegistryEntity, req: FastifyRequest, q: ImportQuery) {
    if (!req.isMultipart()) throw new AppException('UNSUPPORTED_MEDIA_TYPE', 'file: send multipart/form-data with a .csv or .xlsx file', [{ field: 'file', message: 'multipart upload required' }]);
    // The import routes' own size limit (IMPORT_MAX_BYTES); every other upload keeps BODY_LIMIT_BYTES.
    const maxBytes = this.config.IMPORT_MAX_BYTES;
    const file = await req.file({ limits: { fileSize: maxBytes } });
    if (!file) throw new AppException('VALIDATION_FAILED', 'file: no file in the upload', [{ field: 'file', message: 'missing' }]);
    const data = await file.toBuffer().catch((e: { code?: string }) => {
      if (e?.code !== 'FST_REQ_FILE_TOO_LARGE') throw e;
      const limit = maxBytes % MiB ? `${maxBytes} bytes` : `${maxBytes / MiB} MiB`;
      throw new AppException('PAYLOAD_TOO_LARGE', `file: larger than ${limit}, the most an import takes (IMPORT_MAX_BYTES)`, [{ field: 'file', message: 'file too large', limitBytes: maxBytes }]);
    });
    const rows = await readUpload(file.filename, file.mimetype, data);
    if (!rows.open().next(1).length) throw new AppException('VALIDATION_FAILED', 'file: no data rows', [{ field: 'file', message: 'empty' }]);
    // The estimate counts line breaks (never fewer than the rows): only a file that may be over the cap is counted exactly.
    if (rows.estimate > MAX_ROWS && rows.count() > MAX_ROWS) throw new AppException('PAYLOAD_TOO_LARGE', `file: at most ${MAX_ROWS} rows per upload`, [{ field: 'file', message: 'too many rows' }]);
    return this.imports.run(p, entity, rows, q.mode);
  }
}

// A route per importable kind (operation id RegistryImportController_<path>), each exactly as if written out.
for (const kind of IMPORTABLE_KINDS) {
  const entity = kind.entity as RegistryEntity;
  const proto = RegistryImportController.prototype as unknown as Record<string, unknown>;
  proto[kind.path] = Object.defineProperty(
    function (this: RegistryImportController, p: Principal, req: FastifyRequest, q: ImportQuery) {
      return this.run(p, entity, req, q);
    },
    'name',
    { value: kind.path },
  );
  Reflect.defineMetadata('design:paramtypes', [Object, Object, Object], proto, kind.path);
  const decorators = [Post(`${kind.path}/import`), HttpCode(200), ApiConsumes('multipart/form-data'), Requires('registry:write')];
  const params = [CurrentPrincipal(), Req(), ZQuery(importQuery)];
  for (let i = params.length - 1; i >= 0; i--) params[i](proto, kind.path, i);
  const descriptor = Object.getOwnPropertyDescriptor(proto, kind.path)!;
  for (const d of decorators.reverse()) d(proto, kind.path, descriptor);
}
