/// <reference lib="dom" />
// A field photo in the wall's event panel, in Debian's Chromium against the built app. Needs `node scripts/build.mjs`.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { multipart } from './support/multipart';
import { png } from './support/png';
import { launchChromium, signInToWall, TEST_ADMIN } from './support/browser';
import { startServer, REPO_ROOT, type ServerProcess } from './support/server-process';

const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('a photo a grid worker attached to a report shows in the event panel (fetched with the session, not a public URL)', async () => {
  const login = await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_ADMIN) })).json();
  const auth = { authorization: `Bearer ${login.accessToken}` };
  // 120×90, a red half and a blue half: easy to find on screen
  const photo = png(120, 90, (x) => (x < 60 ? [220, 40, 40] : [40, 80, 220]));
  const m = multipart('现场.png', 'image/png', photo);
  const up = await fetch(`${server.url}/api/attachments`, { method: 'POST', headers: { ...auth, ...m.headers }, body: m.payload });
  expect(up.status).toBe(201);
  const { url } = await up.json();
  expect((await fetch(server.url + url)).status).toBe(401); // not public
  const ev = await fetch(`${server.url}/api/events`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ title: '井盖缺失（附照片）', category: 'manhole_cover_missing', attachments: [{ url, name: '现场照片', type: 'image/png' }] }),
  });
  expect(ev.status).toBe(201);
  const { id } = await ev.json();

  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' })).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await signInToWall(page, server.url);
  await page.click(`[data-testid=feed] li[data-event-id="${id}"] button`);
  const img = await page.waitForSelector('[data-testid=timeline] [data-testid=attachment] img', { timeout: 10000 });
  await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, img);
  expect(await img.evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight])).toEqual([120, 90]);
  // the pixels on screen are the photo's: red on the left of the thumbnail, blue on the right
  const box = (await img.boundingBox())!;
  const shot = await page.screenshot({ clip: { x: box.x, y: box.y, width: box.width, height: box.height } });
  const sides = await page.evaluate(async (b64) => {
    // (no fetch of a data: URL: the page's CSP allows only its own origin)
    const bmp = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const px = (x: number) => Array.from(ctx.getImageData(Math.floor(x * bmp.width), Math.floor(bmp.height / 2), 1, 1).data);
    return [px(0.2), px(0.8)];
  }, shot.toString('base64'));
  expect(sides[0][0]).toBeGreaterThan(150);
  expect(sides[0][2]).toBeLessThan(100);
  expect(sides[1][2]).toBeGreaterThan(150);
  expect(sides[1][0]).toBeLessThan(100);
  await page.screenshot({ path: resolve(ARTIFACTS, 'wallmap-event-attachment.png') });
  expect(problems).toEqual([]);
}, 90000);
