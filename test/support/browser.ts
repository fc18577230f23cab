import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_SERVER_ENV } from './server-process';

/** Debian's Chromium, headless, with nothing reaching out to the network by itself. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export const TEST_ADMIN = { username: TEST_SERVER_ENV.ADMIN_USERNAME, password: TEST_SERVER_ENV.ADMIN_PASSWORD };

/** Sign in on the wall's form and wait until its live connection is up. */
export async function signInToWall(page: Page, baseUrl: string, who: { username: string; password: string } = TEST_ADMIN): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.fill('input[name=username]', who.username);
  await page.fill('input[name=password]', who.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 30000 });
}
