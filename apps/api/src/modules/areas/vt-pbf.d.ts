// vt-pbf ships no types; only the call we use.
declare module 'vt-pbf' {
  interface TileLayers {
    [layer: string]: { features: { type: 1 | 2 | 3; geometry: unknown; tags: Record<string, unknown>; id?: number }[] };
  }
  const vtpbf: {
    fromGeojsonVt(layers: TileLayers, options?: { version?: number; extent?: number }): Uint8Array;
  };
  export default vtpbf;
}
