// `tessera x509 mint` through the built CLI against a real CA: the certificate
// verifies with openssl against the bundle, names the service, is audited and
// revocable by serial; agent and orchestrator IDs and out-of-range TTLs are
// refused, audited, and issue nothing.
import { execFile } from 'node:child_process';
import { X509Certificate, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certificatesFromPem } from '../../agent-sdk/bundle.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { tessera } from '../helpers/ca-process.js';
import { auditAfter, expectDenied, headSequence } from '../helpers/task-agents.js';

const SERVICE = 'spiffe://tessera.local/service/billing-db';

let dir: string;
let t: TestCa;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-mint-'));
  t = await startTestCa();
});
afterEach(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function publicKeyFile(): Promise<{ file: string; spki: Buffer }> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = join(dir, 'service.pub.pem');
  await writeFile(file, publicKey.export({ format: 'pem', type: 'spki' }));
  return { file, spki: publicKey.export({ format: 'der', type: 'spki' }) };
}

describe('tessera x509 mint', () => {
  it('ok/mints a chain for a service public key that openssl verifies against the bundle; audited with its serial; revoke --serial revokes it', async () => {
    const { file, spki } = await publicKeyFile();
    const before = await headSequence(t);
    const minted = await tessera('x509', 'mint', '--spiffe-id', SERVICE, '--public-key', file, '--ttl', '2h', '--json', '--socket', t.ca.adminSocket);
    expect(minted.stderr).toBe('');
    expect(minted.code).toBe(0);
    const out = JSON.parse(minted.stdout) as { spiffeId: string; serial: string; expiresAt: string; certificates: string[] };
    const [leaf, intermediate] = out.certificates.map((pem) => new X509Certificate(pem));
    expect(leaf!.subjectAltName).toBe(`URI:${SERVICE}`);
    expect(leaf!.serialNumber.toLowerCase().replace(/^0+/, '')).toBe(out.serial.replace(/^0+/, ''));
    expect(leaf!.publicKey.export({ format: 'der', type: 'spki' }).equals(spki)).toBe(true);
    const lifetimeMs = Date.parse(leaf!.validTo) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(lifetimeMs).toBeLessThanOrEqual(2 * 3_600_000);
    expect(Date.parse(out.expiresAt)).toBe(Date.parse(leaf!.validTo));

    // openssl, an independent verifier, against the root the CA hands out.
    await writeFile(join(dir, 'leaf.pem'), out.certificates[0]!);
    await writeFile(join(dir, 'intermediate.pem'), intermediate!.toString());
    const verified = await promisify(execFile)('openssl', [
      'verify', '-CAfile', join(t.dataDir, 'keys/root-cert.pem'), '-untrusted', join(dir, 'intermediate.pem'), '-purpose', 'sslclient', join(dir, 'leaf.pem'),
    ]);
    expect(verified.stdout.trim()).toBe(`${join(dir, 'leaf.pem')}: OK`);

    const records = await auditAfter(t, before);
    expect(records.map((r) => [r.operation, r.outcome, r.subject, r.serial])).toEqual([['x509.mint', 'allowed', SERVICE, out.serial]]);

    const revoked = await tessera('revoke', '--serial', out.serial, '--reason', 'retired', '--socket', t.ca.adminSocket);
    expect(revoked.code).toBe(0);
    expect((JSON.parse(revoked.stdout) as { entries: Array<{ kind: string; target: string }> }).entries).toMatchObject([{ kind: 'serial', target: out.serial }]);
    expect((await auditAfter(t, before)).filter((r) => r.operation === 'revoke.serial').map((r) => [r.outcome, r.subject, r.serial])).toEqual([['allowed', SERVICE, out.serial]]);
    const again = await tessera('revoke', '--serial', out.serial, '--socket', t.ca.adminSocket);
    expect(JSON.parse(again.stdout)).toEqual({ entries: [], note: 'already revoked: nothing committed' });
  });

  it('ok/--key-out makes a P-256 key (0600) whose public half the certificate carries, and never overwrites a file', async () => {
    const keyOut = join(dir, 'service-key.pem');
    const minted = await tessera('x509', 'mint', '--spiffe-id', SERVICE, '--key-out', keyOut, '--socket', t.ca.adminSocket);
    expect(minted.code).toBe(0);
    const [leafDer] = certificatesFromPem(minted.stdout);
    expect((await stat(keyOut)).mode & 0o777).toBe(0o600);
    const key = createPublicKey(await readFile(keyOut, 'utf8'));
    expect(new X509Certificate(leafDer!).publicKey.export({ format: 'der', type: 'spki' }).equals(key.export({ format: 'der', type: 'spki' }))).toBe(true);

    const again = await tessera('x509', 'mint', '--spiffe-id', SERVICE, '--key-out', keyOut, '--socket', t.ca.adminSocket);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`ERR_INVALID_ARGUMENT: ${keyOut} exists`);
  });

  it('fail/agent and orchestrator IDs, other trust domains and out-of-range TTLs are refused, audited, and issue nothing', async () => {
    const { file, spki } = await publicKeyFile();
    for (const id of ['spiffe://tessera.local/agent/orch-a/task-1/0', 'spiffe://tessera.local/orchestrator/orch-a', 'spiffe://other.example/service/db']) {
      const before = await headSequence(t);
      const refused = await tessera('x509', 'mint', '--spiffe-id', id, '--public-key', file, '--socket', t.ca.adminSocket);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('ERR_PERMISSION_DENIED: only a service identity spiffe://tessera.local/service/<name> may be minted');
      expect((await auditAfter(t, before)).map((r) => [r.operation, r.outcome, r.reason, r.subject, r.serial])).toEqual([['x509.mint', 'denied', 'ERR_PERMISSION_DENIED', id, '']]);
    }
    // The CLI refuses a TTL out of range before it calls; the CA refuses it too, with the range.
    const long = await tessera('x509', 'mint', '--spiffe-id', SERVICE, '--public-key', file, '--ttl', '25h', '--socket', t.ca.adminSocket);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('allowed: a duration from 1m to 1d');
    await expectDenied(t, () => t.admin.mintX509Svid({ spiffeId: SERVICE, publicKey: spki, ttlMs: 30_000 }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'x509.mint')
      .then((r) => expect(r.subject).toBe(SERVICE));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' });
    await expectDenied(t, () => t.admin.mintX509Svid({ spiffeId: SERVICE, publicKey: rsa }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'x509.mint');
    await expectDenied(t, () => t.admin.mintX509Svid({ spiffeId: 'not a spiffe id', publicKey: spki }), 'ERR_SPIFFE_ID_INVALID', status.INVALID_ARGUMENT, 'x509.mint')
      .then((r) => expect(r.subject).toBe(''));

    // A private key is never read as the public key to send.
    const privateFile = join(dir, 'private.pem');
    await writeFile(privateFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const priv = await tessera('x509', 'mint', '--spiffe-id', SERVICE, '--public-key', privateFile, '--socket', t.ca.adminSocket);
    expect(priv.code).toBe(1);
    expect(priv.stderr).toContain('is not a PEM public key');
  });
});
