/**
 * Headless Chromium for the console's browser tests: Debian's `chromium`
 * package (scripts/install-test-deps.sh installs it), driven by playwright-core
 * through its executable path. A missing browser fails the test, never skips it.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Launches headless Chromium. Close it in afterAll.
 *
 * @throws when Debian's chromium is not installed, naming how to install it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`the console's browser tests need Chromium at ${CHROMIUM_PATH}: run "sudo bash scripts/install-test-deps.sh" (Debian's chromium package)`);
  }
  // Chromium's sandbox refuses to run as root (CI containers); the pages it opens are our own.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

/** What a page did that a hostile value could have caused: dialogs opened, CSP violations, script errors. */
export interface PageWatch {
  readonly dialogs: string[];
  readonly cspViolations: string[];
  readonly errors: string[];
}

/**
 * A new page in a fresh context, watched for dialogs (alert/confirm: a script
 * that should not have run), Content-Security-Policy violations (markup that
 * escaped escaping and was only stopped by the policy) and uncaught errors.
 */
export async function watchedPage(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const watch: PageWatch = { dialogs: [], cspViolations: [], errors: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watch.cspViolations.push(message.text());
  });
  page.on('pageerror', (err) => watch.errors.push(err.message));
  return { context, page, watch };
}
