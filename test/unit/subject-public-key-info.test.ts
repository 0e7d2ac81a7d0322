import { type KeyObject, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { subjectPublicKeyInfoOf } from '../../agent-sdk/certificate.js';
import { generateP256Key } from '../../agent-sdk/p256-key.js';

const derOf = (key: KeyObject) => (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' });

describe('subjectPublicKeyInfoOf', () => {
  it('ok/a P-256 key, private or public, gives the DER OpenSSL encodes, leading zero bytes of the coordinates included', () => {
    // 1 in 256 coordinates starts with a zero byte: 1,000 keys (2,000 coordinates) all but surely meet several.
    for (let i = 0; i < 1000; i++) {
      const privateKey = generateP256Key();
      const publicKey = createPublicKey(privateKey);
      expect(subjectPublicKeyInfoOf(privateKey)).toEqual(derOf(privateKey));
      expect(subjectPublicKeyInfoOf(publicKey)).toEqual(derOf(publicKey));
    }
  });

  it('ok/other keys take the DER encoder', () => {
    const ed25519 = generateKeyPairSync('ed25519');
    for (const key of [ed25519.privateKey, ed25519.publicKey, generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey]) {
      expect(subjectPublicKeyInfoOf(key)).toEqual(derOf(key));
    }
  });
});
