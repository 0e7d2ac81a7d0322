import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PeerError,
  SvidError,
  authorizeAny,
  authorizeId,
  authorizeMemberOf,
  connectMtls,
  createMtlsServer,
  hookMtlsServer,
  mtlsClientOptions,
  peerId,
  type Authorizer,
  type TesseraError,
  type X509Svid,
} from '../../agent-sdk/index.js';
import {
  TestSource, issueSvid, type TestTrustDomain, closeAfterEach, createMtlsPki, MTLS_CLIENT_ID as CLIENT_ID, MTLS_SERVER_ID as SERVER_ID, MTLS_TD as TD,
} from '../helpers/svid-pki.js';


let td: TestTrustDomain, other: TestTrustDomain, serverSvid: X509Svid, clientSvid: X509Svid;
const closers = closeAfterEach();

beforeAll(async () => {
  ({ td, other, serverSvid, clientSvid } = await createMtlsPki('other.test'));
});

interface Harness {
  server: tls.Server;
  port: number;
  rejected: TesseraError[];
}

/** An echo server answering each line with the peer's verified ID and leaf serial. */
async function startServer(svid: X509Svid, authorizer: Authorizer, source = new TestSource(svid, [td.bundle, other.bundle])): Promise<Harness> {
  const rejected: TesseraError[] = [];
  const server = createMtlsServer(source, source, authorizer, {}, (socket) => {
    socket.on('data', () => socket.write(`${peerId(socket)} ${socket.getPeerCertificate().serialNumber}\n`));
    socket.on('error', () => {});
  });
  server.on('peerRejected', (err: TesseraError) => rejected.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<tls.TLSSocket>();
  server.on('secureConnection', (s: tls.TLSSocket) => sockets.add(s));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { server, port: (server.address() as AddressInfo).port, rejected };
}

function clientSource(svid: X509Svid): TestSource {
  return new TestSource(svid, [td.bundle, other.bundle]);
}

async function connect(port: number, svid: X509Svid, authorizer: Authorizer = authorizeId(SERVER_ID)): Promise<tls.TLSSocket> {
  const source = clientSource(svid);
  const socket = await connectMtls({ host: '127.0.0.1', port }, source, source, authorizer);
  closers.push(() => void socket.destroy());
  return socket;
}

/** Sends a line and resolves with the server's answer; rejects if the connection ends first. */
function exchange(socket: tls.TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      cleanup();
      resolve(d.toString().trim());
    };
    const onEnd = (err?: Error) => {
      cleanup();
      reject(err ?? new Error('connection closed'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
    };
    socket.on('data', onData);
    socket.once('close', onEnd);
    socket.once('error', onEnd);
    socket.write('ping\n');
  });
}

/** Waits until the server has reported a rejection (it may come after the client gave up). */
async function nextRejection(h: Harness): Promise<TesseraError> {
  for (let i = 0; i < 100 && h.rejected.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(h.rejected).toHaveLength(1);
  return h.rejected[0]!;
}

/** A client's attempt that the server refuses: it must never get an answer. */
async function attempt(port: number, options: tls.ConnectionOptions): Promise<void> {
  await new Promise<void>((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: td.root.cert.toString(), checkServerIdentity: () => undefined, ...options });
    socket.on('secureConnect', () => socket.write('ping\n'));
    socket.on('data', () => expect.fail('a refused client got an answer'));
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

/** Raw tls.connect material for a certificate the SDK would refuse to present. */
function pemOf(svid: X509Svid) {
  return {
    cert: svid.certificates.map((d) => new X509Certificate(d).toString()).join(''),
    key: svid.privateKey.export({ format: 'pem', type: 'pkcs8' }),
  };
}

describe('node:tls mTLS matrix', () => {
  it('ok/mtls: both sides see the other verified SPIFFE ID', async () => {
    const h = await startServer(serverSvid, authorizeMemberOf(TD));
    const socket = await connect(h.port, clientSvid);
    expect(peerId(socket).toString()).toBe(SERVER_ID);
    expect(await exchange(socket)).toMatch(new RegExp(`^${CLIENT_ID} `));
    expect(h.rejected).toEqual([]);
  });

  it('fail/no-client-cert: the server reports ERR_PEER_UNAUTHENTICATED', async () => {
    const h = await startServer(serverSvid, authorizeAny());
    await attempt(h.port, {});
    const err = await nextRejection(h);
    expect(err).toBeInstanceOf(PeerError);
    expect(err.code).toBe('ERR_PEER_UNAUTHENTICATED');
  });

  it('fail/other-trust-domain: a client certificate from another trust domain CA is refused by the server', async () => {
    const h = await startServer(serverSvid, authorizeAny());
    // Claims the server's trust domain, but chains to the other trust domain's root.
    const forged = await issueSvid(other, `spiffe://${TD}/admin`);
    await attempt(h.port, pemOf(forged));
    const err = await nextRejection(h);
    expect(err.code).toBe('ERR_PEER_UNAUTHENTICATED');
    // Through the SDK client, trusting only td.test: same outcome.
    const foreign = await issueSvid(other, 'spiffe://other.test/agent/x');
    const source = clientSource(foreign);
    await connectMtls({ host: '127.0.0.1', port: h.port }, source, source, authorizeAny(), { trustDomains: [TD] })
      .then((s) => exchange(s))
      .catch(() => {});
    for (let i = 0; i < 100 && h.rejected.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(h.rejected.map((e) => e.code)).toEqual(['ERR_PEER_UNAUTHENTICATED', 'ERR_PEER_UNAUTHENTICATED']);
  });

  it('fail/other-trust-domain: the client refuses a server from another trust domain CA', async () => {
    const h = await startServer(await issueSvid(other, SERVER_ID), authorizeAny());
    const err = await connect(h.port, clientSvid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerError);
    expect((err as PeerError).code).toBe('ERR_PEER_UNAUTHENTICATED');
  });

  it('fail/authorizer-denies: the server reports ERR_PEER_UNAUTHORIZED and the client never gets an answer', async () => {
    const h = await startServer(serverSvid, authorizeId(`spiffe://${TD}/agent/orch-b/t1/i1`));
    const socket = await connect(h.port, clientSvid);
    await expect(exchange(socket)).rejects.toBeDefined();
    const err = await nextRejection(h);
    expect(err).toBeInstanceOf(PeerError);
    expect(err.code).toBe('ERR_PEER_UNAUTHORIZED');
    expect(() => peerId(socket)).not.toThrow(); // the client did verify the server
  });

  it('fail/authorizer-denies: the client refuses the server; plain tls.connect gets the PeerError as its error', async () => {
    const h = await startServer(serverSvid, authorizeAny());
    const err = await connect(h.port, clientSvid, authorizeId(`spiffe://${TD}/service/other`)).catch((e: unknown) => e);
    expect((err as TesseraError).code).toBe('ERR_PEER_UNAUTHORIZED');
    const source = clientSource(clientSvid);
    const plain = await new Promise<Error>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: h.port, ...mtlsClientOptions(source, source, authorizeId(`spiffe://${TD}/service/other`)) });
      s.on('secureConnect', () => resolve(new Error('connected')));
      s.on('error', resolve);
    });
    expect(plain).toBeInstanceOf(PeerError);
    expect((plain as PeerError).code).toBe('ERR_PEER_UNAUTHORIZED');
  });

  it('fail/expired-svid: the server reports ERR_SVID_EXPIRED for an expired client; the client for an expired server', async () => {
    const expired = { notBefore: Date.now() - 7_200_000, notAfter: Date.now() - 3_600_000 };
    const h = await startServer(serverSvid, authorizeAny());
    const source = clientSource(await issueSvid(td, CLIENT_ID, expired));
    await connectMtls({ host: '127.0.0.1', port: h.port }, source, source, authorizeAny()).then((s) => exchange(s)).catch(() => {});
    const err = await nextRejection(h);
    expect(err).toBeInstanceOf(SvidError);
    expect(err.code).toBe('ERR_SVID_EXPIRED');

    const h2 = await startServer(await issueSvid(td, SERVER_ID, expired), authorizeAny());
    const clientErr = await connect(h2.port, clientSvid).catch((e: unknown) => e);
    expect((clientErr as TesseraError).code).toBe('ERR_SVID_EXPIRED');
  });

  it('fail/smuggled-san: a URI SAN reading "x, URI:...admin" is refused, never authorized as admin', async () => {
    const smuggled = await issueSvid(td, `spiffe://${TD}/x, URI:spiffe://${TD}/admin`);
    const h = await startServer(serverSvid, authorizeId(`spiffe://${TD}/admin`));
    await attempt(h.port, pemOf(smuggled));
    const err = await nextRejection(h);
    expect(err).toBeInstanceOf(SvidError);
    expect(err.code).toBe('ERR_SVID_INVALID');

    const h2 = await startServer(smuggled, authorizeAny());
    const clientErr = await connect(h2.port, clientSvid, authorizeId(`spiffe://${TD}/admin`)).catch((e: unknown) => e);
    expect((clientErr as TesseraError).code).toBe('ERR_SVID_INVALID');
  });

  it('hook: an https server hooked after creation gives peerId(req.socket)', async () => {
    const source = new TestSource(serverSvid, [td.bundle]);
    const server = hookMtlsServer(
      https.createServer((req, res) => res.end(peerId(req.socket as tls.TLSSocket).toString())),
      source,
      source,
      authorizeMemberOf(TD),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    const client = clientSource(clientSvid);
    const body = await new Promise<string>((resolve, reject) => {
      const agent = new https.Agent();
      const req = https.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, agent, ...mtlsClientOptions(client, client, authorizeId(SERVER_ID)) }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    expect(body).toBe(CLIENT_ID);
  });

  it('the client never resumes a session, even through an https.Agent and against a server that offers tickets', async () => {
    // A plain https server with Node's defaults: it issues tickets and resumes sessions.
    const pem = (ders: readonly Uint8Array[]) => ders.map((d) => new X509Certificate(d).toString()).join('');
    const server = https.createServer(
      { cert: pem(serverSvid.certificates), key: serverSvid.privateKey.export({ format: 'pem', type: 'pkcs8' }) },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    const source = clientSource(clientSvid);
    let checks = 0;
    const counting: Authorizer = () => void checks++;
    const agent = new https.Agent({ keepAlive: false });
    const port = (server.address() as AddressInfo).port;
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port, agent, ...mtlsClientOptions(source, source, counting) }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        }).on('error', reject);
      });
      await new Promise((r) => setTimeout(r, 50)); // lets the agent cache the session ticket
    }
    expect(checks).toBe(3);
  });

  it('a connection is closed when the peer certificate expires', async () => {
    const h = await startServer(serverSvid, authorizeAny());
    const shortLived = await issueSvid(td, CLIENT_ID, { notAfter: Date.now() + 1_500 });
    const socket = await connect(h.port, shortLived);
    expect(await exchange(socket)).toMatch(/^spiffe:/);
    const start = Date.now();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Date.now() - start).toBeLessThan(2_500);
  });

  it('sessions are not resumed: a client offering its previous session gets a full handshake', async () => {
    const h = await startServer(serverSvid, authorizeAny());
    const source = clientSource(clientSvid);
    const options = { host: '127.0.0.1', port: h.port, ...mtlsClientOptions(source, source, authorizeAny()) };
    const first = tls.connect(options);
    const session = await new Promise<Buffer | undefined>((resolve) => {
      first.on('session', (s: Buffer) => resolve(s));
      first.on('secureConnect', () => { first.write('ping\n'); setTimeout(() => resolve(undefined), 200); });
    });
    first.destroy();
    // OpenSSL 3 still hands out a stateful TLS 1.3 ticket with SSL_OP_NO_TICKET; it must not resume.
    if (session) {
      const second = tls.connect({ ...options, session });
      await new Promise((resolve) => second.on('secureConnect', resolve));
      expect(second.isSessionReused()).toBe(false);
      second.destroy();
    }
    expect(h.rejected).toEqual([]);
  });
});

describe('node:tls rotation', () => {
  it('keeps serving across SVID rotations of both sides: no failed request or handshake, new connections use the new certificates', async () => {
    const serverSource = new TestSource(serverSvid, [td.bundle]);
    const h = await startServer(serverSvid, authorizeMemberOf(TD), serverSource);
    const tlsErrors: Error[] = [];
    h.server.on('tlsClientError', (e: Error) => tlsErrors.push(e));
    const client = clientSource(clientSvid);
    const port = h.port;

    let failures = 0;
    let requests = 0;
    let stop = false;
    const seen: { serverSerial: string; clientSerial: string; epoch: number }[] = [];
    let epoch = 0;
    const longLived = await connectMtls({ host: '127.0.0.1', port }, client, client, authorizeId(SERVER_ID));
    closers.push(() => void longLived.destroy());

    const loop = (async () => {
      while (!stop) {
        try {
          // One request on the long-lived connection, one on a new connection.
          await exchange(longLived);
          // The client reads its source synchronously in connectMtls, so this is the epoch it presents.
          const started = epoch;
          const socket = await connectMtls({ host: '127.0.0.1', port }, client, client, authorizeId(SERVER_ID));
          const answer = await exchange(socket);
          seen.push({ serverSerial: socket.getPeerCertificate().serialNumber, clientSerial: answer.split(' ')[1]!, epoch: started });
          socket.destroy();
          requests++;
        } catch {
          failures++;
        }
      }
    })();

    const serials: { server: string; client: string }[] = [];
    const serialOf = (svid: X509Svid) => new X509Certificate(svid.certificates[0]!).serialNumber;
    serials.push({ server: serialOf(serverSvid), client: serialOf(clientSvid) });
    for (let i = 1; i <= 4; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const nextServer = await issueSvid(td, SERVER_ID);
      const nextClient = await issueSvid(td, CLIENT_ID);
      serverSource.rotate(nextServer);
      client.rotate(nextClient);
      epoch = i;
      serials.push({ server: serialOf(nextServer), client: serialOf(nextClient) });
    }
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await loop;

    expect(failures).toBe(0);
    expect(tlsErrors).toEqual([]);
    expect(h.rejected).toEqual([]);
    expect(requests).toBeGreaterThan(10);
    for (let i = 0; i <= 4; i++) {
      // Every connection opened after rotation i presents rotation i's certificates on both sides.
      const after = seen.filter((s) => s.epoch === i);
      expect(after.length).toBeGreaterThan(0);
      for (const s of after) {
        expect(s.clientSerial).toBe(serials[i]!.client);
        // The server picks its certificate when it accepts, which may be after a later rotation.
        expect(serials.findIndex((x) => x.server === s.serverSerial)).toBeGreaterThanOrEqual(i);
      }
    }
  });
});
