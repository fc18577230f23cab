import { canonical } from './event-idempotency.service';

/** The text every stored Idempotency-Key hash was made from: it must never change. */
function before(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(before).join(',')}]`;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${before((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

describe('canonical (the Idempotency-Key hash input)', () => {
  it('sorts keys at every level and leaves undefined members out', () => {
    expect(canonical({ b: 1, a: { d: [1, { z: 'x', y: null }], c: undefined }, e: '井盖' })).toBe('{"a":{"d":[1,{"y":null,"z":"x"}]},"b":1,"e":"井盖"}');
  });

  it('gives the same text as the implementation the stored hashes were made with', () => {
    const samples: unknown[] = [
      { route: 'POST /api/events', input: { title: '井盖缺失', category: 'manhole_cover_missing', lon: 118.7, lat: 32.05, reporter: { name: '张三', phone: undefined }, attachments: [] } },
      [undefined, 1, 'a', null, [2, { k: undefined }]],
      { d: new Date(0), n: -0, big: 1e21, s: 'quote " and \\ and \n', nested: { a: [{ b: [{ c: {} }] }] } },
      'plain',
      42,
      null,
    ];
    for (const v of samples) expect(canonical(v)).toBe(before(v));
  });
});
