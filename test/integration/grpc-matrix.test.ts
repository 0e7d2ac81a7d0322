import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SvidError,
  authorizeAny,
  authorizeByMethod,
  authorizeId,
  authorizeMatch,
  mtlsChannelCredentials,
  mtlsServerCredentials,
  peerIdFromCall,
  type Authorizer,
  type TesseraError,
  type X509Svid,
} from '../../agent-sdk/index.js';
import { errorFromServiceError } from '../../agent-sdk/error-status.js';
import {
  TestSource, issueSvid, type TestTrustDomain, closeAfterEach, createMtlsPki, MTLS_CLIENT_ID as CLIENT_ID, MTLS_SERVER_ID as SERVER_ID, MTLS_TD as TD,
} from '../helpers/svid-pki.js';
import { jsonMethod } from '../helpers/json-grpc.js';


// A two-method JSON service, so the test needs no .proto.
const EchoService = {
  say: jsonMethod('/test.Echo/Say'),
  admin: jsonMethod('/test.Echo/Admin'),
} satisfies grpc.ServiceDefinition;
const EchoClient = grpc.makeGenericClientConstructor(EchoService, 'Echo');
type Echo = InstanceType<typeof EchoClient>;
interface Answer {
  id: string;
  serial: string;
}

let td: TestTrustDomain, other: TestTrustDomain, serverSvid: X509Svid, clientSvid: X509Svid;
const closers = closeAfterEach();

beforeAll(async () => {
  ({ td, other, serverSvid, clientSvid } = await createMtlsPki('other.test'));
});

interface Harness {
  port: number;
  rejected: TesseraError[];
  handled: number;
}

async function startServer(
  svid: X509Svid,
  options: { authorizer?: Authorizer; source?: TestSource; serverOptions?: grpc.ServerOptions; table?: Record<string, Authorizer> } = {},
): Promise<Harness> {
  const h: Harness = { port: 0, rejected: [], handled: 0 };
  const source = options.source ?? new TestSource(svid, [td.bundle, other.bundle]);
  const onPeerRejected = (err: TesseraError) => h.rejected.push(err);
  const server = new grpc.Server({
    ...options.serverOptions,
    interceptors: [authorizeByMethod(options.table ?? { '/test.Echo/Say': authorizeMatch(`spiffe://${TD}/agent/orch-a/*/*`) }, { onPeerRejected })],
  });
  const answer = (call: grpc.ServerUnaryCall<unknown, Answer>, callback: grpc.sendUnaryData<Answer>) => {
    h.handled++;
    callback(null, { id: peerIdFromCall(call).toString(), serial: call.getAuthContext().sslPeerCertificate?.serialNumber ?? '' });
  };
  server.addService(EchoService, { say: answer, admin: answer });
  h.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', mtlsServerCredentials(source, source, options.authorizer, { onPeerRejected }), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
  closers.push(() => void server.forceShutdown());
  return h;
}

function client(port: number, svid: X509Svid, authorizer: Authorizer = authorizeId(SERVER_ID), rejected: TesseraError[] = []): Echo {
  const source = new TestSource(svid, [td.bundle, other.bundle]);
  const c = new EchoClient(`127.0.0.1:${port}`, mtlsChannelCredentials(source, source, authorizer, { onPeerRejected: (e) => rejected.push(e) }));
  closers.push(() => c.close());
  return c;
}

function call(c: Echo, method: 'say' | 'admin' = 'say'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    (c[method] as (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Answer) => void) => void)(
      { text: 'ping' },
      { deadline: Date.now() + 5_000 },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

async function failure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'the call should have failed').toBeDefined();
  return err as grpc.ServiceError;
}

/** Plain createSsl credentials for certificates the SDK would refuse to present. */
function rawCredentials(svid?: X509Svid): grpc.ChannelCredentials {
  const pem = (ders: readonly Uint8Array[]) => Buffer.from(ders.map((d) => new X509Certificate(d).toString()).join(''));
  return grpc.credentials.createSsl(
    pem([td.root.der]),
    svid ? Buffer.from(svid.privateKey.export({ format: 'pem', type: 'pkcs8' })) : null,
    svid ? pem(svid.certificates) : null,
    { checkServerIdentity: () => undefined },
  );
}

function rawClient(port: number, svid?: X509Svid): Echo {
  const c = new EchoClient(`127.0.0.1:${port}`, rawCredentials(svid));
  closers.push(() => c.close());
  return c;
}

describe('gRPC mTLS matrix', () => {
  it('ok/mtls: the handler sees the verified client ID', async () => {
    const h = await startServer(serverSvid);
    const res = await call(client(h.port, clientSvid));
    expect(res.id).toBe(CLIENT_ID);
    expect(h.rejected).toEqual([]);
  });

  it('fail/no-client-cert: refused in the TLS handshake; the handler never runs', async () => {
    const h = await startServer(serverSvid);
    const err = await failure(call(rawClient(h.port)));
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(errorFromServiceError(err).code).toBe('ERR_UNAVAILABLE');
    expect(err.details).toMatch(/certificate required/);
    expect(h.handled).toBe(0);
  });

  it('fail/other-trust-domain: a client from another trust domain CA is refused in the handshake', async () => {
    const h = await startServer(serverSvid);
    const forged = await issueSvid(other, CLIENT_ID);
    const err = await failure(call(rawClient(h.port, forged)));
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(h.handled).toBe(0);
  });

  it('fail/other-trust-domain: the client refuses a server from another trust domain CA in the handshake', async () => {
    const h = await startServer(await issueSvid(other, SERVER_ID));
    const err = await failure(call(client(h.port, clientSvid, authorizeAny())));
    // OpenSSL refuses before checkServerIdentity runs, and grpc-js only keeps its message.
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(err.details).toMatch(/unable to get local issuer certificate/);
    expect(h.handled).toBe(0);
  });

  it('fail/authorizer-denies: the server refuses with ERR_PEER_UNAUTHORIZED, also carried to the client', async () => {
    const h = await startServer(serverSvid, { authorizer: authorizeId(`spiffe://${TD}/agent/orch-b/t1/i1`) });
    const err = await failure(call(client(h.port, clientSvid)));
    expect(h.rejected.map((e) => e.code)).toEqual(['ERR_PEER_UNAUTHORIZED']);
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(errorFromServiceError(err).code).toBe('ERR_PEER_UNAUTHORIZED');
    expect(h.handled).toBe(0);
  });

  it('fail/authorizer-denies: a method missing from the table is denied by default', async () => {
    const h = await startServer(serverSvid);
    const c = client(h.port, clientSvid);
    expect((await call(c, 'say')).id).toBe(CLIENT_ID);
    const err = await failure(call(c, 'admin'));
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(h.rejected.map((e) => e.code)).toEqual(['ERR_PEER_UNAUTHORIZED']);
    expect(h.handled).toBe(1);
  });

  it('fail/authorizer-denies: the client refuses a server its authorizer does not allow', async () => {
    const h = await startServer(serverSvid);
    const rejected: TesseraError[] = [];
    const err = await failure(call(client(h.port, clientSvid, authorizeId(`spiffe://${TD}/service/other`), rejected)));
    expect(rejected.map((e) => e.code)).toContain('ERR_PEER_UNAUTHORIZED');
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(h.handled).toBe(0);
  });

  it('fail/expired-svid: an expired client is refused in the handshake; an expired server by the client', async () => {
    const expired = { notBefore: Date.now() - 7_200_000, notAfter: Date.now() - 3_600_000 };
    const h = await startServer(serverSvid);
    const err = await failure(call(rawClient(h.port, await issueSvid(td, CLIENT_ID, expired))));
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(h.handled).toBe(0);

    const h2 = await startServer(await issueSvid(td, SERVER_ID, expired));
    const clientErr = await failure(call(client(h2.port, clientSvid, authorizeAny())));
    expect(clientErr.code).toBe(grpc.status.UNAVAILABLE);
    expect(clientErr.details).toMatch(/certificate has expired/);
    expect(h2.handled).toBe(0);
  });

  it('fail/expired-svid: a client certificate that expires on an open connection is refused per call (ERR_SVID_EXPIRED)', async () => {
    const h = await startServer(serverSvid);
    const c = client(h.port, await issueSvid(td, CLIENT_ID, { notAfter: Date.now() + 1_500 }));
    expect((await call(c)).id).toBe(CLIENT_ID);
    await new Promise((r) => setTimeout(r, 2_000));
    const err = await failure(call(c));
    expect(h.rejected.map((e) => e.code)).toEqual(['ERR_SVID_EXPIRED']);
    expect(h.rejected[0]).toBeInstanceOf(SvidError);
    expect(errorFromServiceError(err).code).toBe('ERR_SVID_EXPIRED');
  });

  it('fail/smuggled-san: the server refuses "x, URI:...admin" with ERR_SVID_INVALID; it never authorizes as admin', async () => {
    const smuggled = await issueSvid(td, `spiffe://${TD}/x, URI:spiffe://${TD}/admin`);
    const h = await startServer(serverSvid, { table: { '/test.Echo/Say': authorizeId(`spiffe://${TD}/admin`) } });
    const err = await failure(call(rawClient(h.port, smuggled)));
    expect(h.rejected.map((e) => e.code)).toEqual(['ERR_SVID_INVALID']);
    expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(errorFromServiceError(err).code).toBe('ERR_SVID_INVALID');
    expect(h.handled).toBe(0);

    const h2 = await startServer(smuggled);
    const rejected: TesseraError[] = [];
    await failure(call(client(h2.port, clientSvid, authorizeId(`spiffe://${TD}/admin`), rejected)));
    expect(rejected.map((e) => e.code)).toContain('ERR_SVID_INVALID');
  });
});

describe('gRPC rotation', () => {
  it('keeps serving across SVID rotations of both sides: no failed call, new connections use the new certificates', async () => {
    const serverSource = new TestSource(serverSvid, [td.bundle]);
    // A new secure context leaves open connections alone: max age makes the client reconnect.
    // At max age grpc-js refuses a stream opened in flight (REFUSED_STREAM) and the client retries it
    // once, on a new connection; with 300 ms the event loop of a loaded machine (760-1020 ms late)
    // sent that retry after the new connection had aged out too, and the call failed (about 1 run
    // in 18 with two busy loops). Production ages connections at about half the SVID's life.
    const MAX_AGE_MS = 2_000;
    const h = await startServer(serverSvid, {
      source: serverSource,
      serverOptions: { 'grpc.max_connection_age_ms': MAX_AGE_MS, 'grpc.max_connection_age_grace_ms': 5_000 },
    });
    const clientSource = new TestSource(clientSvid, [td.bundle]);
    const serverSerialsSeen: string[] = [];
    // The client's authorizer sees the verified server chain on every handshake.
    const recordServer: Authorizer = (id, chain) => {
      serverSerialsSeen.push(chain[0]!.serialNumber);
      authorizeId(SERVER_ID)(id, chain);
    };
    const c = new EchoClient(`127.0.0.1:${h.port}`, mtlsChannelCredentials(clientSource, clientSource, recordServer));
    closers.push(() => c.close());

    const serialOf = (svid: X509Svid) => new X509Certificate(svid.certificates[0]!).serialNumber;
    const serials = [{ server: serialOf(serverSvid), client: serialOf(clientSvid), at: Date.now() }];
    const calls: { startedAt: number; clientSerial: string }[] = [];
    let failures = 0;
    let stop = false;
    const loop = async () => {
      while (!stop) {
        const startedAt = Date.now();
        try {
          const res = await call(c);
          calls.push({ startedAt, clientSerial: res.serial });
        } catch {
          failures++;
        }
      }
    };
    const loops = [loop(), loop(), loop()];
    // Rotations 4 s apart: connections age out after 2 s, and a loaded machine needs
    // up to a second more to open the next one.
    const ROTATE_EVERY_MS = 4_000;
    const SETTLED_AFTER_MS = MAX_AGE_MS + 1_000;
    for (let i = 1; i <= 4; i++) {
      await new Promise((r) => setTimeout(r, ROTATE_EVERY_MS));
      const nextServer = await issueSvid(td, SERVER_ID);
      const nextClient = await issueSvid(td, CLIENT_ID);
      serverSource.rotate(nextServer);
      clientSource.rotate(nextClient);
      serials.push({ server: serialOf(nextServer), client: serialOf(nextClient), at: Date.now() });
    }
    await new Promise((r) => setTimeout(r, ROTATE_EVERY_MS));
    stop = true;
    await Promise.all(loops);

    expect(failures).toBe(0);
    expect(h.rejected).toEqual([]);
    expect(calls.length).toBeGreaterThan(50);
    for (const [i, s] of serials.entries()) {
      expect(serverSerialsSeen, `server certificate ${i} was presented`).toContain(s.server);
      // Calls that start once every connection older than rotation i has aged out carry rotation i's
      // client certificate; one that starts just before rotation i + 1 may wait for a connection made
      // after it, and carry that one's. Never an older one.
      const next = serials[i + 1];
      const settled = calls.filter((x) => x.startedAt > s.at + SETTLED_AFTER_MS && x.startedAt < (next?.at ?? Infinity));
      expect(settled.filter((x) => x.clientSerial === s.client).length).toBeGreaterThan(0);
      for (const x of settled) expect([s.client, next?.client]).toContain(x.clientSerial);
    }
  }, 60_000);
});
