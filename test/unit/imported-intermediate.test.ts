/**
 * What the CA accepts as an operator's root and an intermediate made elsewhere,
 * with certificates and keys made by openssl: every unfit input is refused with
 * ERR_AUTHORITY_INVALID and a problem that names it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorityCertificateError, checkImportedIntermediate, checkOperatorRoot } from '../../ca/authority/imported-intermediate.js';
import type { CaRoot } from '../../ca/authority/keys.js';
import { type OpensslCert, opensslCert } from '../helpers/openssl-pki.js';

const TD = 'tessera.local';
const DAY = 86_400_000;
let dir: string;
let root: OpensslCert;
let operatorRoot: CaRoot;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-import-'));
  root = await opensslCert(dir, 'root', { curve: 'secp384r1' });
  operatorRoot = checkOperatorRoot(root.pem, Date.now());
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const key = (c: OpensslCert) => readFile(c.keyFile, 'utf8');

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AuthorityCertificateError);
    expect((err as AuthorityCertificateError).code).toBe('ERR_AUTHORITY_INVALID');
    return (err as AuthorityCertificateError).problem;
  }
  throw new Error('accepted');
}

describe('an intermediate made elsewhere', () => {
  it('ok/signed by the root: its chain is empty and its key identifier is the one openssl wrote (leaves name it)', async () => {
    const ca = await opensslCert(dir, 'ok-ca', { issuer: root, pathLength: 0 });
    const credential = checkImportedIntermediate({ certificatesPem: ca.pem, keyPem: await key(ca), root: operatorRoot, trustDomain: TD, nowMs: Date.now() });
    expect(credential.chain).toEqual([]);
    const { stdout } = await promisify(execFile)('openssl', ['x509', '-in', ca.certFile, '-noout', '-ext', 'subjectKeyIdentifier']);
    expect(credential.keyIdentifier.toString('hex')).toBe(stdout.split('\n')[1]!.trim().replaceAll(':', '').toLowerCase());
    expect(credential.notAfterMs).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it('ok/under an upstream intermediate: the chain carries it; its earlier expiry bounds the signing; a trailing root is dropped', async () => {
    const upstream = await opensslCert(dir, 'up', { issuer: root, pathLength: 1, days: 10 });
    const ca = await opensslCert(dir, 'up-ca', { issuer: upstream, pathLength: 0, days: 20 });
    const credential = checkImportedIntermediate({ certificatesPem: ca.pem + upstream.pem + root.pem, keyPem: await key(ca), root: operatorRoot, trustDomain: TD, nowMs: Date.now() });
    expect(credential.chain).toHaveLength(1);
    expect(credential.notAfterMs).toBeLessThan(Date.now() + 11 * DAY);
  });

  it('fail/each unfit input names its problem', async () => {
    const check = (certificatesPem: string, keyPem: string, at = Date.now()) =>
      problemOf(() => checkImportedIntermediate({ certificatesPem, keyPem, root: operatorRoot, trustDomain: TD, nowMs: at }));
    const ca = await opensslCert(dir, 'f-ca', { issuer: root, pathLength: 0 });
    const leaf = await opensslCert(dir, 'f-leaf', { issuer: root, ca: false });
    const other = await opensslCert(dir, 'f-other', { issuer: root, pathLength: 0 });
    const otherRoot = await opensslCert(dir, 'f-other-root');
    const foreign = await opensslCert(dir, 'f-foreign', { issuer: otherRoot, pathLength: 0 });
    const p384 = await opensslCert(dir, 'f-p384', { issuer: root, curve: 'secp384r1' });
    const narrowUpstream = await opensslCert(dir, 'f-narrow', { issuer: root, pathLength: 0 });
    const underNarrow = await opensslCert(dir, 'f-under-narrow', { issuer: narrowUpstream, pathLength: 0 });
    const nowMs = Date.now();

    expect(check(leaf.pem, await key(leaf))).toBe('not_ca');
    expect(check(ca.pem, await key(other))).toBe('key_mismatch');
    expect(check(foreign.pem, await key(foreign))).toBe('chain');
    expect(check(p384.pem, await key(p384))).toBe('key_type');
    expect(check(underNarrow.pem + narrowUpstream.pem, await key(underNarrow))).toBe('path_length');
    expect(check(ca.pem, await key(ca), nowMs + 31 * DAY)).toBe('expired');
    expect(check(ca.pem, await key(ca), nowMs - DAY)).toBe('not_yet_valid');
    expect(check('not a certificate', await key(ca))).toBe('malformed');
    expect(check(ca.pem, 'not a key')).toBe('malformed');
    expect(check(root.pem, await key(ca))).toBe('malformed');
  });
});

describe('an operator\'s root', () => {
  it('fail/an intermediate, a leaf, two certificates, an expired root', async () => {
    const ca = await opensslCert(dir, 'r-ca', { issuer: root, pathLength: 0 });
    const leaf = await opensslCert(dir, 'r-leaf', { ca: false });
    expect(problemOf(() => checkOperatorRoot(ca.pem, Date.now()))).toBe('not_self_signed');
    expect(problemOf(() => checkOperatorRoot(leaf.pem, Date.now()))).toBe('not_ca');
    expect(problemOf(() => checkOperatorRoot(root.pem + ca.pem, Date.now()))).toBe('malformed');
    expect(problemOf(() => checkOperatorRoot(root.pem, Date.now() + 31 * DAY))).toBe('expired');
  });
});
