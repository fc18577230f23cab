/** The "四清" tally of one grid or area, as GET /api/registry/counts answers it (counts, not records). */
export interface RegistryTally {
  places: number;
  people: number;
  households: number;
  registered: number;
  floating: number;
  objects: number;
  objectsNeedingRepair: number;
  organizations: number;
}
