/**
 * Root rotation: the roots are authorities too (kind `root`), with the same
 * lifecycle, by hand only (roots live years; SPIRE and step-ca rotate them by
 * hand as well):
 *
 *   prepare   a new root joins the bundle, signing nothing; agents receive it
 *   activate  it signs the intermediates prepared from now on; the old root stays trusted
 *   taint     the old root is on its way out: refused while the active or
 *             prepared intermediate is still one it signed
 *   revoke    the old root leaves the bundle: refused while any intermediate it
 *             signed is still trusted and unexpired
 *
 * The order these checks enforce keeps every SVID in use verifiable at every
 * step: nothing is signed under a root before agents have it, and a root leaves
 * only when nothing they hold chains to it.
 */
import { X509Certificate } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from '../../agent-sdk/errors.js';
import { type CaRoot, loadRoot } from './keys.js';
import type { AuthorityRecord, AuthorityStep } from './lifecycle.js';

/**
 * Checks the conditions a root's step adds to the lifecycle's own. `issuerOf`
 * names the root that signed each intermediate.
 *
 * @throws {TesseraError} ERR_AUTHORITY_STATE naming the intermediates in the way.
 * @example checkRootStep('revoke', rootId, records, (id) => issuers.get(id), clock.now());
 */
export function checkRootStep(
  step: AuthorityStep, rootId: string, records: readonly AuthorityRecord[], issuerOf: (x509Id: string) => string | undefined, nowMs: number,
): void {
  const signed = records.filter((r) => r.kind === 'x509' && issuerOf(r.id) === rootId);
  if (step === 'taint') {
    const inUse = signed.filter((r) => r.state === 'active' || r.state === 'prepared');
    if (inUse.length > 0) {
      throw new TesseraError('ERR_AUTHORITY_STATE', `root ${rootId} signed the ${inUse.map((r) => `${r.state} intermediate ${r.id}`).join(' and ')}: prepare and activate an intermediate under the new root first`);
    }
  }
  if (step === 'revoke') {
    const trusted = signed.filter((r) => r.state !== 'revoked' && r.notAfterMs > nowMs);
    if (trusted.length > 0) {
      throw new TesseraError('ERR_AUTHORITY_STATE', `root ${rootId} signed intermediates still trusted (${trusted.map((r) => `${r.id} ${r.state}`).join(', ')}): taint and revoke them first, or wait until they expire`);
    }
  }
}

/**
 * Every root certificate this CA has had, from its keys folder: the audit
 * checkpoints of the past were signed under any of them, so all verify the log.
 *
 * @example const roots = await rootCertificates(await keysDir(dataDir));
 */
export async function rootCertificates(dir: string): Promise<X509Certificate[]> {
  const files = (await readdir(dir)).filter((name) => /^root(-\d+)?-cert\.pem$/.test(name)).sort();
  return Promise.all(files.map(async (name) => new X509Certificate(await readFile(join(dir, name), 'utf8'))));
}

/**
 * The root a root record names, from its files in the keys folder `dir`
 * (roots stay files: a root prepared on one replica is copied to the others by
 * hand, as the first one is).
 *
 * @throws {TesseraError} ERR_KEYS_MISMATCH when the file is missing or holds another root.
 * @example const root = await loadRecordedRoot(keysDir, record);
 */
export async function loadRecordedRoot(dir: string, record: AuthorityRecord): Promise<CaRoot> {
  const file = `${record.file ?? `root-${record.id}`}-cert.pem`;
  const root = record.file === undefined ? undefined : await loadRoot(dir, record.file);
  if (!root) throw new TesseraError('ERR_KEYS_MISMATCH', `root ${record.id} of the store is missing from ${dir} (${file}): copy it from the CA that prepared it (docs/ha.md)`);
  if (root.keyIdentifier.toString('hex') !== record.id) {
    throw new TesseraError('ERR_KEYS_MISMATCH', `${file} in ${dir} is not root ${record.id} of the store: copy it from the CA that prepared it (docs/ha.md)`);
  }
  return root;
}
