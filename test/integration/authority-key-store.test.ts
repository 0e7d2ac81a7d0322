/**
 * The authorities' keys in the store, sealed with the key-encryption key
 * (ca/authority/key-vault.ts, stored-authorities.ts), on a real CA and a real
 * level store: no key file beside the root and the KEK, no key in the clear in
 * the store, another KEK or a key moved to another authority's entry refused;
 * the key files of a CA from before moved into the store at its start; after a
 * root rotation the CA starts again under the root pin, and a root file that is
 * not the store's is refused.
 */
import { X509Certificate } from 'node:crypto';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { systemClock } from '../../agent-sdk/clock.js';
import { JwtAuthority } from '../../ca/authority/jwt-authority.js';
import { KeyVault } from '../../ca/authority/key-vault.js';
import { createIntermediate, keysDir, loadCredential, loadOrCreateKeys, loadOrCreateRoot, signingRoot } from '../../ca/authority/keys.js';
import type { AuthorityRecord } from '../../ca/authority/lifecycle.js';
import { AUTHORITY_KEY_PREFIX, authorityKey, readAuthorityRecords, readKeyMaterial } from '../../ca/authority/stored-authorities.js';
import { AdminClient } from '../../ca/admin-client.js';
import { AuthorityClient } from '../../ca/authority-client.js';
import { validateConfig } from '../../ca/config.js';
import { encodeRecord } from '../../ca/issuance/records.js';
import { silentLogger } from '../../ca/log.js';
import { CaServer } from '../../ca/server.js';
import { prefixRange } from '../../ca/audit/record.js';
import { LevelStore } from '../../ca/store/level-store.js';

const DAY = 86_400_000;
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-key-store-'));
  dirs.push(dir);
  return dir;
}

/** Starts a CA on `dir`, runs `use`, stops it. */
async function withCa<T>(dir: string, use: (ca: CaServer, admin: AdminClient) => Promise<T>): Promise<T> {
  const ca = await CaServer.start(validateConfig({ dataDir: dir, publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0' }), { clock: systemClock, log: silentLogger });
  const admin = new AdminClient(ca.adminSocket);
  try {
    return await use(ca, admin);
  } finally {
    admin.close();
    await ca.close();
  }
}

async function withStore<T>(dir: string, use: (store: LevelStore) => Promise<T>): Promise<T> {
  const store = await LevelStore.create(join(dir, 'store'));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

describe('authority keys in the store', () => {
  it('ok/sealed with the KEK: no key file, no key in the clear, and the CA signs with the stored intermediate after a restart', async () => {
    const dir = await dataDir();
    const issuer = await withCa(dir, async (ca) => ca.authority.checkpointSigner.chain[0]!);
    expect((await readdir(join(dir, 'keys'))).sort()).toEqual(['kek', 'root-cert.pem', 'root-key.pem']);
    await withStore(dir, async (store) => {
      const keys = join(dir, 'keys');
      const root = (await loadCredential(keys, 'root'))!;
      const { records } = await readAuthorityRecords(store);
      // The root's record (root rotation) names its files in keys/; only the signing authorities have sealed keys.
      expect(records.map((r) => r.kind).sort()).toEqual(['jwt', 'root', 'x509']);
      expect(await store.get(`${AUTHORITY_KEY_PREFIX}root/${records.find((r) => r.kind === 'root')!.id}`)).toBeUndefined();
      for (const record of records.filter((r) => r.kind !== 'root')) {
        const stored = Buffer.from((await store.get(`${AUTHORITY_KEY_PREFIX}${record.kind}/${record.id}`))!);
        const { privateKey } = (await readKeyMaterial(store, await KeyVault.load(keys), keys, [root], record))!.material;
        // Neither the PKCS#8 key nor its private scalar, raw or in base64, is in what the store holds.
        const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
        for (const secret of [privateKey.export({ format: 'der', type: 'pkcs8' }), d]) {
          expect(stored.includes(secret)).toBe(false);
          expect(stored.includes(Buffer.from(secret.toString('base64')))).toBe(false);
        }
      }
    });
    // The same intermediate signs after a restart: its key came back out of the store.
    await withCa(dir, async (ca) => expect(ca.authority.checkpointSigner.chain[0]!.equals(issuer)).toBe(true));
  });

  it('ok/the root rotated and the old one revoked: the CA starts again under the pin; a rotated root file not the record\'s, or another first root, is refused', async () => {
    const dir = await dataDir();
    const keys = join(dir, 'keys');
    const newRoot = await withCa(dir, async (ca) => {
      const authorities = new AuthorityClient(ca.adminSocket);
      try {
        const [oldRoot] = (await authorities.list('root')).authorities;
        const [oldX509] = (await authorities.list('x509')).authorities;
        const root = await authorities.prepare('root');
        await authorities.step('root', 'activate', root.authorityId);
        const x509 = await authorities.prepare('x509');
        await authorities.step('x509', 'activate', x509.authorityId);
        for (const step of ['taint', 'revoke'] as const) await authorities.step('x509', step, oldX509!.authorityId);
        for (const step of ['taint', 'revoke'] as const) await authorities.step('root', step, oldRoot!.authorityId);
        return root;
      } finally {
        authorities.close();
      }
    });
    // The rotated root is its own file pair; keys/root-cert.pem (the pinned first root) stays.
    const rootFiles = (await readdir(keys)).filter((f) => /^root-\d+-cert\.pem$/.test(f));
    expect(rootFiles).toHaveLength(1);
    await withCa(dir, async (ca) => {
      const authorities = new AuthorityClient(ca.adminSocket);
      try {
        expect((await authorities.list('root')).authorities.map((r) => r.state)).toEqual(['revoked', 'active']);
        expect((await authorities.bundle()).x509Authorities.map((der) => new X509Certificate(der).toString())).toEqual([new X509Certificate(await readFile(join(keys, rootFiles[0]!))).toString()]);
      } finally {
        authorities.close();
      }
    });
    // The rotated root's file swapped for a root the store never had.
    const stranger = await dataDir();
    await withCa(stranger, async () => {});
    const rotated = rootFiles[0]!.slice(0, -'-cert.pem'.length);
    const saved = await Promise.all(['cert', 'key'].map((part) => readFile(join(keys, `${rotated}-${part}.pem`))));
    for (const part of ['cert', 'key']) await copyFile(join(stranger, `keys/root-${part}.pem`), join(keys, `${rotated}-${part}.pem`));
    await expect(withCa(dir, async () => {})).rejects.toMatchObject({ code: 'ERR_KEYS_MISMATCH', message: expect.stringContaining(newRoot.authorityId) });
    await Promise.all(['cert', 'key'].map((part, i) => writeFile(join(keys, `${rotated}-${part}.pem`), saved[i]!)));
    await withCa(dir, async () => {});
    // Another first root (a replica given the wrong keys/): the pin refuses it.
    for (const part of ['cert', 'key']) await copyFile(join(stranger, `keys/root-${part}.pem`), join(keys, `root-${part}.pem`));
    await expect(withCa(dir, async () => {})).rejects.toMatchObject({ code: 'ERR_KEYS_MISMATCH', message: expect.stringContaining('root') });
  });

  it('fail/another KEK is named as a mismatch; a sealed key moved onto another authority does not open', async () => {
    const dir = await dataDir();
    await withCa(dir, async () => {});
    const keys = join(dir, 'keys');
    const root = (await loadCredential(keys, 'root'))!;
    await withStore(dir, async (store) => {
      const { records } = await readAuthorityRecords(store);
      const [x509, jwt] = [records.find((r) => r.kind === 'x509')!, records.find((r) => r.kind === 'jwt')!];
      const otherDir = await dataDir();
      const other = await KeyVault.loadOrCreate(otherDir);
      await expect(readKeyMaterial(store, other, keys, [root], x509)).rejects.toMatchObject({ code: 'ERR_KEYS_MISMATCH', message: expect.stringContaining(other.id) });
      // The JWT key's sealed bytes put under the intermediate's entry: the additional data (the authority's name) no longer fits.
      const jwtSealed = await store.get(`${AUTHORITY_KEY_PREFIX}jwt/${jwt.id}`);
      await store.write([{ type: 'put', key: `${AUTHORITY_KEY_PREFIX}x509/${x509.id}`, value: jwtSealed! }]);
      await expect(readKeyMaterial(store, await KeyVault.load(keys), keys, [root], x509)).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('does not open') });
    });
  });

  it('ok/the key files of a CA from before move into the store at start, audited, and the files are gone', async () => {
    const dir = await dataDir();
    const keys = await keysDir(dir);
    const params = { trustDomain: 'tessera.local', clock: systemClock, rootTtlMs: 3650 * DAY, intermediateTtlMs: 365 * DAY };
    const root = await loadOrCreateRoot(keys, params);
    // A CA of the lifecycle's first version: records in the store, keys as files named by the records.
    const intermediate = await createIntermediate(keys, 'x509-1700000000000', signingRoot(root), params);
    const privateKey = generateP256Key();
    await writeFile(join(keys, 'jwt-1700000000000-key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const jwt = await JwtAuthority.fromPrivateKey(privateKey);
    const now = Date.now();
    const records: AuthorityRecord[] = [
      { kind: 'x509', id: intermediate.keyIdentifier.toString('hex'), state: 'active', file: 'x509-1700000000000', notBeforeMs: now - DAY, notAfterMs: intermediate.notAfterMs, changedAtMs: now },
      { kind: 'jwt', id: jwt.keyId, state: 'active', file: 'jwt-1700000000000', notBeforeMs: now - DAY, notAfterMs: now + 300 * DAY, changedAtMs: now },
    ];
    await withStore(dir, (store) => store.write([
      ...records.map((r) => ({ type: 'put' as const, key: authorityKey(r.kind, r.id), value: encodeRecord(r) })),
      { type: 'put', key: 'meta/bundle_sequence', value: encodeRecord({ sequence: 2 }) },
    ]));

    await withCa(dir, async (ca, admin) => {
      expect(ca.authority.checkpointSigner.chain[0]!.equals(intermediate.der)).toBe(true);
      expect(ca.authority.jwt.keyId).toBe(jwt.keyId);
      const operations = (await admin.listAuditRecords({ limit: 100 })).records.map((r) => `${r.operation} ${r.serial}`);
      expect(operations).toEqual(expect.arrayContaining([`authority.x509.store_key ${records[0]!.id}`, `authority.jwt.store_key ${records[1]!.id}`]));
    });
    expect((await readdir(keys)).sort()).toEqual(['kek', 'root-cert.pem', 'root-key.pem']);
    // And the next start reads them from the store.
    await withCa(dir, async (ca) => expect(ca.authority.checkpointSigner.chain[0]!.equals(intermediate.der)).toBe(true));
  });

  it('ok/a CA from before the lifecycle: its intermediate is adopted as the active one, sealed into the store, its file gone', async () => {
    const dir = await dataDir();
    const before = await loadOrCreateKeys({ dataDir: dir, trustDomain: 'tessera.local', clock: systemClock, rootTtlMs: 3650 * DAY, intermediateTtlMs: 365 * DAY });
    await withCa(dir, async (ca) => expect(ca.authority.checkpointSigner.chain[0]!.equals(before.intermediate.der)).toBe(true));
    expect((await readdir(join(dir, 'keys'))).sort()).toEqual(['kek', 'root-cert.pem', 'root-key.pem']);
    await withCa(dir, async (ca) => expect(ca.authority.checkpointSigner.chain[0]!.equals(before.intermediate.der)).toBe(true));
  });
});
