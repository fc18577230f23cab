/** Positions collected on patrol between two batches (10–30 s apart). Pure, unit-tested. */
export interface Fix {
  at: string;
  lon: number;
  lat: number;
  accuracy: number | null;
}

/** Keep a fix unless it is the same place and second as the last one (watchPosition repeats itself). */
export function addFix(buffer: Fix[], fix: Fix): Fix[] {
  const last = buffer[buffer.length - 1];
  if (last && last.at === fix.at && last.lon === fix.lon && last.lat === fix.lat) return buffer;
  return [...buffer, fix];
}

/** Split into batches the API accepts (≤ 500 positions each). */
export function batches(buffer: Fix[], max = 500): Fix[][] {
  const out: Fix[][] = [];
  for (let i = 0; i < buffer.length; i += max) out.push(buffer.slice(i, i + max));
  return out;
}
