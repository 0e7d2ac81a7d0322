import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { X509Source, ENV } from '../../agent-sdk/x509-source.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import type { TesseraError } from '../../agent-sdk/errors.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { readCertificate } from '../../agent-sdk/certificate.js';

let t: TestCa | undefined;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  closers.splice(0).forEach((c) => c.close());
  await t?.close();
  t = undefined;
});

async function orchestratorFor(ca: TestCa): Promise<Orchestrator> {
  const { token } = await ca.admin.createJoinToken({ orchestrator: 'orch-a' });
  const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: ca.endpoints, bundle: ca.ca.authority.bundle });
  closers.push(orchestrator);
  return orchestrator;
}

const nextUpdate = (source: X509Source) => new Promise<void>((resolve) => source.once('update', () => resolve()));

describe('X509Source', () => {
  it('ok/fromEnv activates, clears the environment, and rotates with a new key each time', async () => {
    t = await startTestCa();
    const orchestrator = await orchestratorFor(t);
    const agent = await orchestrator.spawn('task-1', { sponsor: 'user-1', ttlMs: 3000 });
    const env: NodeJS.ProcessEnv = { ...agent.env, OTHER: 'kept' };
    const source = await X509Source.fromEnv(env);
    closers.push(source);
    expect(Object.keys(env)).toEqual(['OTHER']);
    expect(source.getX509Svid().id.equals(agent.id)).toBe(true);

    const seen = [source.getX509Svid()];
    for (let i = 0; i < 3; i++) {
      await nextUpdate(source);
      seen.push(source.getX509Svid());
    }
    const serials = new Set(seen.map((s) => readCertificate(s.certificates[0]!).serialHex));
    const keys = new Set(seen.map((s) => s.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('hex')));
    expect(serials.size).toBe(4);
    expect(keys.size).toBe(4);
    for (const svid of seen) expect(svid.id.equals(agent.id)).toBe(true);
    // Each rotation happened around half-life, before expiry.
    expect(seen[3]!.expiresAtMs).toBeGreaterThan(Date.now());
  });

  it('fail/fromEnv without the variables says what is missing', async () => {
    await expect(X509Source.fromEnv({})).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('fail/a ticket works once', async () => {
    t = await startTestCa();
    const orchestrator = await orchestratorFor(t);
    const agent = await orchestrator.spawn('task-1', { sponsor: 'user-1' });
    const first = await X509Source.fromEnv({ ...agent.env });
    closers.push(first);
    await expect(X509Source.fromEnv({ ...agent.env })).rejects.toMatchObject({ code: 'ERR_TICKET_USED' });
  });

  it('ok/a CA outage shorter than the SVID lifetime keeps the SVID and recovers', async () => {
    t = await startTestCa();
    const orchestrator = await orchestratorFor(t);
    // 12 s: the outage covers the half-life (6 s, jitter 10 %); the failed renewal waits for the CA up to
    // 1.5 s, and after the restart the reconnect backoff (up to 1 s) still leaves the SVID time to renew.
    const agent = await orchestrator.spawn('task-1', { sponsor: 'user-1', ttlMs: 12_000 });
    const source = await X509Source.fromEnv({ ...agent.env }, { rotation: { retryMs: 200, maxRetryMs: 400 } });
    closers.push(source);
    const before = source.getX509Svid();
    const failures: TesseraError[] = [];
    source.on('updateFailed', (err: TesseraError) => failures.push(err));

    const { address, mtlsAddress } = t.endpoints;
    await t.ca.close();
    // Past half-life the renewal fails (after waiting for the CA a while); the current SVID stays in use.
    await once(source, 'updateFailed');
    expect(failures[0]!.code).toBe('ERR_UNAVAILABLE');
    expect(source.getX509Svid()).toBe(before);
    expect(before.expiresAtMs).toBeGreaterThan(Date.now());

    // The CA comes back on the same addresses: the next retry renews.
    await t.restart();
    expect(t.endpoints).toEqual({ address, mtlsAddress });
    await nextUpdate(source);
    expect(source.getX509Svid()).not.toBe(before);
    expect(source.getX509Svid().id.equals(before.id)).toBe(true);
  });

  it('ok/the private key never touches the file system', async () => {
    // The SDK gets a temporary directory of its own (os.tmpdir() reads TMPDIR), read in full; of the
    // shared one, only the files directly in it written while the test ran. Walking the shared one,
    // which holds every other run's files (Node runtimes, other suites' stores), took longer than
    // the test's 30 s on a machine shared by seven engineers.
    const startedMs = Date.now() - 1_000;
    t = await startTestCa();
    const sharedTmp = tmpdir();
    const ownTmp = await mkdtemp(join(sharedTmp, 'tessera-key-on-disk-'));
    const tmpBefore = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    closers.push({
      close: () => {
        if (tmpBefore === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = tmpBefore;
        void rm(ownTmp, { recursive: true, force: true });
      },
    });
    expect(tmpdir()).toBe(ownTmp);
    const orchestrator = await orchestratorFor(t);
    const agent = await orchestrator.spawn('task-1', { sponsor: 'user-1' });
    const source = await X509Source.fromEnv({ ...agent.env });
    closers.push(source);
    const key = source.getX509Svid().privateKey;
    const needles = [
      key.export({ format: 'pem', type: 'pkcs8' }).toString(),
      key.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      key.export({ format: 'jwk' }).d as string,
    ];
    for (const [dir, levels] of [[t.dataDir, 4], [ownTmp, 4], [sharedTmp, 0]] as const) {
      for (const file of await listFiles(dir, startedMs, levels)) {
        const content = await readFile(file).catch(() => Buffer.alloc(0));
        for (const needle of needles) expect(content.includes(needle), `${file} holds the agent key`).toBe(false);
      }
    }
    expect(ENV.ticket in process.env).toBe(false);
  });
});

/** The files in `dir` and `levels` levels below it modified at or after `sinceMs`. */
async function listFiles(dir: string, sinceMs: number, levels: number): Promise<string[]> {
  if (levels < 0) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(path, sinceMs, levels - 1)));
    else if (e.isFile() && ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0) >= sinceMs) out.push(path);
  }
  return out;
}
