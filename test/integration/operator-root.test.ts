/**
 * A CA whose root key never comes to its host: `tessera ca init` with the
 * operator's root, or an upstream CA's root and its intermediate, made by
 * openssl as an operator would. Agents get SVIDs whose chains carry the
 * upstream intermediates and call each other over node:tls and through the
 * CA's gRPC (both ends present three-certificate chains); openssl verifies
 * them on its own. The next intermediate comes in through the normal
 * lifecycle (`authority x509 prepare --cert --key`, or without the key leaving
 * the CA host: `authority x509 csr`, signed by openssl, then `prepare --cert`),
 * and the CA says loudly when one is due, since its schedule cannot make one.
 */
import { X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { certificatesFromPem } from '../../agent-sdk/bundle.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { derToPem } from '../../agent-sdk/tls-material.js';
import { verifyX509Svid } from '../../agent-sdk/verify.js';
import { createLogger } from '../../ca/log.js';
import { tessera } from '../helpers/ca-process.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { opensslCert, opensslVerify, pemFile } from '../helpers/openssl-pki.js';
import { type World, connect, roundTrip, spawnAgent, startWorld } from '../helpers/revocation-world.js';

const DAY = 86_400_000;
const run = promisify(execFile);
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function json(...args: string[]): Promise<Record<string, unknown>> {
  const run = await tessera(...args, '--json');
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('bring your own root or an upstream CA', () => {
  it('ok/upstream CA: SVID chains carry both intermediates, every verifier accepts them, the next intermediate is brought through the lifecycle', async () => {
    const pki = await tempDir('tessera-upstream-');
    const dataDir = await tempDir('tessera-data-');
    const upstreamRoot = await opensslCert(pki, 'upstream-root', { curve: 'secp384r1' });
    const upstream = await opensslCert(pki, 'upstream-intermediate', { issuer: upstreamRoot, pathLength: 1 });
    const first = await opensslCert(pki, 'tessera-1', { issuer: upstream, pathLength: 0 });
    const init = await json('ca', 'init', '--data-dir', dataDir, '--root-cert', upstreamRoot.certFile,
      '--intermediate-cert', await pemFile(pki, 'chain-1.pem', first, upstream), '--intermediate-key', first.keyFile);
    expect(init.rootKey).toBe('offline');

    const w: World = await startWorld({ ca: { config: { dataDir } } });
    cleanup.push(() => w.close());
    expect(await readdir(join(dataDir, 'keys'))).not.toContain('root-key.pem');
    const agent = await spawnAgent(w, 'task-1');
    const svid = agent.getX509Svid();
    expect(svid.certificates.map((der) => derToPem(der))).toEqual([derToPem(svid.certificates[0]!), first.pem, upstream.pem].map(normal));
    // The SDK verifier builds leaf -> ours -> upstream -> root; the trust bundle holds the upstream root alone.
    expect(verifyX509Svid(svid.certificates, agent).verifiedChain).toHaveLength(4);
    expect(w.t.ca.authority.bundle.certificates.map((c) => c.raw.toString('base64'))).toEqual([new X509Certificate(upstreamRoot.pem).raw.toString('base64')]);
    expect(await opensslVerify(pki, upstreamRoot.certFile, derToPem(svid.certificates[0]!), first.pem + upstream.pem)).toContain('OK');
    // node:tls both ways: the agent's and the service's chains have two intermediates each.
    const socket = await connect(w, agent);
    cleanup.push(async () => socket.destroy());
    // gRPC both ways: the agent renews over mTLS with the CA (its chain and the CA's have two intermediates each).
    const renewed = await agent.rotate();
    expect(renewed.certificates).toHaveLength(3);
    const shown = await tessera('bundle', 'show', '--socket', w.t.ca.adminSocket);
    expect(certificatesFromPem(shown.stdout).map((c) => c.toString('base64'))).toEqual([new X509Certificate(upstreamRoot.pem).raw.toString('base64')]);

    // The next intermediate, made by the upstream CA, through the normal lifecycle; agents move to it.
    const next = await opensslCert(pki, 'tessera-2', { issuer: upstream, pathLength: 0 });
    const socketOpt = ['--socket', w.t.ca.adminSocket];
    const refused = await tessera('authority', 'x509', 'prepare', ...socketOpt);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ERR_AUTHORITY_STATE');
    const prepared = await json('authority', 'x509', 'prepare', '--cert', await pemFile(pki, 'chain-2.pem', next, upstream), '--key', next.keyFile, ...socketOpt);
    expect((prepared.authorities as Array<{ state: string }>)[0]!.state).toBe('prepared');
    await json('authority', 'x509', 'activate', ...socketOpt);
    await json('authority', 'x509', 'taint', ...socketOpt);
    await vi.waitFor(() => expect(derToPem(agent.getX509Svid().certificates[1]!)).toBe(normal(next.pem)), { timeout: 10_000, interval: 50 });
    expect(agent.getX509Svid().certificates).toHaveLength(3);
    expect(await roundTrip(await connect(w, agent))).toContain(agent.getX509Svid().id.toString());

    // A restart reads the brought intermediates and their chains back.
    await w.t.restart();
    const afterRestart = await agent.rotate();
    expect(afterRestart.certificates.slice(1).map((der) => derToPem(der))).toEqual([next.pem, upstream.pem].map(normal));
    const { records } = await w.t.admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation === 'authority.x509.prepare').map((r) => [r.outcome, r.reason])).toEqual([['denied', 'ERR_AUTHORITY_STATE'], ['allowed', '']]);
  }, 90_000);

  it('fail/ca init refuses unfit inputs with the problem named, and writes nothing', async () => {
    const pki = await tempDir('tessera-unfit-');
    const root = await opensslCert(pki, 'root');
    const wrongRoot = await opensslCert(pki, 'wrong-root');
    const ca = await opensslCert(pki, 'ca', { issuer: root, pathLength: 0 });
    const p384 = await opensslCert(pki, 'p384', { issuer: root, curve: 'secp384r1' });
    const cases: Array<[string[], string]> = [
      [['--root-cert', wrongRoot.certFile, '--intermediate-cert', ca.certFile, '--intermediate-key', ca.keyFile], '(chain)'],
      [['--root-cert', root.certFile, '--intermediate-cert', ca.certFile, '--intermediate-key', p384.keyFile], '(key_type)'],
      [['--root-cert', ca.certFile, '--intermediate-cert', ca.certFile, '--intermediate-key', ca.keyFile], '(not_self_signed)'],
      [['--root-cert', root.certFile], '--intermediate-cert'],
    ];
    for (const [args, problem] of cases) {
      const dataDir = await tempDir('tessera-data-');
      const run = await tessera('ca', 'init', '--data-dir', dataDir, ...args);
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.stderr).toContain(problem);
      expect(await readdir(dataDir)).not.toContain('keys');
    }
  }, 60_000);

  it('ok/offline root: the schedule cannot prepare, so show and the log warn as the intermediate ages; a brought one ends the warnings', async () => {
    const pki = await tempDir('tessera-offline-');
    const dataDir = await tempDir('tessera-data-');
    const root = await opensslCert(pki, 'offline-root');
    const first = await opensslCert(pki, 'first', { issuer: root, pathLength: 0, days: 30 });
    await json('ca', 'init', '--data-dir', dataDir, '--root-cert', root.certFile, '--intermediate-cert', first.certFile, '--intermediate-key', first.keyFile);
    let offsetMs = 0;
    const clock: Clock = { now: () => Date.now() + offsetMs };
    const logged: Array<{ msg?: string; warning?: string }> = [];
    const t: TestCa = await startTestCa({
      clock, config: { dataDir, authorities: { checkEvery: '100ms' } },
      log: createLogger('warn', { write: (line: string) => void logged.push(JSON.parse(line) as { msg?: string; warning?: string }) }),
    });
    cleanup.push(() => t.close());
    const socket = ['--socket', t.ca.adminSocket];
    const show = async () => (await json('authority', 'x509', 'show', ...socket)) as { warnings: string[]; authorities: Array<{ state: string }> };
    expect((await show()).warnings).toEqual([]);

    offsetMs = 16 * DAY; // past half of the intermediate's 30 days: the schedule would prepare now
    const due = (await show()).warnings;
    expect(due).toHaveLength(1);
    expect(due[0]).toMatch(/^the active intermediate [0-9a-f]+ expires at .* no successor is prepared; the CA holds no root key/);
    await vi.waitFor(() => expect(logged.some((l) => l.warning === due[0])).toBe(true), { timeout: 5_000 });
    expect((await show()).authorities.map((a) => a.state)).toEqual(['active']);
    offsetMs = 26 * DAY; // past 5/6: overdue
    expect((await show()).warnings[0]).toMatch(/^overdue: /);

    const leaf = await opensslCert(pki, 'not-a-ca', { issuer: root, ca: false });
    const unfit = await tessera('authority', 'x509', 'prepare', '--cert', leaf.certFile, '--key', leaf.keyFile, ...socket);
    expect(unfit.code).toBe(1);
    expect(unfit.stderr).toContain('ERR_AUTHORITY_INVALID');
    expect(unfit.stderr).toContain('(not_ca)');
    const next = await opensslCert(pki, 'second', { issuer: root, pathLength: 0, days: 60 });
    await json('authority', 'x509', 'prepare', '--cert', next.certFile, '--key', next.keyFile, ...socket);
    const after = await show();
    expect(after.warnings).toEqual([]);
    // The schedule activates the brought one on its own: past 5/6 of the active one's life.
    await vi.waitFor(async () => expect((await show()).authorities.map((a) => a.state)).toEqual(['old', 'active']), { timeout: 5_000, interval: 100 });
    const { records } = await t.admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation === 'authority.x509.prepare').map((r) => [r.outcome, r.reason])).toEqual([['denied', 'ERR_AUTHORITY_INVALID'], ['allowed', '']]);

    // Root rotation with an offline root: the new root is brought too, never made here.
    const made = await tessera('authority', 'root', 'prepare', ...socket);
    expect(made.code).toBe(1);
    expect(made.stderr).toContain('ERR_AUTHORITY_STATE');
    const newRoot = await opensslCert(pki, 'new-offline-root');
    const rootPrepared = await json('authority', 'root', 'prepare', '--cert', newRoot.certFile, ...socket);
    expect((rootPrepared.authorities as Array<{ state: string }>)[0]!.state).toBe('prepared');
    expect(t.ca.authority.bundle.certificates.map((c) => c.raw.toString('base64')))
      .toEqual([root.pem, newRoot.pem].map((pem) => new X509Certificate(pem).raw.toString('base64')));
    expect((await readdir(join(dataDir, 'keys'))).filter((f) => f.startsWith('root') && f.endsWith('-key.pem'))).toEqual([]);
  }, 90_000);

  it('ok/authority x509 csr: the CA makes the key and a request, the offline root signs it with openssl, the certificate alone brings it; a certificate for another key is refused', async () => {
    const pki = await tempDir('tessera-pki-');
    const dataDir = await tempDir('tessera-data-');
    const root = await opensslCert(pki, 'root');
    const first = await opensslCert(pki, 'tessera-1', { issuer: root, pathLength: 0 });
    const init = await tessera('ca', 'init', '--data-dir', dataDir, '--root-cert', root.certFile, '--intermediate-cert', first.certFile, '--intermediate-key', first.keyFile);
    expect(init.code, init.stderr).toBe(0);
    const w: World = await startWorld({ ca: { config: { dataDir } } });
    cleanup.push(() => w.close());
    const socket = ['--socket', w.t.ca.adminSocket];
    const agent = await spawnAgent(w, 'task-1');
    const keysBefore = await readdir(join(dataDir, 'keys'));

    const csrFile = join(pki, 'next.csr');
    const made = await tessera('authority', 'x509', 'csr', '--out', csrFile, ...socket);
    expect(made.code, made.stderr).toBe(0);
    // openssl reads the request, checks its signature, and sees what it asks for.
    const { stdout: request } = await run('openssl', ['req', '-in', csrFile, '-noout', '-verify', '-text']);
    expect(request).toMatch(/CA:TRUE, pathlen:0/);
    expect(request).toMatch(/Certificate Sign, CRL Sign/);
    expect(request).toContain('URI:spiffe://tessera.local');
    // The key stays in the CA: no new file, nothing but the request written.
    expect(await readdir(join(dataDir, 'keys'))).toEqual(keysBefore);
    expect(await readFile(csrFile, 'utf8')).not.toMatch(/PRIVATE KEY/);

    // An intermediate for another key (the operator signed the wrong request) is refused, naming why.
    const other = await opensslCert(pki, 'other', { issuer: root, pathLength: 0 });
    const wrong = await tessera('authority', 'x509', 'prepare', '--cert', other.certFile, ...socket);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ERR_AUTHORITY_INVALID');
    expect(wrong.stderr).toContain('(key_mismatch)');

    // The offline root signs the request, copying the extensions it asks for.
    const signed = join(pki, 'next-cert.pem');
    const ext = join(pki, 'next.cnf');
    await run('sh', ['-c', `printf 'authorityKeyIdentifier=keyid:always\\n' > ${ext}`]);
    await run('openssl', ['x509', '-req', '-in', csrFile, '-CA', root.certFile, '-CAkey', root.keyFile, '-copy_extensions', 'copyall',
      '-extfile', ext, '-set_serial', `0x${Date.now().toString(16)}`, '-days', '20', '-out', signed]);
    const prepared = await tessera('authority', 'x509', 'prepare', '--cert', signed, '--json', ...socket);
    expect(prepared.code, prepared.stderr).toBe(0);
    expect((JSON.parse(prepared.stdout) as { authorities: Array<{ state: string }> }).authorities[0]!.state).toBe('prepared');
    expect((await tessera('authority', 'x509', 'activate', ...socket)).code).toBe(0);
    expect((await tessera('authority', 'x509', 'taint', ...socket)).code).toBe(0);
    const nextPem = normal(await readFile(signed, 'utf8'));
    await vi.waitFor(() => expect(derToPem(agent.getX509Svid().certificates[1]!)).toBe(nextPem), { timeout: 10_000, interval: 50 });

    // Every verifier accepts the SVIDs it signs: the SDK, a node:tls service, and openssl on its own.
    const svid = agent.getX509Svid();
    expect(verifyX509Svid(svid.certificates, agent).verifiedChain).toHaveLength(3);
    expect(await roundTrip(await connect(w, agent))).toContain(svid.id.toString());
    expect(await opensslVerify(pki, root.certFile, derToPem(svid.certificates[0]!), nextPem)).toContain('OK');

    // The pending key was used up: the same certificate again is refused.
    const again = await tessera('authority', 'x509', 'prepare', '--cert', signed, ...socket);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('ERR_AUTHORITY_STATE');
    const { records } = await w.t.admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation === 'authority.x509.csr').map((r) => r.outcome)).toEqual(['allowed']);
    expect(records.filter((r) => r.operation === 'authority.x509.prepare').map((r) => [r.outcome, r.reason]))
      .toEqual([['denied', 'ERR_AUTHORITY_INVALID'], ['allowed', ''], ['denied', 'ERR_AUTHORITY_STATE']]);
  }, 90_000);
});

/** PEM as derToPem writes it, for comparing with openssl's output. */
function normal(pem: string): string {
  return derToPem(new X509Certificate(pem).raw);
}
