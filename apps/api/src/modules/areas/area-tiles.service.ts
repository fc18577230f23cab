import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_INFO, type DatabaseInfo } from '../../core/database/database.tokens';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { AreaTilesRepository, type TileQuery } from './area-tiles.repository';
import { encodeAreasTile, TILE_EXTENT } from './mvt-encode';

/** No tile may exceed this; above it the tile is re-made coarser. */
export const MAX_TILE_BYTES = 500 * 1024;
const WORLD_M = 40075016.68557849;

/**
 * Deepest level rank shown per zoom: districts to z6, streets at z7, communities at z8, grids from z9,
 * micro-grids (a building or compound each) from z14,
 * so the wall colours grids by their cases at city zoom (a city fits a 1920x1080 screen at about z9.5).
 * A dense territory stays within MAX_TILE_BYTES: an oversized tile is re-made coarser below.
 */
export function maxRankForZoom(z: number): number {
  return z <= 6 ? 1 : z <= 7 ? 2 : z <= 8 ? 3 : z <= 13 ? 4 : 5;
}

@Injectable()
export class AreaTilesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreaTilesRepository,
    @Inject(DATABASE_INFO) private readonly db: DatabaseInfo,
  ) {}

  /** The key of the current published version; it goes into the tile URL so a redraw changes the URL. */
  async versionKey(): Promise<string> {
    const v = await this.repo.currentVersion(this.tx.manager);
    return v ? `v${v.id}` : 'v0';
  }

  /**
   * A published version's publication time never changes, so it is remembered after the first
   * tile of that version: the tile itself is then one query (bench/areas-tiles.bench.ts).
   */
  private readonly published = new Map<number, string>();

  private async publishedAt(id: number): Promise<string | null> {
    const known = this.published.get(id);
    if (known) return known;
    const at = await this.repo.publishedAt(this.tx.manager, id);
    if (at) {
      if (this.published.size >= 1000) this.published.clear();
      this.published.set(id, at);
    }
    return at;
  }

  async tile(versionKey: string, z: number, x: number, y: number, scope: string | null = null): Promise<Buffer> {
    const n = 2 ** z;
    if (x >= n) throw new AppException('VALIDATION_FAILED', `invalid params.x: must be below ${n} at zoom ${z}`, [{ field: 'params.x', message: `must be < ${n}` }]);
    if (y >= n) throw new AppException('VALIDATION_FAILED', `invalid params.y: must be below ${n} at zoom ${z}`, [{ field: 'params.y', message: `must be < ${n}` }]);
    const id = Number(versionKey.slice(1));
    if (id === 0) return Buffer.alloc(0);
    const at = await this.publishedAt(id);
    if (!at) throw new AppException('NOT_FOUND', `no published area version ${versionKey}`, { field: 'params.versionKey' });
    const unitM = WORLD_M / n / TILE_EXTENT;
    const unitDeg = 360 / n / TILE_EXTENT;
    // Coarser on each retry: a tile over the limit is re-made with 4x tolerance and size cut-off.
    for (let coarse = 1; ; coarse *= 4) {
      const q: TileQuery = { z, x, y, at, maxRank: maxRankForZoom(z), tolerance: 0.5 * unitM * coarse, minSizeDeg: (coarse === 1 ? 0 : 2 * coarse) * unitDeg, scope };
      const tile = this.db.mvt ? await this.repo.mvt(this.tx.manager, q) : encodeAreasTile(await this.repo.rows(this.tx.manager, q), z, x, y);
      if (tile.length <= MAX_TILE_BYTES || coarse >= 4 ** 6) return tile;
    }
  }
}
