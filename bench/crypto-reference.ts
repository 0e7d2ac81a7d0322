/**
 * The crypto limit the CA is compared with: node:crypto ECDSA P-256 sign and
 * verify on one thread of this process, measured in the same run.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { timeSync } from './stats.js';

export interface CryptoReference {
  /** One sign plus one verify per operation, per second, one thread. */
  readonly signVerifyPerSecond: number;
  readonly signPerSecond: number;
  readonly verifyPerSecond: number;
}

/** Measures for about `ms` in all. Blocks the event loop while it runs. */
export function measureCryptoReference(ms: number): CryptoReference {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // About the size of a leaf TBSCertificate.
  const data = Buffer.alloc(420, 0x5a);
  const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
  const signUs = timeSync(() => sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }), ms / 4);
  const verifyUs = timeSync(() => verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature), ms / 4);
  const bothUs = timeSync(() => {
    const s = sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
    if (!verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, s)) throw new Error('verify failed');
  }, ms / 2);
  return { signVerifyPerSecond: 1e6 / bothUs, signPerSecond: 1e6 / signUs, verifyPerSecond: 1e6 / verifyUs };
}
