/**
 * Real X509-SVIDs for benchmarks that need certificates but no running CA: a
 * fresh root and intermediate (ca/authority/keys.ts) and leaves signed by the
 * CA's own Authority.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Bundle, type X509BundleSource } from '../agent-sdk/bundle.js';
import { systemClock } from '../agent-sdk/clock.js';
import { SpiffeId } from '../agent-sdk/spiffe-id.js';
import type { X509Svid, X509SvidSource } from '../agent-sdk/svid.js';
import { Authority } from '../ca/authority/authority.js';
import { loadOrCreateKeys } from '../ca/authority/keys.js';

export const TRUST_DOMAIN = 'tessera.local';

export interface BenchPki {
  readonly bundle: X509Bundle;
  /** A plain bundle source (the same object on every call). */
  readonly bundles: X509BundleSource;
  /** An SVID for `id`, valid for `ttlMs`, as a plain source. */
  issue(id: string, ttlMs?: number): { svid: X509Svid; source: X509SvidSource };
}

/** Makes the CA keys in a temporary directory, which is removed before this resolves. */
export async function createBenchPki(): Promise<BenchPki> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-pki-'));
  try {
    const keys = await loadOrCreateKeys({
      dataDir, trustDomain: TRUST_DOMAIN, clock: systemClock, rootTtlMs: 10 * 86_400_000, intermediateTtlMs: 86_400_000,
    });
    const authority = new Authority({ trustDomain: TRUST_DOMAIN, keys, clock: systemClock });
    const bundle = authority.bundle;
    return {
      bundle,
      bundles: { getX509BundleForTrustDomain: (td) => (td === TRUST_DOMAIN ? bundle : undefined) },
      issue(id, ttlMs = 3_600_000) {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const issued = authority.signX509Svid({
          spiffeId: SpiffeId.parse(id), subjectPublicKeyInfo: publicKey.export({ format: 'der', type: 'spki' }), notAfterMs: Date.now() + ttlMs,
        });
        const svid: X509Svid = {
          id: SpiffeId.parse(id), certificates: issued.certificates, privateKey, notBeforeMs: issued.notBeforeMs, expiresAtMs: issued.notAfterMs,
        };
        return { svid, source: { getX509Svid: () => svid } };
      },
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
