import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import type { App } from '../../src/http/app-types.ts';
import { buildApp, WEB_DIST } from '../../src/http/app.ts';
import type { JobRunner } from '../../src/jobs/pg-queue.ts';
import { createTestContext, type TestContext } from './context.ts';
import { createOrg, type TestOrg } from './factories.ts';
import { freePort } from './ports.ts';

/** Where browser tests may leave screenshots for a person to look at (ignored by git with the rest of .test-data). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../.test-data/screenshots');

/** The Chromium flags for headless runs in containers and CI. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Everything a browser test needs: the real app listening on a port, its container, and Chromium. */
export interface BrowserHarness {
  /** `http://127.0.0.1:<port>`; also the app's PUBLIC_URL, so e-mailed links point here. */
  baseUrl: string;
  /** The test context (container, database, `runJobs`) behind the server. */
  ctx: TestContext;
  browser: Browser;
  /** An absolute URL of the app. */
  url(pathname: string): string;
  /** A fresh browser context (its own cookies: another person), English and desktop-sized unless told. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** An organization with an owner, and a page signed in as that owner. */
  signedInOwner(options?: { language?: 'es' | 'pt-BR' | 'en'; name?: string; context?: BrowserContextOptions }): Promise<{ org: TestOrg; context: BrowserContext; page: Page }>;
  /** Saves a full-page screenshot under `.test-data/screenshots/<name>.png` and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real app in-process on a random port, on a fresh test database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL), with a job runner (so e-mails reach the outbox as they would in production), and
 * launches Debian's Chromium. It does not build the dashboard: run `npm run build` first (`npm test`
 * does it through its `pretest` script).
 */
export async function startBrowserHarness(options: { env?: Record<string, string> } = {}): Promise<BrowserHarness> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`The dashboard is not built (${WEB_DIST} is missing): run \`npm run build\` before browser tests.`);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const ctx = await createTestContext({ PUBLIC_URL: baseUrl, CHARLA_LOGIN_RATE_LIMIT: '1000', ...options.env });
  let app: App | undefined;
  let runner: JobRunner | undefined;
  let browser: Browser | undefined;
  try {
    app = await buildApp(ctx.container, { serveWeb: true });
    await app.listen({ port, host: '127.0.0.1' });
    runner = ctx.newRunner({ concurrency: 2 });
    await runner.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    await runner?.stop(1000).catch(() => {});
    await app?.close().catch(() => {});
    await ctx.close();
    throw error;
  }
  const server = app;
  const jobs = runner;
  const chrome = browser;
  const contexts: BrowserContext[] = [];

  const newContext = async (contextOptions: BrowserContextOptions = {}) => {
    const context = await chrome.newContext({ baseURL: baseUrl, locale: 'en-US', viewport: { width: 1280, height: 860 }, ...contextOptions });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  };

  return {
    baseUrl,
    ctx,
    browser: chrome,
    url: (pathname) => new URL(pathname, baseUrl).toString(),
    newContext,
    async signedInOwner(opts = {}) {
      const org = await createOrg(ctx, { language: opts.language ?? 'en', name: opts.name });
      const context = await newContext(opts.context);
      const cookie = org.owner && 'cookie' in org.owner ? org.owner.cookie : '';
      const [name, value] = cookie.split('=');
      await context.addCookies([{ name: name!, value: value!, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
      const page = await context.newPage();
      return { org, context, page };
    },
    async screenshot(page, name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await chrome.close().catch(() => {});
      await jobs.stop(2000);
      await server.close();
      await ctx.close();
    },
  };
}
