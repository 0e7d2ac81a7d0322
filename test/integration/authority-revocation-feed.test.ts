/**
 * A revoked authority travels on the revocation feed too (x509_authority and
 * jwt_authority entries), so a validator that follows only WatchRevocations,
 * with a bundle that still trusts the authority, refuses:
 *
 * - a leaf stolen with its old intermediate, and a leaf newly signed with the
 *   old intermediate's key (verifyX509Svid, a node:tls server, a gRPC server);
 * - a task token of the revoked JWT key, and one newly signed with it;
 * - across a CA restart, also for a validator that starts following after it;
 *
 * and its servers close the connections opened through the authority before the
 * revoke (node:tls, and gRPC served with serveMtlsGrpc).
 *
 * A client that does not ask for authority entries (an SDK built before them,
 * which would refuse the stream for one and go stale) is sent none, and stays
 * caught up.
 */
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { decodeJwt } from 'jose';
import { afterEach, assert, describe, expect, it, vi } from 'vitest';
import { authorizeAny } from '../../agent-sdk/authorizer.js';
import type { X509Bundle, X509BundleSource } from '../../agent-sdk/bundle.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { errorFromServiceError } from '../../agent-sdk/error-status.js';
import type { TesseraError } from '../../agent-sdk/errors.js';
import { mtlsChannelCredentials, mtlsServerCredentials } from '../../agent-sdk/grpc.js';
import { serveMtlsGrpc } from '../../agent-sdk/grpc-serve.js';
import type { JwtBundle, JwtBundleSource } from '../../agent-sdk/jwt-bundle.js';
import type { JwtSvidClaims } from '../../agent-sdk/jwt-svid.js';
import type { WatchRevocationsResponse__Output } from '../../agent-sdk/gen/tessera/v1/WatchRevocationsResponse.js';
import { tesseraProto } from '../../agent-sdk/proto.js';
import { RevocationList, isAuthorityEntry } from '../../agent-sdk/revocation-list.js';
import { RevocationFollower } from '../../agent-sdk/revocation.js';
import { staticSource } from '../../agent-sdk/source.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { proveSvid } from '../../agent-sdk/svid-proof.js';
import { connectMtls, createMtlsServer } from '../../agent-sdk/tls.js';
import { validateJwtSvid } from '../../agent-sdk/validate-jwt-svid.js';
import { verifyX509Svid } from '../../agent-sdk/verify.js';
import { Authority } from '../../ca/authority/authority.js';
import { AuthorityClient } from '../../ca/authority-client.js';
import { jsonMethod } from '../helpers/json-grpc.js';
import { rawClient } from '../helpers/raw-grpc.js';
import { type World, roundTrip, spawnAgent, startWorld } from '../helpers/revocation-world.js';
import { refusal } from '../helpers/task-agents.js';
import { readStoredKeys } from '../helpers/stored-keys.js';

const TD = 'tessera.local';
const AUDIENCE = `spiffe://${TD}/service/search`;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const Tool = { say: jsonMethod('/test.Tool/Say'), watch: jsonMethod('/test.Tool/Watch', true) } satisfies grpc.ServiceDefinition;
const ToolClient = grpc.makeGenericClientConstructor(Tool, 'Tool');
type Client = InstanceType<typeof ToolClient>;

/** A validator that follows only the revocation feed: its bundles are the ones it held before the revoke. */
interface FeedOnly extends X509BundleSource, JwtBundleSource {
  readonly revocations: RevocationList;
}

function followFeedOnly(w: World, x509: X509Bundle, jwt: JwtBundle): { validator: FeedOnly; follower: RevocationFollower } {
  const revocations = new RevocationList({ trustDomain: TD });
  const follower = w.own(new RevocationFollower({ list: revocations, open: (after) => w.service.source.caClient.watchRevocations(after) }));
  follower.start();
  const validator: FeedOnly = {
    getX509BundleForTrustDomain: (td) => (td === TD ? x509 : undefined),
    getJwtBundleForTrustDomain: (td) => (td === TD ? jwt : undefined),
    revocations,
  };
  return { validator, follower };
}

/** A node:tls and a gRPC server presenting the service's SVID and checking peers against `validator` only. */
async function startServers(w: World, validator: FeedOnly) {
  const rejected: TesseraError[] = [];
  const options = { revocations: validator.revocations };
  const server = createMtlsServer(w.service.source, validator, authorizeAny(), options, (socket) => {
    socket.on('data', () => socket.write('pong\n'));
    socket.on('error', () => {});
  });
  server.on('peerRejected', (err: TesseraError) => rejected.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  w.own({ close: () => server.close() });
  const grpcServer = new grpc.Server();
  grpcServer.addService(Tool, {
    say: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, {}),
    // Never ends by itself: a call running through the revoke.
    watch: (call: grpc.ServerWritableStream<unknown, unknown>) => call.write({ started: true }),
  });
  const listener = await serveMtlsGrpc(grpcServer, { host: '127.0.0.1', port: 0 }, mtlsServerCredentials(w.service.source, validator, authorizeAny(), options));
  w.own({ close: () => void listener.close(1) });
  return { tlsPort: (server.address() as AddressInfo).port, grpcPort: listener.port, rejected };
}

function say(c: Client): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (c.say as (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void)(
      {}, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(errorFromServiceError(err)) : resolve(res)),
    );
  });
}

/** Whether a holder of `svid` (trusting `bundle`) is served by the node:tls server on `port`. */
async function servedOverTls(port: number, svid: X509Svid, bundle: X509Bundle): Promise<boolean> {
  const client = staticSource(svid, bundle);
  return connectMtls({ host: '127.0.0.1', port }, client, client, authorizeAny())
    .then((s) => roundTrip(s).then(() => true, () => false).finally(() => s.destroy()), () => false);
}

describe('revoked authorities on the revocation feed', () => {
  it('ok/a validator following only the feed refuses the revoked intermediate and JWT key, closes connections through them, across a restart', async () => {
    const w = (world = await startWorld());
    const authorities = w.own(new AuthorityClient(w.t.ca.adminSocket));
    const agent = await spawnAgent(w, 'task-1');
    const [oldX509] = (await authorities.list('x509')).authorities;
    const [oldJwt] = (await authorities.list('jwt')).authorities;
    // What an attacker steals before the rotation: the agent's SVID (key, leaf, intermediate) and a task token.
    const stolen = agent.getX509Svid();
    const oldToken = (await agent.caClient.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] })).token;
    // The bundles the validator holds, from before the revoke: they trust the old intermediate and JWT key.
    const frozen = w.service.source.bundle;
    const frozenJwt = w.service.source.getJwtBundleForTrustDomain(TD)!;
    const { validator, follower } = followFeedOnly(w, frozen, frozenJwt);
    expect(await follower.synced(5_000)).toBe(true);
    const servers = await startServers(w, validator);

    await authorities.prepare('x509');
    await authorities.step('x509', 'activate');
    await authorities.step('x509', 'taint', oldX509!.authorityId);
    for (const step of ['prepare', 'activate', 'taint'] as const) {
      if (step === 'prepare') await authorities.prepare('jwt');
      else await authorities.step('jwt', step, step === 'activate' ? undefined : oldJwt!.authorityId);
    }
    // As the runbook says: the service (whose SVID the validator follows the feed with) moves off the tainted one first.
    const issuerOf = (svid: X509Svid) => readCertificate(svid.certificates[1]!).subjectPublicKeyInfo.toString('base64');
    await vi.waitFor(() => expect(issuerOf(w.service.source.getX509Svid())).not.toBe(issuerOf(stolen)), { timeout: 10_000 });
    // Tainted, not revoked: the stolen SVID and token are still good, and connections open.
    expect(verifyX509Svid(stolen.certificates, validator).id.equals(stolen.id)).toBe(true);
    await validateJwtSvid(oldToken, { bundle: validator, audience: AUDIENCE, peerCertificate: stolen.certificates[0]! });
    const early = await connectMtls({ host: '127.0.0.1', port: servers.tlsPort }, staticSource(stolen, frozen), staticSource(stolen, frozen), authorizeAny());
    early.on('error', () => {});
    await roundTrip(early);
    const earlyClosed = new Promise<void>((resolve) => early.once('close', () => resolve()));
    const grpcClient = w.own(new ToolClient(`127.0.0.1:${servers.grpcPort}`, mtlsChannelCredentials(staticSource(stolen, frozen), staticSource(stolen, frozen), authorizeAny())));
    await say(grpcClient);
    const stream = (grpcClient.watch as (req: unknown) => grpc.ClientReadableStream<unknown>)({});
    await new Promise((resolve) => stream.once('data', resolve));
    const streamEnded = new Promise<TesseraError>((resolve) => stream.once('error', (err: grpc.ServiceError) => resolve(errorFromServiceError(err))));

    await authorities.step('x509', 'revoke', oldX509!.authorityId);
    await authorities.step('jwt', 'revoke', oldJwt!.authorityId);
    await vi.waitFor(() => expect(validator.revocations.revokedJwtKeyIds.has(oldJwt!.authorityId)).toBe(true));
    // The bundles the validator checks with never learned of it: only the feed did.
    expect(frozen.revokedAuthorities).toHaveLength(0);
    expect(frozenJwt.findKey(oldJwt!.authorityId)).toBeDefined();
    expect(validator.revocations.revokedX509Authorities.map((k) => k.toString('base64')))
      .toEqual([readCertificate(stolen.certificates[1]!).subjectPublicKeyInfo.toString('base64')]);

    // Connections opened through the old intermediate before the revoke close.
    await earlyClosed;
    // The running call ends (with ERR_REVOKED, or cut with its connection first).
    expect(['ERR_REVOKED', 'ERR_UNAVAILABLE']).toContain((await streamEnded).code);
    await vi.waitFor(() => expect(grpcClient.getChannel().getConnectivityState(false)).not.toBe(grpc.connectivityState.READY));

    const expectRefused = async (v: FeedOnly, svid: X509Svid) => {
      // Without the feed, the same bundle would accept it: the refusal comes from the feed.
      expect(verifyX509Svid(svid.certificates, staticSource(svid, frozen)).id.equals(stolen.id)).toBe(true);
      expect(() => verifyX509Svid(svid.certificates, v)).toThrow(expect.objectContaining({ code: 'ERR_REVOKED' }));
      const rejected = servers.rejected.length;
      expect(await servedOverTls(servers.tlsPort, svid, frozen)).toBe(false);
      await vi.waitFor(() => expect(servers.rejected.slice(rejected).map((e) => e.code)).toContain('ERR_REVOKED'));
      const c = new ToolClient(`127.0.0.1:${servers.grpcPort}`, mtlsChannelCredentials(staticSource(svid, frozen), staticSource(svid, frozen), authorizeAny()));
      await refusal(say(c), 'ERR_REVOKED');
      c.close();
    };
    const expectTokenRefused = async (v: FeedOnly, token: string) => {
      // Without the feed the JWT bundle would accept it.
      await validateJwtSvid(token, { bundle: frozenJwt, audience: AUDIENCE, peerCertificate: stolen.certificates[0]!, isRevoked: () => false });
      await expect(validateJwtSvid(token, { bundle: v, audience: AUDIENCE, peerCertificate: stolen.certificates[0]! }))
        .rejects.toMatchObject({ code: 'ERR_TOKEN_INVALID', message: expect.stringContaining('unknown kid') });
    };
    await expectRefused(validator, stolen);
    await expectTokenRefused(validator, oldToken);

    // The CA restarts (meanwhile an attacker steals its database and keys/kek).
    let taken!: Awaited<ReturnType<typeof readStoredKeys>>;
    await w.t.restart(async () => {
      taken = await readStoredKeys(w.t.dataDir);
    });
    const oldIntermediate = taken.keys.get(oldX509!.authorityId)!;
    const oldJwtKey = taken.keys.get(oldJwt!.authorityId)!;
    const forger = new Authority({ trustDomain: TD, clock: { now: () => Date.now() }, keys: { root: taken.root, intermediate: oldIntermediate.kind === 'x509' ? oldIntermediate.credential : assert.fail('not x509') } });
    const forged: X509Svid = {
      ...stolen,
      certificates: forger.signX509Svid({ spiffeId: stolen.id, subjectPublicKeyInfo: readCertificate(stolen.certificates[0]!).subjectPublicKeyInfo, notAfterMs: Date.now() + 60_000 }).certificates,
    };
    const claims = decodeJwt(oldToken) as unknown as JwtSvidClaims;
    const forgedToken = await (oldJwtKey.kind === 'jwt' ? oldJwtKey.jwt : assert.fail('not jwt')).sign({ ...claims, exp: Math.floor(Date.now() / 1000) + 60, iat: Math.floor(Date.now() / 1000) });

    // A validator that starts following after the restart gets the entries from the CA's store.
    const { validator: newcomer, follower: newFollower } = followFeedOnly(w, frozen, frozenJwt);
    expect(await newFollower.synced(15_000)).toBe(true);
    expect(newcomer.revocations.revokedJwtKeyIds.has(oldJwt!.authorityId)).toBe(true);
    for (const v of [validator, newcomer]) {
      for (const svid of [stolen, forged]) expect(() => verifyX509Svid(svid.certificates, v)).toThrow(expect.objectContaining({ code: 'ERR_REVOKED' }));
      for (const token of [oldToken, forgedToken]) await expectTokenRefused(v, token);
    }
    // The servers (on the first validator, which kept following through the restart) refuse the forged leaf.
    await expectRefused(validator, forged);
  }, 120_000);

  it('ok/a client that does not ask for authority entries (an SDK built before them) is sent none and stays caught up; the SDK gets them', async () => {
    const w = (world = await startWorld());
    const authorities = w.own(new AuthorityClient(w.t.ca.adminSocket));
    const agent = await spawnAgent(w, 'task-1');
    const leaving = await spawnAgent(w, 'task-2');
    const [oldX509] = (await authorities.list('x509')).authorities;
    const [oldJwt] = (await authorities.list('jwt')).authorities;
    // Read before the taint: a source may have moved on before the steps below return.
    const issuerOf = (svid: X509Svid) => readCertificate(svid.certificates[1]!).subjectPublicKeyInfo.toString('base64');
    const oldIssuer = issuerOf(agent.getX509Svid());
    for (const [kind, old] of [['x509', oldX509], ['jwt', oldJwt]] as const) {
      await authorities.prepare(kind);
      await authorities.step(kind, 'activate');
      await authorities.step(kind, 'taint', old!.authorityId);
    }
    // Whoever calls the CA below moves off the tainted intermediate first: once revoked, the CA refuses it.
    const failedRotations: string[] = [];
    for (const [name, source] of Object.entries({ agent, leaving, service: w.service.source })) {
      source.on('updateFailed', (err: TesseraError) => failedRotations.push(`${name}: ${err.code} ${err.message}`));
      await vi.waitFor(() => expect(issuerOf(source.getX509Svid()), `${name} still under the tainted intermediate; failed rotations: ${failedRotations.join('; ') || 'none'}`).not.toBe(oldIssuer), { timeout: 10_000 });
    }

    // The current SDK's follower, and the same follower on the request an older SDK sends.
    const { validator: current, follower: currentFollower } = followFeedOnly(w, w.service.source.bundle, w.service.source.getJwtBundleForTrustDomain(TD)!);
    const old = w.own(rawClient(w.t, 'mtls', agent.getX509Svid()));
    const oldList = new RevocationList({ trustDomain: TD });
    const oldFollower = w.own(new RevocationFollower({ list: oldList, open: (after) => watchAsOldSdk(old, after) }));
    const failures: TesseraError[] = [];
    for (const follower of [currentFollower, oldFollower]) follower.on('updateFailed', (err: TesseraError) => failures.push(err));
    oldFollower.start();
    const live = record(w, watchAsOldSdk(old, 0));
    expect(await currentFollower.synced(5_000)).toBe(true);
    expect(await oldFollower.synced(5_000)).toBe(true);

    await authorities.step('x509', 'revoke', oldX509!.authorityId);
    await authorities.step('jwt', 'revoke', oldJwt!.authorityId);
    // An ordinary entry after them.
    const [released] = await leaving.caClient.releaseIdentity();
    const head = released!.sequence;
    await vi.waitFor(() => expect([current.revocations.head, oldList.head, live.at(-1)?.headSequence]).toEqual([head, head, head]));

    const authoritySequences = current.revocations.entriesAfter(0).filter(isAuthorityEntry).map((e) => e.sequence);
    expect(authoritySequences).toHaveLength(2);
    expect(current.revocations.revokedJwtKeyIds.has(oldJwt!.authorityId)).toBe(true);
    expect(current.revocations.revokedX509Authorities.map((k) => k.toString('base64'))).toEqual([oldIssuer]);
    // The older client: the released identity, no authority entry, never a broken stream, current.
    expect(oldList.isRevoked({ id: leaving.getX509Svid().id })).toBe(true);
    expect(oldList.revokedX509Authorities).toHaveLength(0);
    expect(oldList.revokedJwtKeyIds.size).toBe(0);
    expect(oldList.isCurrent()).toBe(true);
    expect(failures).toEqual([]);
    // Each authority batch reached it as a message without entries that carries the head.
    expect(kindsOf(live)).toEqual(['REVOCATION_KIND_CHAIN']);
    for (const sequence of authoritySequences) {
      expect(live.find((m) => m.headSequence === sequence)).toMatchObject({ entries: [], caughtUp: true });
    }

    // The initial list, over mTLS and with a proof: the same, caught up at the CA's head.
    const proven = (svid: X509Svid) => ({ afterSequence: 0, proof: proveSvid(svid, 'revocationWatch', new Uint8Array(0), Date.now()) });
    const initial = record(w, watchAsOldSdk(old, 0));
    const initialProven = record(w, w.own(rawClient(w.t, 'public')).makeServerStreamRequest(
      PROVEN_WATCH.path, PROVEN_WATCH.requestSerialize, PROVEN_WATCH.responseDeserialize, proven(agent.getX509Svid()),
    ));
    // The current SDK's proven stream gets the authority entries.
    const sdkProven = record(w, w.service.source.caClient.watchRevocationsWithProof(0, w.service.source.getX509Svid(), Date.now()));
    for (const messages of [initial, initialProven, sdkProven]) {
      await vi.waitFor(() => expect(messages.at(-1)).toMatchObject({ caughtUp: true, headSequence: head }));
    }
    expect(kindsOf(initial)).toEqual(['REVOCATION_KIND_CHAIN']);
    expect(kindsOf(initialProven)).toEqual(['REVOCATION_KIND_CHAIN']);
    expect(kindsOf(sdkProven)).toEqual(['REVOCATION_KIND_X509_AUTHORITY', 'REVOCATION_KIND_JWT_AUTHORITY', 'REVOCATION_KIND_CHAIN']);
  }, 60_000);
});

const WATCH = tesseraProto().tessera.v1.RevocationService.service.WatchRevocations;
const PROVEN_WATCH = tesseraProto().tessera.v1.RevocationService.service.WatchRevocationsWithProof;

/** WatchRevocations as an SDK built before authority entries asks for it: without authority_entries. */
function watchAsOldSdk(client: grpc.Client, afterSequence: number): grpc.ClientReadableStream<WatchRevocationsResponse__Output> {
  return client.makeServerStreamRequest(WATCH.path, WATCH.requestSerialize, WATCH.responseDeserialize, { afterSequence });
}

/** The messages `stream` delivers, as they arrive; cancelled with the world. */
function record(w: World, stream: grpc.ClientReadableStream<WatchRevocationsResponse__Output>): WatchRevocationsResponse__Output[] {
  const messages: WatchRevocationsResponse__Output[] = [];
  stream.on('data', (m: WatchRevocationsResponse__Output) => messages.push(m));
  stream.on('error', () => {});
  w.own({ close: () => stream.cancel() });
  return messages;
}

function kindsOf(messages: readonly WatchRevocationsResponse__Output[]): string[] {
  return messages.flatMap((m) => m.entries.map((e) => e.kind));
}
