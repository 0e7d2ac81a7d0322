import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { Authority } from '../../ca/authority/authority.js';
import { loadOrCreateKeys } from '../../ca/authority/keys.js';
import { readCsrKey } from '../../ca/authority/csr.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import { expectX509SvidProfile } from '../helpers/svid-profile.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-authority-'));
  dirs.push(dir);
  return dir;
}

const clock = { now: () => Date.now() };
const keyParams = (dataDir: string) => ({ dataDir, trustDomain: 'tessera.local', clock, rootTtlMs: 86_400_000 * 10, intermediateTtlMs: 86_400_000 });

describe('authority', () => {
  it('ok/keys are made once, kept private, and reloaded', async () => {
    const dataDir = await freshDataDir();
    const first = await loadOrCreateKeys(keyParams(dataDir));
    expect((await stat(join(dataDir, 'keys/root-key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'keys/intermediate-key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    const second = await loadOrCreateKeys(keyParams(dataDir));
    expect(second.root.der.equals(first.root.der)).toBe(true);
    expect(second.intermediate.der.equals(first.intermediate.der)).toBe(true);
  });

  it('fail/keys of another trust domain are refused', async () => {
    const dataDir = await freshDataDir();
    await loadOrCreateKeys(keyParams(dataDir));
    await expect(loadOrCreateKeys({ ...keyParams(dataDir), trustDomain: 'other.local' })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
  });

  it('fail/a key that is not its certificate\'s key is refused at load, before anything is signed', async () => {
    const dataDir = await freshDataDir();
    await loadOrCreateKeys(keyParams(dataDir));
    // An operator restores the wrong key file: leaves signed with it would fail every verifier.
    await writeFile(join(dataDir, 'keys/intermediate-key.pem'), await readFile(join(dataDir, 'keys/root-key.pem')));
    await expect(loadOrCreateKeys(keyParams(dataDir))).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID', message: expect.stringMatching(/intermediate-key\.pem .* is not the key of intermediate-cert\.pem/),
    });
  });

  it('fail/an intermediate that the root did not sign is refused at load', async () => {
    const dataDir = await freshDataDir();
    const other = await freshDataDir();
    await loadOrCreateKeys(keyParams(dataDir));
    await loadOrCreateKeys(keyParams(other));
    // Same trust domain, another CA's intermediate with its own (matching) key.
    for (const file of ['intermediate-key.pem', 'intermediate-cert.pem']) {
      await writeFile(join(dataDir, 'keys', file), await readFile(join(other, 'keys', file)));
    }
    await expect(loadOrCreateKeys(keyParams(dataDir))).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID', message: expect.stringMatching(/not signed by the root/),
    });
  });

  it('ok/an issued SVID fits the profile for Node, @peculiar/x509 and openssl', async () => {
    const dataDir = await freshDataDir();
    const keys = await loadOrCreateKeys(keyParams(dataDir));
    const authority = new Authority({ trustDomain: 'tessera.local', keys, clock });
    const privateKey = generateP256Key();
    const { subjectPublicKeyInfo } = readCsrKey(createCsr(privateKey));
    const id = SpiffeId.parse('spiffe://tessera.local/agent/orch-a/task-1/0123456789abcdef0123456789abcdef');
    const now = Date.now();
    const svid = authority.signX509Svid({ spiffeId: id, subjectPublicKeyInfo, notAfterMs: now + 300_000 });
    await expectX509SvidProfile(svid.certificates, keys.root.der, { spiffeId: id.toString(), privateKey, notAfterMs: now + 300_000 });
    const root = new X509Certificate(keys.root.der);
    expect(root.ca).toBe(true);
    const rootPath = join(dataDir, 'root.pem');
    await writeFile(rootPath, root.toString());
    // The stored certificate is the same one openssl reads from disk.
    expect(await readFile(join(dataDir, 'keys/root-cert.pem'), 'utf8')).toBe(root.toString());
    expect(execFileSync('openssl', ['x509', '-noout', '-text', '-in', join(dataDir, 'keys/intermediate-cert.pem')]).toString()).toContain('CA:TRUE, pathlen:0');
  });

  it('ok/notAfter never passes the signing certificate', async () => {
    const dataDir = await freshDataDir();
    const keys = await loadOrCreateKeys(keyParams(dataDir));
    const authority = new Authority({ trustDomain: 'tessera.local', keys, clock });
    const privateKey = generateP256Key();
    const { subjectPublicKeyInfo } = readCsrKey(createCsr(privateKey));
    const id = SpiffeId.parse('spiffe://tessera.local/orchestrator/o1');
    const svid = authority.signX509Svid({ spiffeId: id, subjectPublicKeyInfo, notAfterMs: keys.intermediate.notAfterMs + 86_400_000 });
    expect(svid.notAfterMs).toBe(keys.intermediate.notAfterMs);
  });
});
