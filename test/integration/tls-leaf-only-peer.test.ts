import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMtlsServer, authorizeMemberOf, peerId, type TesseraError, type X509Svid } from '../../agent-sdk/index.js';
import { createIntermediate } from '../helpers/pki.js';
import {
  type TestTrustDomain, callMtlsServer, closeAfterEach, createMtlsPki, issueSvid, MTLS_CLIENT_ID as CLIENT_ID, MTLS_TD as TD,
} from '../helpers/svid-pki.js';

// Node 24.21.0 and 26.8.x report only a client's leaf to a node:tls server
// (nodejs/node#65579): Node calls getPeerX509Certificate() during the handshake,
// which drops the leaf from OpenSSL's peer chain. Calling it first, as these tests
// do, puts those releases in that state; on releases that report the whole chain (24.22.3, 26.10.0),
// the tests report the peer as those releases did: the real, verified handshake's
// leaf without its issuers. The SDK completes the path from intermediates it knows
// and verifies it as usual.

let td: TestTrustDomain, serverSvid: X509Svid, clientSvid: X509Svid, strangerSvid: X509Svid;
const closers = closeAfterEach();

beforeAll(async () => {
  ({ td, serverSvid, clientSvid } = await createMtlsPki(`other.${TD}`));
  // The same root, an intermediate this server has never seen.
  const second = await createIntermediate(td.root, { cn: `${TD} intermediate 2` });
  strangerSvid = await issueSvid({ ...td, intermediate: second }, `spiffe://${TD}/agent/orch-a/t1/i2`);
});

async function startLeafOnlyServer() {
  const rejected: TesseraError[] = [];
  const issuers: unknown[] = [];
  const server = createMtlsServer({ getX509Svid: () => serverSvid }, { getX509BundleForTrustDomain: () => td.bundle }, authorizeMemberOf(TD), { revocations: null }, (socket) => {
    socket.end(`${peerId(socket)}\n`);
  });
  // Ahead of the SDK's own listener: from here on Node reports the leaf alone.
  server.prependListener('secureConnection', (socket: tls.TLSSocket) => {
    socket.getPeerX509Certificate();
    const reported = socket.getPeerCertificate.bind(socket);
    socket.getPeerCertificate = ((detailed?: boolean) => {
      const peer = reported(detailed as true);
      return { ...peer, issuerCertificate: undefined };
    }) as unknown as tls.TLSSocket['getPeerCertificate'];
    issuers.push(socket.getPeerCertificate(true).issuerCertificate);
  });
  server.on('peerRejected', (err: TesseraError) => rejected.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, rejected, issuers };
}

describe('node:tls server that sees only the client leaf', () => {
  it('ok/a client whose intermediate the server knows (its own) is verified and admitted', async () => {
    const h = await startLeafOnlyServer();
    expect(await callMtlsServer(h.port, clientSvid, td.bundle)).toBe(CLIENT_ID);
    expect(h.issuers).toEqual([undefined]);
    expect(h.rejected).toEqual([]);
  });

  it('fail/a client under an intermediate the server has never seen is refused, though OpenSSL accepted its chain', async () => {
    const h = await startLeafOnlyServer();
    await expect(callMtlsServer(h.port, strangerSvid, td.bundle)).rejects.toThrow();
    expect(h.issuers).toEqual([undefined]);
    expect(h.rejected.map((e) => [e.code, e.message])).toEqual([['ERR_SVID_INVALID', 'certificate chain does not lead to a trusted root']]);
  });
});
