import fc from 'fast-check';
import { checkedBodies } from './input-guard';
import { parseInPieces } from './json-body';

/** A large area import's body is parsed piece by piece (json-body.ts); it must read exactly as JSON.parse does. */
describe('parseInPieces', () => {
  const clean = (v: unknown) => !/__proto__|constructor|\\u0000/.test(JSON.stringify(v));
  const value = fc.jsonValue({ maxDepth: 4 }).filter(clean);

  it('reads any object with a features array as JSON.parse does (strings holding quotes, brackets, commas, escapes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(value, { maxLength: 30 }),
        fc.dictionary(
          fc.string({ maxLength: 8 }).filter((k) => k !== 'features' && clean(k)),
          value,
          { maxKeys: 3 },
        ),
        fc.boolean(),
        async (features, others, first) => {
          const root = first ? { features, ...others } : { ...others, features };
          const text = JSON.stringify(root, null, features.length % 2 ? 1 : undefined);
          expect(await parseInPieces(text, 'features')).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300, seed: 1207 },
    );
  });

  it('crosses piece boundaries (2,500 elements), marks the body checked, and names a NUL by its real index', async () => {
    const features = Array.from({ length: 2500 }, (_, i) => ({ type: 'Feature', properties: { code: `G${i}`, note: 'a,b]}["\\' }, geometry: null }));
    const text = JSON.stringify({ type: 'FeatureCollection', features });
    const parsed = (await parseInPieces(text, 'features')) as object;
    expect(parsed).toEqual(JSON.parse(text));
    expect(checkedBodies.has(parsed)).toBe(true);
    features[1500].properties.note = 'x\u0000y';
    await expect(parseInPieces(JSON.stringify({ type: 'FeatureCollection', features }), 'features')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'body.features.1500.properties.note' }],
    });
  });

  it('refuses what the default parser refuses: broken JSON, __proto__ keys (400)', async () => {
    await expect(parseInPieces('{"type":"FeatureCollection","features":[{"a":1},]}', 'features')).rejects.toMatchObject({ statusCode: 400 });
    await expect(parseInPieces('{"features":[{"__proto__":{"x":1}}]}', 'features')).rejects.toMatchObject({ statusCode: 400 });
    // Not shaped like an object with the array: parsed whole, as usual.
    expect(await parseInPieces('[1,2]', 'features')).toEqual([1, 2]);
    expect(await parseInPieces('{"features":{"a":[1]}}', 'features')).toEqual({ features: { a: [1] } });
  });
});
