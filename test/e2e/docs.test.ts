// The API docs open in a real browser through an address that is not localhost (as the LAN address
// the start-up log prints is): every script and style loads over plain HTTP and the UI renders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../support/http.ts';
import { CHROMIUM, launchBrowser, NO_CHROMIUM } from '../support/browser.ts';

const HOST = 'stockmind-lan.test';

describe.skipIf(!CHROMIUM)(`API docs in Chromium${CHROMIUM ? '' : ` — skipped: ${NO_CHROMIUM}`}`, () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser([HOST]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders the docs over plain HTTP on a non-localhost address', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    const { port } = new URL(server.baseUrl);
    await page.goto(`http://${HOST}:${port}/api/docs`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 15_000 });
    expect(await page.textContent('.swagger-ui .info .title')).toContain('StockMind API');
    // Every asset came over http from this host; none was upgraded to https.
    expect(failed).toEqual([]);
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
  });
});
