import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PeerError,
  createMtlsServer,
  authorizeId,
  peerId,
  type Authorizer,
  type MtlsHookOptions,
  type TesseraError,
  type X509BundleSource,
  type X509Svid,
} from '../../agent-sdk/index.js';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import { RevocationList } from '../../agent-sdk/revocation-list.js';
import {
  type TestTrustDomain, closeAfterEach, createMtlsPki, MTLS_CLIENT_ID as CLIENT_ID, MTLS_TD as TD,
  callMtlsServer, nodeReportsClientChain,
} from '../helpers/svid-pki.js';

// The SDK remembers a verified peer path by its leaf (agent-sdk/tls-material.ts),
// so a returning peer is not verified from scratch. Everything that can change
// between two connections must still be checked on each one.


// impostor: the same trust domain name, another root.
let td: TestTrustDomain, impostor: TestTrustDomain, serverSvid: X509Svid, clientSvid: X509Svid;
let nodeKeepsChain: boolean;
const closers = closeAfterEach();

beforeAll(async () => {
  ({ td, other: impostor, serverSvid, clientSvid } = await createMtlsPki(TD));
  nodeKeepsChain = await nodeReportsClientChain(td, serverSvid, clientSvid);
});

/** A plain bundle source whose bundle the test replaces (without telling the server). */
function bundleSource(bundle: X509Bundle): X509BundleSource & { current: X509Bundle } {
  return { current: bundle, getX509BundleForTrustDomain(t: string) { return t === TD ? this.current : undefined; } };
}

async function startServer(authorizer: Authorizer, bundles: X509BundleSource, options: MtlsHookOptions = {}) {
  const rejected: TesseraError[] = [];
  const chains: (Buffer | undefined)[] = [];
  const server = createMtlsServer({ getX509Svid: () => serverSvid }, bundles, authorizer, { revocations: null, ...options }, (socket) => {
    // A later listener still gets the whole chain from Node.
    chains.push(socket.getPeerCertificate(true).issuerCertificate?.raw);
    socket.end(`${peerId(socket)}\n`);
  });
  server.on('peerRejected', (err: TesseraError) => rejected.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, rejected, chains };
}

/** Connects as the client and resolves with the server's answer, or rejects when the server hangs up. */
const call = (port: number) => callMtlsServer(port, clientSvid, td.bundle);

describe('tls fast path: a returning peer', () => {
  it('ok/is admitted again, and the authorizer still decides on every connection', async () => {
    let allow = true;
    let calls = 0;
    const authorizer: Authorizer = (id) => {
      calls++;
      if (!allow) throw new PeerError('ERR_PEER_UNAUTHORIZED', `${id} is not allowed`);
    };
    const h = await startServer(authorizer, bundleSource(td.bundle));
    expect(await call(h.port)).toBe(CLIENT_ID);
    expect(await call(h.port)).toBe(CLIENT_ID);
    allow = false;
    await expect(call(h.port)).rejects.toBeDefined();
    expect(calls).toBe(3);
    expect(h.rejected.map((e) => e.code)).toEqual(['ERR_PEER_UNAUTHORIZED']);
    // The SDK leaves Node's chain as it found it for later listeners, first connection and
    // returning one alike (Node 24.21.0 itself reports only the leaf: nodejs/node#65579).
    const intermediate = nodeKeepsChain ? td.intermediate.der : undefined;
    expect(h.chains).toEqual([intermediate, intermediate]);
  });

  it('fail/is refused once its certificate expired by the server clock, remembered or not', async () => {
    let nowMs = Date.now();
    const h = await startServer(authorizeId(CLIENT_ID), bundleSource(td.bundle), { clock: { now: () => nowMs } });
    expect(await call(h.port)).toBe(CLIENT_ID);
    nowMs = clientSvid.expiresAtMs + 1000;
    await expect(call(h.port)).rejects.toBeDefined();
    expect(h.rejected.map((e) => e.code)).toEqual(['ERR_SVID_EXPIRED']);
  });

  it('fail/is verified again against a new bundle, and refused when it does not chain to it', async () => {
    const bundles = bundleSource(td.bundle);
    const h = await startServer(authorizeId(CLIENT_ID), bundles);
    expect(await call(h.port)).toBe(CLIENT_ID);
    // Same trust domain name, another root: the remembered path proves nothing about it.
    bundles.current = impostor.bundle;
    await expect(call(h.port)).rejects.toBeDefined();
    expect(h.rejected.map((e) => e.code)).toEqual(['ERR_SVID_INVALID']);
    bundles.current = td.bundle;
    expect(await call(h.port)).toBe(CLIENT_ID);
  });

  it('fail/is refused once revoked', async () => {
    const revocations = new RevocationList({ trustDomain: TD });
    closers.push(() => revocations.close());
    revocations.markCurrent();
    const h = await startServer(authorizeId(CLIENT_ID), bundleSource(td.bundle), { revocations });
    expect(await call(h.port)).toBe(CLIENT_ID);
    const now = Date.now();
    revocations.apply([{ sequence: 1, kind: 'agent', target: CLIENT_ID, coveredIds: [], revokedAtMs: now, expiresAtMs: now + 3_600_000, cause: 'operator' }]);
    await expect(call(h.port)).rejects.toBeDefined();
    // The new connection is refused (and the first one, if still open, is closed).
    expect(h.rejected.length).toBeGreaterThanOrEqual(1);
    expect(h.rejected.every((e) => e.code === 'ERR_REVOKED')).toBe(true);
  });
});
