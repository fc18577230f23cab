export const DATABASE_INFO = Symbol('DATABASE_INFO');

export interface DatabaseInfo {
  mode: 'embedded' | 'server';
  url: string;
  poolSize: number;
  /**
   * One database session behind every connection (PGlite, ours or reached through DATABASE_URL):
   * a pool of one, and no named prepared statements (they belong to the session, not the connection).
   */
  singleSession: boolean;
  /** ST_AsMVT works (false in the embedded PostGIS, which lacks protobuf-c). */
  mvt: boolean;
  postgisVersion: string;
  /** embedded: the database folder (PGlite's data directory) */
  pgDir?: string;
  /** embedded: copy the database folder to `to` after a CHECKPOINT, nothing running meanwhile (demo-snapshot.ts) */
  snapshot?: (to: string, keepPrefix: string) => Promise<void>;
  /** embedded: this start copied the demo snapshot into an empty data directory (see demo-snapshot.ts) */
  restoredFromSnapshot: boolean;
  serverVersion: string;
}
