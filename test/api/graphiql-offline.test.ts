// GraphiQL must work on a machine without internet: the page, its scripts, styles and editor
// workers all come from this server. Proven in a real headless Chromium that is refused every
// request leaving localhost (so a page that needs a CDN fails here even on a connected machine).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
const missing = `${chromiumPath} is not installed (apt-get install -y chromium; .ci/run installs it)`;
if (!hasChromium && !process.env.CI) console.warn(`GraphiQL browser test skipped: ${missing}`);

const isLocal = (url: string) => {
  const { protocol, hostname } = new URL(url);
  return protocol === 'data:' || protocol === 'blob:' || hostname === 'localhost' || hostname === '127.0.0.1';
};

describe('GraphiQL in a browser', () => {
  // never skipped in CI: a missing browser there is a broken CI image
  it.runIf(!hasChromium && process.env.CI)('has Chromium in CI', () => {
    throw new Error(`CI is set but ${missing}`);
  });
});

describe.skipIf(!hasChromium)(`GraphiQL offline in headless Chromium${hasChromium ? '' : ` (skipped: ${missing})`}`, () => {
  let t: TestApp;
  let profile: string;
  let browser: BrowserContext;
  const requested: string[] = [];

  beforeAll(async () => {
    t = await startApp();
    profile = await mkdtemp(path.join(os.tmpdir(), 'livesuite-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
    });
    browser.on('request', (request) => requested.push(request.url()));
    await browser.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort('internetdisconnected')));
  });
  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await t?.close();
  });

  it('renders the editor and the documentation explorer with no request leaving localhost', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(t.url, { waitUntil: 'load', timeout: 60_000 });
    expect(await page.title()).toBe('livesuite');
    // the query editor (Monaco) is rendered by the page's own scripts
    await page.locator('.graphiql-editor .monaco-editor').first().waitFor({ timeout: 60_000 });

    // the documentation explorer lists the schema's types, loaded by introspection from this server
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await expect.poll(() => docs.innerText(), { timeout: 30_000 }).toContain('BusinessAccount');
    expect(await docs.innerText()).toContain('query: Query');

    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !isLocal(url))).toEqual([]);
  });
});
