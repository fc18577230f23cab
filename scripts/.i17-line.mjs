import { chromium } from 'playwright-core';
const url = 'http://127.0.0.1:3917';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await (await b.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })).newPage();
await page.goto(url + '/');
await page.click(`.demo-accounts button[data-username=demo_admin]`);
await page.click('button[type=submit]');
await page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 30000 });
await page.waitForTimeout(4000);
await page.evaluate(() => (window).__wallmap.jumpTo({ center: [118.80477, 32.04108], zoom: 15 }));
await page.waitForTimeout(5000);
await page.screenshot({ path: '/tmp/i17/line.png' });
const r = await page.evaluate(() => {
  const m = (window).__wallmap;
  const out = {};
  for (let x = 100; x < 1300; x += 200) {
    for (let y = 150; y < 600; y += 4) {
      const fs = m.queryRenderedFeatures([[x - 1, y - 1], [x + 1, y + 1]]);
      for (const f of fs) if (f.layer.type === 'line') { const k = f.layer.id + ':' + (f.properties.code ?? '') + ':' + (f.properties.level ?? ''); out[k] = (out[k] ?? 0) + 1; }
    }
  }
  return out;
});
console.log(JSON.stringify(r, null, 1));
await b.close();
