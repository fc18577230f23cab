export const DATABASE_INFO = Symbol('DATABASE_INFO');

export interface DatabaseInfo {
  mode: 'embedded' | 'server';
  url: string;
  poolSize: number;
  /** ST_AsMVT works (false in the embedded PostGIS, which lacks protobuf-c). */
  mvt: boolean;
  postgisVersion: string;
  serverVersion: string;
}
