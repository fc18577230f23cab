import type { FeatureCollection, Point } from 'geojson';
import { api } from '../../auth/api/http';
import { labelPoints, type LabelProps } from '@gc/geo';

/** Levels named on the wall by a label point each: one label per area (a label from the tiles repeats per tile piece). */
export const LABELLED_LEVELS = ['district', 'street', 'community', 'grid'] as const;

/**
 * Label points of the current areas of the named levels, in the caller's jurisdiction
 * (GET /api/areas/export per level). A level that fails is left out; the outlines still draw.
 */
export async function fetchAreaLabels(levels: readonly string[] = LABELLED_LEVELS): Promise<FeatureCollection<Point, LabelProps>> {
  const parts = await Promise.all(
    levels.map((level) =>
      api<FeatureCollection>('GET', `/api/areas/export?level=${level}`).then(
        (fc) => labelPoints(fc).features,
        () => [],
      ),
    ),
  );
  return { type: 'FeatureCollection', features: parts.flat() };
}
