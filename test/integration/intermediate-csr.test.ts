/**
 * The next intermediate of a CA whose root is offline, without its key ever
 * leaving the CA host: `tessera authority x509 csr` makes the key in the CA
 * (sealed in the store, pending) and writes a request; the operator's root,
 * played by the openssl command, signs it; `authority x509 prepare --cert`
 * brings the certificate alone. Agents move to it and openssl verifies their
 * SVIDs on its own.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { derToPem } from '../../agent-sdk/tls-material.js';
import { verifyX509Svid } from '../../agent-sdk/verify.js';
import { tessera } from '../helpers/ca-process.js';
import { opensslCert, opensslVerify } from '../helpers/openssl-pki.js';
import { type World, roundTrip, connect, spawnAgent, startWorld } from '../helpers/revocation-world.js';

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

const normal = (pem: string) => derToPem(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));

describe('authority x509 csr', () => {
  it('ok/the CA makes the key and a request, the offline root signs it with openssl, the certificate alone brings it; a certificate for another key is refused', async () => {
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
