import { startTestApp, type TestApp } from '@test/support/app';
import { sqlRows } from '@test/support/db';
import { multipart } from '@test/support/multipart';
import { insertTinyTerritory } from '@test/support/registry-territory';

describe('registry: import uploads have their own size limit and a row cap (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  const upload = (data: Buffer) => {
    const m = multipart('places.csv', 'text/csv', data);
    return t.app.inject({ method: 'POST', url: '/api/places/import?mode=keep-valid', headers: { ...admin, ...m.headers }, payload: m.payload });
  };
  /** A places CSV of about `bytes` bytes (rows in grid G1). */
  const csvOf = (bytes: number) => {
    const lines = ['externalId,kind,name,lon,lat'];
    for (let i = 0, size = lines[0].length; size < bytes; i++) {
      lines.push(`L${i},shop,店${i},118.71,32.01`);
      size += lines[lines.length - 1].length + 1;
    }
    return Buffer.from(lines.join('\n'));
  };
  beforeAll(async () => {
    // Limits lowered by configuration: imports take up to 3 MiB, every other body 2 KiB.
    t = await startTestApp({ IMPORT_MAX_BYTES: String(3 * 1024 * 1024), BODY_LIMIT_BYTES: '2048' });
    await insertTinyTerritory(t.url);
    admin = await t.admin();
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes an upload larger than BODY_LIMIT_BYTES up to IMPORT_MAX_BYTES, and says which limit a larger one broke', async () => {
    const fits = await upload(csvOf(3000));
    expect(fits.statusCode).toBe(200);
    expect(fits.json()).toMatchObject({ committed: true, rejected: 0 });
    const over = await upload(csvOf(3.5 * 1024 * 1024));
    expect(over.statusCode).toBe(413);
    expect(over.json()).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'file: larger than 3 MiB, the most an import takes (IMPORT_MAX_BYTES)',
      details: [{ field: 'file', message: 'file too large', limitBytes: 3 * 1024 * 1024 }],
    });
  });

  it('keeps BODY_LIMIT_BYTES for every other route', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/places', headers: admin, payload: { kind: 'shop', name: '长'.repeat(1000), lon: 118.71, lat: 32.01 } });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses more than 1,000,000 rows in one upload before writing anything', async () => {
    const places = async () => (await sqlRows(t.url, `SELECT count(*)::int AS n FROM place`))[0].n;
    const before = await places();
    const tooMany = Buffer.from('externalId\n' + 'x\n'.repeat(1_000_001));
    const res = await upload(tooMany);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'file: at most 1000000 rows per upload' });
    expect(await places()).toBe(before);
    // Line breaks alone do not count: 1,000,001 lines of which many are blank are counted for real.
    const blanks = Buffer.from('externalId,kind,name,lon,lat\n' + '\n'.repeat(1_000_001) + 'B1,shop,店,118.71,32.01\n');
    expect((await upload(blanks)).json()).toMatchObject({ committed: true, total: 1, inserted: 1 });
  });
});
