import { chromium } from 'playwright-core';
const url = 'http://127.0.0.1:3917';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const ctx = await b.newContext({ viewport: { width: +(process.env.W ?? 1920), height: +(process.env.H ?? 1080) }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const page = await ctx.newPage();
page.on('pageerror', (e) => console.log('pageerror', e.message));
page.on('console', (m) => m.type() !== 'log' && console.log('console', m.type(), m.text().slice(0, 300)));
page.on('response', (r) => r.status() >= 400 && console.log('http', r.status(), r.url()));
const who = process.env.WHO ?? 'demo_operator';
await page.goto(url + '/');
await page.click(`.demo-accounts button[data-username=${who}]`);
await page.click('button[type=submit]');
await page.waitForSelector('.top-bar [data-testid=sign-out]');
await page.waitForTimeout(+(process.env.WAIT ?? 6000));
const steps = process.env.STEPS ?? '';
if (steps.includes('intake')) {
  await page.click('[data-testid=intake-open]');
  await page.fill('input[name=placeSearch]', process.env.Q ?? '夫子庙');
  await page.click('[data-testid=place-search]');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: '/tmp/i17/dbg-hits.png' });
  const first = await page.$('[data-testid=place-hits] button[data-place-id]');
  if (first) await first.click();
  await page.waitForTimeout(1500);
}
await page.screenshot({ path: '/tmp/i17/dbg.png' });
console.log(page.url());
await b.close();
