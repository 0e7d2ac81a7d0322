import type { KeyObject } from 'node:crypto';
import { CaClient, type CaEndpoints, type IssuedCertificates } from '../../agent-sdk/ca-client.js';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { generateP256Key as newKey } from '../../agent-sdk/p256-key.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import type { TestCa } from './ca-server.js';

export { newKey };

/** Pairs issued certificates with their key, as the SDK does. */
export function toSvid(issued: IssuedCertificates, privateKey: KeyObject): X509Svid {
  return { id: issued.id, certificates: issued.certificates, privateKey, notBeforeMs: Date.now(), expiresAtMs: issued.expiresAtMs };
}

/** A client that presents `svid` (a plain value source). */
export function clientWith(endpoints: CaEndpoints, bundle: X509Bundle, svid: X509Svid): CaClient {
  return new CaClient({ endpoints, bundle, svid: { getX509Svid: () => svid } });
}

/** Attests orchestrator `name` with a fresh join token and returns its SVID. */
export async function attestOrchestrator(t: TestCa, name: string): Promise<X509Svid> {
  const { token } = await t.admin.createJoinToken({ orchestrator: name });
  const key = newKey();
  const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
  try {
    return toSvid(await client.attest(joinTokenClient(token), createCsr(key)), key);
  } finally {
    client.close();
  }
}
