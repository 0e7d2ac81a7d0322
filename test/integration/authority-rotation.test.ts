/**
 * The intermediate and the JWT key rotated through prepare, activate, taint and
 * revoke (the operator's AuthorityService on the admin socket) while agents call
 * a service over node:tls and gRPC without pause:
 *
 * - no call fails at any step;
 * - after taint, every agent (and the service, and the orchestrator) holds an
 *   SVID of the new intermediate within seconds, not at its half-life;
 * - after revoke, a leaf stolen with its old intermediate, and a leaf newly
 *   signed with the old intermediate's key, are refused by the node:tls service,
 *   the gRPC service, verifyX509Svid and the CA itself, though the root that
 *   signed the old intermediate is still in the bundle; a task token of the old
 *   JWT key, and one newly signed with it, are refused; a new one is accepted;
 * - all of it holds after the CA restarts, for verifiers that follow it and a new one;
 * - a revoked root travels on the revocation feed too: a validator whose bundle lags refuses a chain its key makes.
 */
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { decodeJwt } from 'jose';
import { afterEach, assert, describe, expect, it, vi } from 'vitest';
import { authorizeAny, authorizeId, authorizeMatch } from '../../agent-sdk/authorizer.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { errorFromServiceError } from '../../agent-sdk/error-status.js';
import { mtlsChannelCredentials, mtlsServerCredentials, peerIdFromCall } from '../../agent-sdk/grpc.js';
import { serveMtlsGrpc } from '../../agent-sdk/grpc-serve.js';
import type { JwtSvidClaims } from '../../agent-sdk/jwt-svid.js';
import { staticSource } from '../../agent-sdk/source.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { connectMtls } from '../../agent-sdk/tls.js';
import { validateJwtSvid } from '../../agent-sdk/validate-jwt-svid.js';
import { verifyX509Svid } from '../../agent-sdk/verify.js';
import type { X509Source } from '../../agent-sdk/x509-source.js';
import { Authority } from '../../ca/authority/authority.js';
import { loadCredential, newIntermediate } from '../../ca/authority/keys.js';
import { systemClock } from '../../agent-sdk/clock.js';

import { AuthorityClient } from '../../ca/authority-client.js';
import { clientWith, newKey } from '../helpers/agents.js';
import { jsonMethod } from '../helpers/json-grpc.js';
import { type World, roundTrip, spawnAgent, startWorld } from '../helpers/revocation-world.js';
import { refusal } from '../helpers/task-agents.js';
import { whenReachable } from '../helpers/ca-process.js';
import { readStoredKeys } from '../helpers/stored-keys.js';

const TD = 'tessera.local';
const AUDIENCE = `spiffe://${TD}/service/search`;
const AGENTS = 3;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const Tool = { say: jsonMethod('/test.Tool/Say') } satisfies grpc.ServiceDefinition;
const ToolClient = grpc.makeGenericClientConstructor(Tool, 'Tool');
type Client = InstanceType<typeof ToolClient>;

async function startTool(w: World): Promise<number> {
  const source = w.service.source;
  // A connection keeps the client certificate of its handshake: bounding its age (as sdk-mtls.md advises)
  // moves clients onto their renewed SVIDs before the old authority is revoked.
  const server = new grpc.Server({ 'grpc.max_connection_age_ms': 1000 });
  server.addService(Tool, {
    say: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, {
      id: peerIdFromCall(call).toString(), serial: readCertificate(call.getAuthContext().sslPeerCertificate!.raw).serialHex,
    }),
  });
  const listener = await serveMtlsGrpc(server, { host: '127.0.0.1', port: 0 }, mtlsServerCredentials(source, source, authorizeMatch(`spiffe://${TD}/agent/orch-a/*/*`)));
  w.own({ close: () => void listener.close() });
  return listener.port;
}

function say(c: Client): Promise<{ id: string; serial: string }> {
  return new Promise((resolve, reject) => {
    (c.say as (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: { id: string; serial: string }) => void) => void)(
      {}, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(errorFromServiceError(err)) : resolve(res)),
    );
  });
}

/** New connections and calls from every agent, without pause, until stopped; counts what failed and why. */
function loadLoop(w: World, agents: readonly X509Source[], port: number) {
  const failures: string[] = [];
  /** The serial of the certificate each agent's last gRPC call was made with. */
  const grpcSerials = new Map<X509Source, string>();
  let calls = 0;
  let running = true;
  const loops = agents.map(async (agent) => {
    const client = w.own(new ToolClient(`127.0.0.1:${port}`, mtlsChannelCredentials(agent, agent, authorizeId(w.service.source.getX509Svid().id))));
    while (running) {
      try {
        const socket = await connectMtls({ host: '127.0.0.1', port: w.service.port }, agent, agent, authorizeId(w.service.source.getX509Svid().id));
        socket.on('error', () => {});
        expect(await roundTrip(socket)).toContain(agent.getX509Svid().id.toString());
        socket.destroy();
        const answer = await say(client);
        expect(answer.id).toBe(agent.getX509Svid().id.toString());
        grpcSerials.set(agent, answer.serial);
        calls += 2;
      } catch (err) {
        failures.push(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`);
        // A failure may come without I/O: let the event loop run before the next try.
        await new Promise(setImmediate);
      }
    }
  });
  return {
    get calls() {
      return calls;
    },
    failures,
    /** Whether every agent's last gRPC call was made with the SVID it holds now. */
    onCurrentSvids: () => agents.every((a) => grpcSerials.get(a) === readCertificate(a.getX509Svid().certificates[0]!).serialHex),
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

const issuerKeyOf = (svid: X509Svid) => readCertificate(svid.certificates[1]!).subjectPublicKeyInfo.toString('base64');

describe('authority rotation', () => {
  it('ok/root rotation under load: the new root reaches every party before it signs, an intermediate under it takes over, the old root leaves; no failed call; across a restart', async () => {
    const w = (world = await startWorld());
    const authorities = w.own(new AuthorityClient(w.t.ca.adminSocket));
    const grpcPort = await startTool(w);
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => spawnAgent(w, `task-${i}`)));
    const parties = [...agents, w.service.source, w.orchestrator.source];
    const [oldRoot] = (await authorities.list('root')).authorities;
    const [oldX509] = (await authorities.list('x509')).authorities;
    expect(oldRoot!.state).toBe('active');
    const stolen = agents[0]!.getX509Svid();
    const load = loadLoop(w, agents, grpcPort);
    const enough = async () => {
      const from = load.calls;
      await vi.waitFor(() => expect(load.calls, load.failures.slice(-3).join("\n")).toBeGreaterThan(from + 4 * AGENTS), { timeout: 20_000 });
    };
    await enough();

    // Prepared: in every party's bundle before it signs anything.
    const newRoot = await authorities.prepare('root');
    await vi.waitFor(() => expect(parties.every((p) => p.bundle.certificates.length === 2)).toBe(true), { timeout: 10_000, interval: 20 });
    await enough();
    await authorities.step('root', 'activate');
    // The old root signed the active intermediate: it cannot be on its way out yet.
    await refusal(authorities.step('root', 'taint', oldRoot!.authorityId), 'ERR_AUTHORITY_STATE');
    const next = await authorities.prepare('x509');
    const pemOf = async (kind: 'x509' | 'root', id: string) => (await authorities.list(kind)).authorities.find((a) => a.authorityId === id)!.certificatePem;
    expect(new X509Certificate(await pemOf('x509', next.authorityId)).verify(new X509Certificate(await pemOf('root', newRoot.authorityId)).publicKey)).toBe(true);
    await enough();
    await authorities.step('x509', 'activate');
    await authorities.step('x509', 'taint', oldX509!.authorityId);
    await vi.waitFor(() => expect(parties.filter((p) => issuerKeyOf(p.getX509Svid()) === issuerKeyOf(stolen))).toHaveLength(0), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(load.onCurrentSvids()).toBe(true), { timeout: 10_000, interval: 20 });
    await authorities.step('root', 'taint', oldRoot!.authorityId);
    // An intermediate it signed is still trusted: the root stays until that one is revoked.
    await refusal(authorities.step('root', 'revoke', oldRoot!.authorityId), 'ERR_AUTHORITY_STATE');
    await enough();
    await authorities.step('x509', 'revoke', oldX509!.authorityId);
    // What a validator whose bundle stream lags still holds: the old root, trusted.
    const lagging = w.service.source.bundle;
    await authorities.step('root', 'revoke', oldRoot!.authorityId);
    const newRootDer = new X509Certificate(await pemOf('root', newRoot.authorityId)).raw;
    await vi.waitFor(() => expect(parties.every((p) => p.bundle.certificates.length === 1 && p.bundle.certificates[0]!.raw.equals(newRootDer))).toBe(true), { timeout: 10_000, interval: 20 });
    // The revocation feed carried the root's revoke too (an x509_authority entry): with it, the lagging bundle
    // no longer trusts the old root, so a chain a thief of its key makes (a new intermediate, a leaf) is refused.
    const oldRootKey = readCertificate(new X509Certificate(oldRoot!.certificatePem).raw).subjectPublicKeyInfo;
    await vi.waitFor(() => expect(parties.every((p) => p.revocations!.revokedX509Authorities.some((k) => k.equals(oldRootKey)))).toBe(true));
    const stolenRoot = (await loadCredential(join(w.t.dataDir, 'keys'), 'root'))!;
    const thief = new Authority({
      trustDomain: TD, clock: systemClock,
      keys: { root: stolenRoot, intermediate: newIntermediate(stolenRoot, { trustDomain: TD, clock: systemClock, intermediateTtlMs: 3_600_000, distinctName: true }) },
    });
    const rootForged = thief.signX509Svid({ spiffeId: stolen.id, subjectPublicKeyInfo: readCertificate(stolen.certificates[0]!).subjectPublicKeyInfo, notAfterMs: Date.now() + 60_000 });
    expect(verifyX509Svid(rootForged.certificates, staticSource(stolen, lagging)).id.equals(stolen.id)).toBe(true);
    const laggingValidator = { getX509BundleForTrustDomain: () => lagging, revocations: w.service.source.revocations };
    expect(() => verifyX509Svid(rootForged.certificates, laggingValidator)).toThrow(expect.objectContaining({ code: 'ERR_SVID_INVALID' }));
    await enough();
    await load.stop();
    console.log(`root rotation: ${load.calls} calls over node:tls and gRPC, ${load.failures.length} failed`);
    expect(load.failures).toEqual([]);
    // A chain to the old root leads nowhere now.
    expect(() => verifyX509Svid(stolen.certificates, w.service.source)).toThrow(expect.objectContaining({ code: 'ERR_SVID_INVALID' }));

    // The CA restarts (its audit log, checkpointed under both roots, verifies); a newcomer chains to the new root.
    await w.t.restart();
    const roots = (await w.own(new AuthorityClient(w.t.ca.adminSocket)).list('root')).authorities.map((a) => [a.authorityId, a.state]);
    expect(roots).toEqual([[oldRoot!.authorityId, 'revoked'], [newRoot.authorityId, 'active']]);
    expect(await w.t.admin.verifyAudit()).toMatchObject({ ok: true });
    const newcomer = await whenReachable(() => spawnAgent(w, 'task-after-restart'));
    expect(verifyX509Svid(newcomer.getX509Svid().certificates, w.service.source).verifiedChain.at(-1)!.raw.equals(newRootDer)).toBe(true);
  }, 120_000);

  it('ok/prepare, activate, taint, revoke under load: no failed call, all agents move on taint, the old authority refused everywhere after revoke, across a restart', async () => {
    const w = (world = await startWorld());
    const authorities = w.own(new AuthorityClient(w.t.ca.adminSocket));
    const grpcPort = await startTool(w);
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => spawnAgent(w, `task-${i}`)));
    const parties = [...agents, w.service.source, w.orchestrator.source];
    const [oldX509] = (await authorities.list('x509')).authorities;
    const [oldJwt] = (await authorities.list('jwt')).authorities;
    expect(oldX509!.state).toBe('active');
    // What an attacker steals from an agent before the rotation: its SVID (key, leaf, intermediate) and a task token.
    const stolen = agents[0]!.getX509Svid();
    const oldToken = (await agents[0]!.caClient.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] })).token;
    const sequence = () => w.service.source.bundle.sequenceNumber;

    const load = loadLoop(w, agents, grpcPort);
    const enough = async () => {
      const from = load.calls;
      await vi.waitFor(() => expect(load.calls, load.failures.slice(-3).join("\n")).toBeGreaterThan(from + 4 * AGENTS), { timeout: 20_000 });
    };
    await enough();

    const before = sequence();
    const prepared = await authorities.prepare('x509');
    expect(prepared.state).toBe('prepared');
    await vi.waitFor(() => expect(sequence()).toBeGreaterThan(before)); // pushed, not polled
    await enough();
    const activated = await authorities.step('x509', 'activate');
    expect(activated.map((a) => [a.authorityId, a.state])).toEqual([[prepared.authorityId, 'active'], [oldX509!.authorityId, 'old']]);
    await enough();
    // Old SVIDs stay valid: nobody has renewed yet (their half-life is minutes away).
    expect(parties.every((p) => issuerKeyOf(p.getX509Svid()) === issuerKeyOf(stolen))).toBe(true);

    const taintedAt = performance.now();
    await authorities.step('x509', 'taint', oldX509!.authorityId);
    await vi.waitFor(() => expect(parties.filter((p) => issuerKeyOf(p.getX509Svid()) === issuerKeyOf(stolen))).toHaveLength(0), { timeout: 10_000, interval: 20 });
    const movedMs = performance.now() - taintedAt;
    await vi.waitFor(() => expect(load.onCurrentSvids()).toBe(true), { timeout: 10_000, interval: 20 });
    await enough();

    // A connection the stolen SVID opened while its intermediate was still trusted closes when it is revoked.
    const early = await connectMtls({ host: '127.0.0.1', port: w.service.port }, staticSource(stolen, w.service.source.bundle), w.service.source, authorizeAny());
    early.on('error', () => {});
    await roundTrip(early);
    const earlyClosed = new Promise<void>((resolve) => early.once('close', () => resolve()));
    await authorities.step('x509', 'revoke', oldX509!.authorityId);
    await earlyClosed;
    for (const step of ['prepare', 'activate', 'taint', 'revoke'] as const) {
      if (step === 'prepare') await authorities.prepare('jwt');
      else await authorities.step('jwt', step, step === 'activate' ? undefined : oldJwt!.authorityId);
    }
    const revokedSequence = (await authorities.list('x509')).bundleSequence;
    await vi.waitFor(() => expect(parties.every((p) => p.bundle.sequenceNumber === revokedSequence)).toBe(true));
    await enough();
    await load.stop();
    console.log(`rotation: ${load.calls} calls over node:tls and gRPC, ${load.failures.length} failed; every party on the new intermediate ${movedMs.toFixed(0)} ms after taint`);
    expect(load.failures).toEqual([]);
    expect(movedMs).toBeLessThan(10_000);

    // Before a restart, the stolen SVID and the old token are refused already.
    expect(() => verifyX509Svid(stolen.certificates, w.service.source)).toThrow(expect.objectContaining({ code: 'ERR_REVOKED' }));
    await expect(validateJwtSvid(oldToken, { bundle: w.service.source, audience: AUDIENCE, peerCertificate: stolen.certificates[0]! }))
      .rejects.toMatchObject({ code: 'ERR_TOKEN_INVALID' });

    // The CA restarts (meanwhile an attacker steals its database and keys/kek): the states, the bundle and the refusals stay.
    let taken!: Awaited<ReturnType<typeof readStoredKeys>>;
    await w.t.restart(async () => {
      taken = await readStoredKeys(w.t.dataDir);
    });
    const oldIntermediate = taken.keys.get(oldX509!.authorityId)!;
    const oldJwtKey = taken.keys.get(oldJwt!.authorityId)!;
    const states = (await w.own(new AuthorityClient(w.t.ca.adminSocket)).list('x509')).authorities.map((a) => [a.authorityId, a.state]);
    expect(states).toEqual([[oldX509!.authorityId, 'revoked'], [prepared.authorityId, 'active']]);
    expect(w.t.ca.authority.bundle.sequenceNumber).toBe(revokedSequence);

    // Forged: a leaf newly signed with the stolen key of the revoked intermediate.
    const forger = new Authority({ trustDomain: TD, clock: { now: () => Date.now() }, keys: { root: taken.root, intermediate: oldIntermediate.kind === 'x509' ? oldIntermediate.credential : assert.fail('not x509') } });
    const forged = forger.signX509Svid({
      spiffeId: stolen.id, subjectPublicKeyInfo: readCertificate(stolen.certificates[0]!).subjectPublicKeyInfo, notAfterMs: Date.now() + 60_000,
    });
    const forgedSvid: X509Svid = { ...stolen, certificates: forged.certificates };

    const expectOldAuthorityRefused = async (verifier: X509Source) => {
      for (const svid of [stolen, forgedSvid]) {
        expect(() => verifyX509Svid(svid.certificates, verifier), 'verifyX509Svid').toThrow(expect.objectContaining({ code: 'ERR_REVOKED' }));
        // node:tls: the service refuses after the handshake; the client sees the connection close.
        const rejected = w.service.rejected.length;
        const served = await connectMtls({ host: '127.0.0.1', port: w.service.port }, staticSource(svid, verifier.bundle), verifier, authorizeAny())
          .then((s) => roundTrip(s).then(() => true, () => false).finally(() => s.destroy()), () => false);
        expect(served, 'node:tls service').toBe(false);
        await vi.waitFor(() => expect(w.service.rejected.slice(rejected).map((e) => e.code)).toContain('ERR_REVOKED'));
        // gRPC
        const c = new ToolClient(`127.0.0.1:${grpcPort}`, mtlsChannelCredentials(staticSource(svid, verifier.bundle), verifier, authorizeAny()));
        await refusal(say(c), 'ERR_REVOKED');
        c.close();
        // The CA: no renewal through the revoked intermediate.
        const ca = clientWith(w.t.endpoints, verifier.bundle, svid);
        await refusal(ca.renew(createCsr(newKey())), 'ERR_REVOKED');
        // Nor with a proof over the public channel (agent-sdk/svid-proof.ts).
        await refusal(ca.renewWithProof(createCsr(newKey()), svid, Date.now()), 'ERR_REVOKED');
        ca.close();
      }
      // Task tokens: one the old JWT key signed, and one newly signed with it.
      const claims = decodeJwt(oldToken) as unknown as JwtSvidClaims;
      const forgedToken = await (oldJwtKey.kind === 'jwt' ? oldJwtKey.jwt : assert.fail('not jwt')).sign({ ...claims, exp: Math.floor(Date.now() / 1000) + 60, iat: Math.floor(Date.now() / 1000) });
      for (const token of [oldToken, forgedToken]) {
        await expect(validateJwtSvid(token, { bundle: verifier, audience: AUDIENCE, peerCertificate: stolen.certificates[0]! }))
          .rejects.toMatchObject({ code: 'ERR_TOKEN_INVALID', message: expect.stringContaining('unknown kid') });
      }
    };
    await expectOldAuthorityRefused(w.service.source);
    // A new token of the new key is accepted (the agent's channel may be in reconnect backoff after the restart).
    const agent = agents[1]!;
    const fresh = await whenReachable(() => agent.caClient.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] }));
    await validateJwtSvid(fresh.token, { bundle: w.service.source, audience: AUDIENCE, peerCertificate: agent.getX509Svid().certificates[0]! });
    // A verifier that starts after the restart refuses too.
    const newcomer = await whenReachable(() => spawnAgent(w, 'task-after-restart'));
    await expectOldAuthorityRefused(newcomer);
  }, 120_000);

  it('fail/illegal steps are typed errors, audited as denials, and change nothing', async () => {
    const w = (world = await startWorld());
    const authorities = w.own(new AuthorityClient(w.t.ca.adminSocket));
    const [active] = (await authorities.list('x509')).authorities;
    const sequence = (await authorities.list('x509')).bundleSequence;
    await refusal(authorities.step('x509', 'revoke', active!.authorityId), 'ERR_AUTHORITY_STATE', grpc.status.FAILED_PRECONDITION);
    await refusal(authorities.step('x509', 'taint', active!.authorityId), 'ERR_AUTHORITY_STATE');
    await refusal(authorities.step('jwt', 'activate'), 'ERR_AUTHORITY_STATE');
    await refusal(authorities.step('x509', 'taint', 'ffff'), 'ERR_NOT_FOUND');
    await authorities.prepare('x509');
    await refusal(authorities.prepare('x509'), 'ERR_AUTHORITY_STATE');
    const after = await authorities.list('x509');
    expect(after.bundleSequence).toBe(sequence + 1);
    expect(after.authorities.map((a) => a.state)).toEqual(['active', 'prepared']);
    const { records } = await w.t.admin.listAuditRecords({ limit: 1000 });
    const denied = records.filter((r) => r.operation.startsWith('authority.') && r.outcome === 'denied').map((r) => [r.operation, r.reason]);
    expect(denied).toEqual([
      ['authority.x509.revoke', 'ERR_AUTHORITY_STATE'], ['authority.x509.taint', 'ERR_AUTHORITY_STATE'],
      ['authority.jwt.activate', 'ERR_AUTHORITY_STATE'], ['authority.x509.taint', 'ERR_NOT_FOUND'], ['authority.x509.prepare', 'ERR_AUTHORITY_STATE'],
    ]);
  });
});
