import { Injectable } from '@nestjs/common';
import type { ImportFeatureResult, ImportResponse } from '@gc/contracts';
import { geometryToWgs84, type InputCrs } from '@gc/geo';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { AreaImportRepository, type Candidate } from './area-import.repository';
import { asCode, checkPolygonal, type FeatureCollectionInput } from './geojson-check';

export interface ImportOptions {
  level: string;
  codeProperty: string;
  nameProperty?: string;
  parentProperty?: string;
  crs: InputCrs;
  mode: 'all-or-nothing' | 'keep-valid';
  repair: boolean;
  versionId?: number;
  label?: string;
}

const point = (p: [number, number] | null) => (p ? { type: 'Point' as const, coordinates: p } : null);

@Injectable()
export class AreaImportService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreaImportRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Import one level into a draft version. Every feature gets a result. All-or-nothing:
   * any rejection rolls the whole transaction back (no draft, no rows) and answers 422
   * with the results; keep-valid: the accepted features are stored, the rest reported.
   */
  async import(p: Principal, fc: FeatureCollectionInput, o: ImportOptions): Promise<ImportResponse> {
    const results: ImportFeatureResult[] = [];
    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    fc.features.forEach((f, index) => {
      const props = f.properties ?? {};
      const code = asCode(props[o.codeProperty]);
      const reject = (reason: string, location: [number, number] | null = null) =>
        results.push({ index, code, status: 'rejected', reason, location: point(location) });
      if (!code) return reject(`property ${o.codeProperty} is missing or not a code (letters, digits, underscore)`);
      if (seen.has(code)) return reject(`duplicate code ${code} in this collection`);
      const shape = checkPolygonal(f.geometry);
      if (!shape.ok) return reject(shape.reason, shape.location);
      const geom = geometryToWgs84({ type: 'MultiPolygon' as const, coordinates: shape.polygons }, o.crs);
      const name = o.nameProperty ? props[o.nameProperty] : undefined;
      const parent = o.parentProperty ? asCode(props[o.parentProperty]) : null;
      if (o.parentProperty && props[o.parentProperty] != null && !parent) return reject(`property ${o.parentProperty} is not a code`);
      seen.add(code);
      results.push({ index, code, status: 'imported', reason: null, location: null });
      candidates.push({ i: index, code, name: name == null || name === '' ? code : String(name), parent, geom, properties: props });
    });

    return this.tx.run(async (tx) => {
      if (candidates.length) {
        const validity = await this.repo.validate(tx, candidates, o.repair);
        for (const v of validity) {
          const r = results.find((x) => x.index === v.i)!;
          if (v.valid) continue;
          const where = v.location ? ` at [${v.location.coordinates.join(', ')}]` : '';
          if (o.repair && v.repairedParts) {
            Object.assign(r, { status: 'repaired', reason: `${v.reason}${where}: repaired with ST_MakeValid into ${v.repairedParts} polygon(s)`, location: v.location });
          } else {
            Object.assign(r, {
              status: 'rejected',
              reason: o.repair ? `${v.reason}${where}: ST_MakeValid left no polygon` : `${v.reason}${where}`,
              location: v.location,
            });
          }
        }
      }
      results.sort((a, b) => a.index - b.index);
      const rejected = results.filter((r) => r.status === 'rejected');
      if (o.mode === 'all-or-nothing' && rejected.length) {
        throw new AppException('INVALID_GEOMETRY', `${rejected.length} of ${results.length} feature(s) rejected; nothing was imported (mode all-or-nothing)`, {
          field: 'body.features',
          results,
        });
      }
      const accepted = candidates
        .map((c) => ({ c, r: results.find((x) => x.index === c.i)! }))
        .filter(({ r }) => r.status !== 'rejected')
        .map(({ c, r }) => ({ ...c, repair: r.status === 'repaired' }));
      if (!accepted.length) {
        throw new AppException('INVALID_GEOMETRY', 'every feature was rejected; nothing was imported', { field: 'body.features', results });
      }
      let versionId = o.versionId;
      if (versionId) {
        const v = await this.repo.draftLevel(tx, versionId);
        if (!v) throw new AppException('NOT_FOUND', `area version ${versionId} not found`, { field: 'query.versionId' });
        if (v.status !== 'draft') throw new AppException('VERSION_NOT_DRAFT', `area version ${versionId} is ${v.status}`, { versionId });
      } else {
        versionId = await this.repo.createDraft(tx, o.level, o.label ?? null, { ...o, features: fc.features.length }, p.name);
      }
      const ids = await this.repo.insert(tx, versionId, o.level, accepted);
      await this.audit.write(tx, p, 'import', 'area_version', versionId, null, {
        level: o.level,
        crs: o.crs,
        mode: o.mode,
        repair: o.repair,
        imported: ids.length,
        rejected: rejected.length,
      });
      return { versionId, results };
    });
  }
}
