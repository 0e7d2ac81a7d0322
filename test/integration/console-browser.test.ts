/**
 * The web console in a real browser (headless Chromium from Debian, see
 * test/helpers/browser.ts) against a real CA: the test spawns, delegates,
 * renews, revokes and releases over gRPC, and the open pages show exactly that
 * without a reload; the audit page shows a record edited on disk as broken;
 * sponsors, reasons and queries crafted as markup are shown as text.
 */
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCsr } from '../../agent-sdk/csr.js';
import { auditKey, encodeRecord, parseRecord } from '../../ca/audit/record.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { attestOrchestrator, newKey, toSvid } from '../helpers/agents.js';
import { type PageWatch, launchBrowser, watchedPage } from '../helpers/browser.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { activate, auditAfter, closeAll, delegate, presenting, spawnAgent } from '../helpers/task-agents.js';

/** How long a page may take to show a change the CA made (SSE, then a fetch of the page). */
const LIVE_MS = 10_000;

let browser: Browser;
let t: TestCa | undefined;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const context of browser.contexts()) await context.close();
  closeAll();
  await t?.close();
  t = undefined;
});

const startCa = () => startTestCa({ config: { console: { address: '127.0.0.1:0' } } });

/** Opens `path` of the console and waits until its live stream is connected; marks the window to detect a reload. */
async function openLive(path: string): Promise<{ page: Page; watch: PageWatch }> {
  const { page, watch } = await watchedPage(browser);
  await page.goto(new URL(path, t!.ca.consoleUrl).href);
  await page.waitForSelector('#live[data-state="live"]', { timeout: LIVE_MS });
  await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
  return { page, watch };
}

const row = (id: string, state: string) => `tr[data-spiffe-id="${id}"][data-state="${state}"]`;
const notReloaded = (page: Page) => page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded === true);

describe('console in a browser', () => {
  it('ok/the agents page and the task tree follow spawn, activation, delegation, renewal, revocation and release live', async () => {
    t = await startCa();
    const agents = await openLive('/');
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    await agents.page.waitForSelector(row(orchestrator.id.toString(), 'active'), { timeout: LIVE_MS });

    const spawned = await presenting(t, orchestrator).spawn({ taskId: 'task-1', sponsor: 'user:alice', scopes: ['read:files:*', 'search:query'] });
    const a = spawned.id.toString();
    await agents.page.waitForSelector(row(a, 'spawned'), { timeout: LIVE_MS });
    const task = await openLive(`/task?orchestrator=orch-a&task=task-1`);
    await task.page.waitForSelector(`li[data-spiffe-id="${a}"][data-state="spawned"]`);

    const svid = await activate(t, spawned.ticket);
    const root = { svid, ca: presenting(t, svid) };
    await agents.page.waitForSelector(row(a, 'active'), { timeout: LIVE_MS });
    const cells = await agents.page.locator(row(a, 'active')).locator('td').allInnerTexts();
    expect(cells.slice(0, 7)).toEqual(['active', 'agent', a, 'task-1', 'user:alice', 'read:files:* search:query', '0']);
    expect(cells[7]).toMatch(/^[45]m \d+s$/);
    // Time left counts down in the page itself, every second.
    const left = agents.page.locator(`${row(a, 'active')} .left`);
    const before = await left.innerText();
    await expect.poll(() => left.innerText(), { timeout: 5000 }).not.toBe(before);

    const sub = await delegate(t, root, { scopes: ['read:files:*'] });
    const b = sub.svid.id.toString();
    await agents.page.waitForSelector(row(b, 'active'), { timeout: LIVE_MS });
    // The tree: b under a, one level deeper, with the narrower scopes, delegated by a.
    const child = task.page.locator(`li[data-spiffe-id="${a}"] > ul > li[data-spiffe-id="${b}"][data-depth="1"]`);
    await child.waitFor({ timeout: LIVE_MS });
    expect(await child.locator('.scopes').first().innerText()).toBe('read:files:*');
    expect(await child.locator('.meta').first().innerText()).toContain(`delegated by ${a}`);

    const key = newKey();
    const renewed = toSvid(await root.ca.renew(createCsr(key)), key);
    expect(renewed.id.toString()).toBe(a);
    await agents.page.waitForSelector(row(a, 'renewed'), { timeout: LIVE_MS });
    expect(await agents.page.locator(row(a, 'renewed')).locator('td').nth(8).innerText()).toBe('1');

    const [revocation] = await t.admin.revoke({ agent: b, reason: 'tool misuse' });
    await agents.page.waitForSelector(row(b, 'revoked'), { timeout: LIVE_MS });
    await task.page.waitForSelector(`li[data-spiffe-id="${b}"][data-state="revoked"]`, { timeout: LIVE_MS });
    const [release] = await presenting(t, renewed).releaseIdentity();
    await agents.page.waitForSelector(row(a, 'released'), { timeout: LIVE_MS });
    expect(await agents.page.locator('.count[data-state="released"] b').innerText()).toBe('1');
    expect(await agents.page.locator('.count[data-state="revoked"] b').innerText()).toBe('1');

    expect(await notReloaded(agents.page)).toBe(true);
    expect(await notReloaded(task.page)).toBe(true);

    // Each revocation and what it ended.
    await agents.page.goto(new URL('/revocations', t.ca.consoleUrl).href);
    const revoked = agents.page.locator(`tr[data-sequence="${revocation!.sequence}"]`);
    expect(await revoked.locator('td').allInnerTexts()).toEqual(expect.arrayContaining(['agent', b, 'operator', 'tool misuse']));
    expect(await revoked.locator('.covered li').allInnerTexts()).toEqual([b]);
    const released = agents.page.locator(`tr[data-sequence="${release!.sequence}"]`);
    expect(await released.locator('td').nth(3).innerText()).toBe('released');
    expect(await released.locator('.covered li').allInnerTexts()).toEqual([a]);
    expect([...agents.watch.errors, ...task.watch.errors]).toEqual([]);
  });

  it('ok/who authorised this: a token id, a serial and an agent ID each lead back through the delegator and orchestrator to the sponsor', async () => {
    t = await startCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const root = await spawnAgent(t, orchestrator, { taskId: 'task-9', sponsor: 'user:bob', scopes: ['read:files:*', 'search:query'] });
    const sub = await delegate(t, root, { scopes: ['search:query'] });
    const { token } = await sub.ca.mintJwtSvid({ audience: 'search-service', scopes: ['search:query'] });
    const jti = decodeJwt(token).jti!;
    const serial = new X509Certificate(sub.svid.certificates[0]!).serialNumber.toLowerCase();
    const { page, watch } = await watchedPage(browser);

    for (const [query, matchedBy] of [[jti, 'token id'], [serial, 'serial'], [sub.svid.id.toString(), 'spiffe id']] as const) {
      await page.goto(new URL(`/search?q=${encodeURIComponent(query)}`, t.ca.consoleUrl).href);
      expect(await page.locator('.matched').innerText()).toBe(`Matched by ${matchedBy}.`);
      const chain = await page.locator('#authority-chain > li').allInnerTexts();
      expect(chain).toHaveLength(4);
      expect(chain[0]).toBe('Human sponsor user:bob');
      expect(chain[1]).toContain(`spawned through orchestrator ${orchestrator.id}`);
      expect(chain[2]).toContain(`first agent ${root.svid.id}`);
      expect(chain[2]).toContain('scopes read:files:* search:query');
      expect(chain[3]).toContain(`delegated to ${sub.svid.id}`);
      expect(chain[3]).toContain('scopes search:query · depth 1');
      expect(await page.locator('#lineage-status').getAttribute('data-ok')).toBe('true');
      expect(await page.locator('table.lineage tbody td').allInnerTexts()).toEqual(expect.arrayContaining(['1', root.svid.id.toString(), sub.svid.id.toString(), 'search:query']));
      const operations = await page.locator('table.audit tbody tr td:nth-child(3)').allInnerTexts();
      expect(operations).toEqual(expect.arrayContaining(['delegate', 'activate', 'token.mint']));
    }
    await page.goto(new URL('/search?q=0123abcd', t.ca.consoleUrl).href);
    expect(await page.locator('.problem').innerText()).toMatch(/no certificate serial or task token id/);
    expect(watch.errors).toEqual([]);
  });

  it('fail/a record edited on disk while the CA was stopped shows as broken on the audit page', async () => {
    t = await startCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    await spawnAgent(t, orchestrator, { sponsor: 'user-42' });
    const spawn = (await auditAfter(t, 0)).find((r) => r.operation === 'spawn' && r.outcome === 'allowed')!;
    // Restarted once, the CA's signed "verified through" mark covers the spawn record, so the
    // start check (which verifies only what follows the mark) lets the next start through.
    await t.restart();
    await t.restart(async () => {
      const store = await LevelStore.create(join(t!.dataDir, 'store'));
      try {
        const stored = parseRecord((await store.get(auditKey(spawn.sequence)))!);
        await store.write([{ type: 'put', key: auditKey(spawn.sequence), value: encodeRecord({ ...stored, sponsor: 'user-1' }) }]);
      } finally {
        await store.close();
      }
    });
    const { page } = await openLive(`/audit?before=${spawn.sequence + 2}`);
    const status = page.locator('#chain-status');
    expect(await status.getAttribute('data-ok')).toBe('false');
    expect(await status.innerText()).toContain(`Chain BROKEN at record ${spawn.sequence}: hash_mismatch`);
    const edited = page.locator(`tr[data-seq="${spawn.sequence}"]`);
    expect(await edited.getAttribute('data-chain')).toBe('broken');
    expect(await edited.locator('td.sponsor').innerText()).toBe('user-1');
    expect(await edited.locator('td.link').innerText()).toContain('hash does not match its content');
    // The record after it still links to the hash stored with the edited one.
    expect(await page.locator(`tr[data-seq="${spawn.sequence + 1}"]`).getAttribute('data-chain')).toBe('ok');

    // An intact log, for contrast: the same page says verified, with its checkpoints signed.
    await t.close();
    t = await startCa();
    await attestOrchestrator(t, 'orch-b');
    const intact = await openLive('/audit');
    expect(await intact.page.locator('#chain-status').getAttribute('data-ok')).toBe('true');
    expect(await intact.page.locator('tr[data-chain="broken"]').count()).toBe(0);
  });

  it('fail/sponsors, reasons and queries crafted as markup are shown as text, and no script runs', async () => {
    t = await startCa();
    const sponsors = ['<script>alert("sponsor")</script>', '"><img/src=x/onerror=alert(2)>'];
    const reason = '<img src=x onerror=alert(3)></td><script>alert(4)</script>';
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const agents = await Promise.all(sponsors.map((sponsor, i) => spawnAgent(t!, orchestrator, { taskId: `task-${i}`, sponsor })));
    await t.admin.revoke({ agent: agents[0]!.svid.id.toString(), reason });
    // Task names and IDs cannot carry markup at all: the CA refuses them before anything is stored.
    await expect(presenting(t, orchestrator).spawn({ taskId: '<script>x</script>', sponsor: 'user:eve' })).rejects.toMatchObject({ code: 'ERR_SPIFFE_ID_INVALID' });
    const query = '"><script>alert(5)</script>';

    const { page, watch } = await watchedPage(browser);
    const pages = ['/', '/task?orchestrator=orch-a&task=task-1', '/revocations', '/audit', `/search?q=${encodeURIComponent(agents[1]!.svid.id.toString())}`,
      `/search?q=${encodeURIComponent(query)}`, `/search?q=${encodeURIComponent('spiffe://tessera.local/<b>x</b>')}`];
    for (const path of pages) {
      await page.goto(new URL(path, t.ca.consoleUrl).href);
      // Nothing the values carried became an element: the only script is the console's own file.
      expect(await page.locator('main script, main img, main b:text-is("x")').count(), path).toBe(0);
    }
    await page.goto(new URL('/', t.ca.consoleUrl).href);
    for (const sponsor of sponsors) await expect.poll(() => page.getByText(sponsor, { exact: true }).isVisible()).toBe(true);
    await page.goto(new URL('/revocations', t.ca.consoleUrl).href);
    expect(await page.locator('td.reason').innerText()).toBe(reason);
    await page.goto(new URL(`/search?q=${encodeURIComponent(query)}`, t.ca.consoleUrl).href);
    expect(await page.locator('#q').inputValue()).toBe(query);
    // The escaping did the work: the policy had nothing to block, no dialog opened, no script failed.
    expect(watch).toEqual({ dialogs: [], cspViolations: [], errors: [] });
  });
});
