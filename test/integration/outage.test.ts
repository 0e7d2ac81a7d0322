/**
 * Outages and clock skew (issue 7). The CA runs as a real child process (the
 * built `tessera` command) and is killed with SIGKILL to take it away; agents and
 * services are X509Sources of this process talking mutual TLS over node:tls
 * (createMtlsServer / connectMtls) and gRPC (mtlsServerCredentials /
 * mtlsChannelCredentials). Clock skew uses an in-process CA with an injected clock.
 *
 * - One outage, longer than one agent's remaining SVID life and shorter than the
 *   others': the others and the service see no failed request; the short-lived
 *   agent ends in typed errors (its renewals fail with ERR_UNAVAILABLE, then
 *   ERR_SVID_EXPIRED, and the service refuses it with ERR_SVID_EXPIRED); when the
 *   CA returns the long-lived sources renew and a new spawn works.
 *   Validators fail closed when cut off from the revocation stream for longer
 *   than `revocation.staleAfterMs` (docs/revocation.md); here it is set to the SVID
 *   lifetime, as the docs advise, so an outage shorter than the SVID life passes.
 * - The default, 5 minutes, fails closed (ERR_REVOCATION_STALE) for peers and tokens,
 *   shown with the validator's clock moved ahead; it accepts again once the CA is back.
 * - Clock skew. The leeways: the CA backdates notBefore by 5 s (ca/authority), and
 *   validateJwtSvid allows 5 s on `iat`/`exp` (`leewayMs`, at most 60 s). A CA clock
 *   4 s ahead or behind the SDK's works end to end; 8 s ahead, a fresh SVID is not yet
 *   valid for its peers (ERR_SVID_INVALID) and a fresh token is refused on `iat`
 *   (ERR_TOKEN_INVALID); an SDK clock past a token's `exp` by more than the leeway
 *   refuses it (ERR_TOKEN_EXPIRED).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, onTestFailed, vi } from 'vitest';
import { authorizeId, authorizeMatch } from '../../agent-sdk/authorizer.js';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import type { CaEndpoints } from '../../agent-sdk/ca-client.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { mtlsChannelCredentials, mtlsServerCredentials, peerIdFromCall } from '../../agent-sdk/grpc.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { connectMtls, createMtlsServer, peerId } from '../../agent-sdk/tls.js';
import { validateJwtSvid } from '../../agent-sdk/validate-jwt-svid.js';
import { X509Source, type X509SourceOptions } from '../../agent-sdk/x509-source.js';
import { AdminClient } from '../../ca/admin-client.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { type CaProcess, bundleOf, startCaProcess, whenReachable } from '../helpers/ca-process.js';
import { jsonMethod } from '../helpers/json-grpc.js';
import { within } from '../helpers/within.js';

const TD = 'tessera.local';
const AUDIENCE = `spiffe://${TD}/service/tool`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const EchoService = { say: jsonMethod('/test.Echo/Say') } satisfies grpc.ServiceDefinition;
const EchoClient = grpc.makeGenericClientConstructor(EchoService, 'Echo');
type Echo = InstanceType<typeof EchoClient>;
/** What the services answer: who called, with which certificate. */
interface Answer {
  id: string;
  serial: string;
}

let root: string | undefined;
let ca: CaProcess | undefined;
let inProcess: TestCa | undefined;
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await ca?.stop('SIGKILL');
  ca = undefined;
  await inProcess?.close();
  inProcess = undefined;
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});
function own<T extends { close(): unknown }>(thing: T): T {
  closers.push(() => thing.close());
  return thing;
}

interface World {
  readonly dataDir: string;
  readonly endpoints: CaEndpoints;
  readonly bundle: X509Bundle;
  readonly admin: AdminClient;
  /** Kills the CA (SIGKILL). */
  kill(): Promise<void>;
  /** Starts it again on the same data directory and ports. */
  restart(): Promise<void>;
  attest(name: string, options?: Partial<X509SourceOptions>): Promise<Orchestrator>;
}

async function startWorld(): Promise<World> {
  root = await mkdtemp(join(tmpdir(), 'tessera-outage-'));
  const dataDir = join(root, 'data');
  ca = await startCaProcess({ dataDir });
  const { endpoints } = ca;
  const bundle = await bundleOf(dataDir);
  const admin = own(new AdminClient(ca.adminSocket));
  return {
    dataDir, endpoints, bundle, admin,
    kill: () => ca!.stop('SIGKILL'),
    async restart() {
      ca = await startCaProcess({ dataDir, listen: endpoints.address, mtlsListen: endpoints.mtlsAddress });
    },
    async attest(name, options = {}) {
      const { token } = await admin.createJoinToken({ orchestrator: name });
      return own(await Orchestrator.attest({ ...options, attestor: joinTokenClient(token), endpoints, bundle }));
    },
  };
}

async function spawnAgent(orchestrator: Orchestrator, taskId: string, ttlMs: number, options: Partial<X509SourceOptions> = {}): Promise<X509Source> {
  const spawned = await orchestrator.spawn(taskId, { sponsor: 'user:alice', scopes: ['search:query'], ttlMs });
  return own(await X509Source.fromEnv({ ...spawned.env }, options));
}

/** A node:tls service answering one line with the caller's verified ID and certificate serial. */
async function tlsService(source: X509Source, pattern: string, options: { clock?: Clock } = {}): Promise<{ port: number; rejected: TesseraError[] }> {
  const rejected: TesseraError[] = [];
  const server = createMtlsServer(source, source, authorizeMatch(pattern), options, (socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.end(`${JSON.stringify({ id: peerId(socket).toString(), serial: socket.getPeerCertificate().serialNumber.toLowerCase() })}\n`));
  });
  server.on('peerRejected', (err: TesseraError) => rejected.push(err));
  closers.push(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, rejected };
}

/** One request on a new mTLS connection: the answer, or why there was none (within 5 s). */
async function askTls(port: number, source: X509Source, serverId: string): Promise<Answer> {
  const socket = await within(5_000, 'a TLS connection to the service', connectMtls({ host: '127.0.0.1', port }, source, source, authorizeId(serverId)));
  socket.setTimeout(5_000, () => socket.destroy(new Error('no answer from the service within 5 s')));
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.once('error', reject);
    socket.once('close', () => (text.endsWith('\n') ? resolve(JSON.parse(text) as Answer) : reject(new Error('closed without an answer'))));
    socket.write('ping\n');
  });
}

function askGrpc(client: Echo): Promise<Answer> {
  return new Promise((resolve, reject) => {
    (client.say as (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Answer) => void) => void)(
      {}, { deadline: Date.now() + 3_000 }, (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

const serialOf = (source: X509Source) => readCertificate(source.getX509Svid().certificates[0]!).serialHex;
const failuresOf = (source: X509Source): TesseraError[] => {
  const seen: TesseraError[] = [];
  source.on('updateFailed', (err: TesseraError) => seen.push(err));
  return seen;
};

describe('CA outages', () => {
  it('ok/the CA down for less than the SVIDs\' remaining life: no failed request over node:tls or gRPC; an agent it outlives ends in ERR_SVID_EXPIRED; all recovers when it returns', async () => {
    // When each step was reached (ms into the test): printed at the end, and with any failure.
    const t0 = Date.now();
    const steps: string[] = [];
    const step = (name: string) => steps.push(`${name} ${Date.now() - t0}`);
    onTestFailed(() => console.log(`outage: steps reached (ms): ${steps.join(', ')}`));
    const w = await startWorld();
    step('CA up');
    // Rotation at a fifth of the life, so the renewal that fails in the outage leaves most of it;
    // staleness at the SVID lifetime (docs/revocation.md), longer than this outage. The outage lasts
    // as long as the CA takes to start again: 7 s on two cores shared by twenty busy processes.
    const TTL_MS = 20_000;
    const options: Partial<X509SourceOptions> = {
      rotation: { at: 0.2, jitter: 0.05, retryMs: 200, maxRetryMs: 400 },
      revocation: { staleAfterMs: TTL_MS },
    };
    const orchestrator = await w.attest('orch-a', options);
    const service = await spawnAgent(orchestrator, 'tool', TTL_MS, options);
    const serviceId = service.getX509Svid().id.toString();
    const clients = `spiffe://${TD}/agent/orch-a/client/*`;
    const tlsSvc = await tlsService(service, clients);
    const grpcServer = new grpc.Server({ 'grpc.max_connection_age_ms': 1_000, 'grpc.max_connection_age_grace_ms': 10_000 });
    grpcServer.addService(EchoService, {
      say: (call: grpc.ServerUnaryCall<unknown, Answer>, callback: grpc.sendUnaryData<Answer>) =>
        callback(null, { id: peerIdFromCall(call).toString(), serial: call.getAuthContext().sslPeerCertificate!.serialNumber.toLowerCase() }),
    });
    const grpcPort = await new Promise<number>((resolve, reject) =>
      grpcServer.bindAsync('127.0.0.1:0', mtlsServerCredentials(service, service, authorizeMatch(clients)), (err, port) => (err ? reject(err) : resolve(port))));
    closers.push(() => grpcServer.forceShutdown());

    const agents = [await spawnAgent(orchestrator, 'client', TTL_MS, options), await spawnAgent(orchestrator, 'client', TTL_MS, options)];
    // Lives 2 s: the outage below is longer than that.
    const shortLived = await spawnAgent(orchestrator, 'client', 2_000, { ...options, rotation: { retryMs: 200, maxRetryMs: 400 } });
    const shortFailures = failuresOf(shortLived);
    const failures = [service, ...agents].map(failuresOf);
    const updated = [service, ...agents].map((s) => new Promise<void>((resolve) => s.once('update', () => resolve())));

    // Every agent calls the service without pause, on a new connection (node:tls) and on a channel (gRPC).
    const served = new Map<string, Set<string>>(); // "<transport> <agent>" -> serials the service saw
    const failed: string[] = [];
    let requests = 0;
    let calling = true;
    const loops = agents.map(async (agent) => {
      const id = agent.getX509Svid().id.toString();
      const channel = new EchoClient(`127.0.0.1:${grpcPort}`, mtlsChannelCredentials(agent, agent, authorizeId(serviceId)));
      closers.push(() => channel.close());
      while (calling) {
        for (const [transport, ask] of [['tls', () => askTls(tlsSvc.port, agent, serviceId)], ['grpc', () => askGrpc(channel)]] as const) {
          requests++;
          try {
            const answer = await ask();
            expect(answer.id).toBe(id);
            const key = `${transport} ${id}`;
            served.set(key, (served.get(key) ?? new Set()).add(answer.serial));
          } catch (err) {
            failed.push(`${transport} ${id}: ${(err as Error).message}`);
          }
        }
        await sleep(10);
      }
    });

    step('agents calling');
    await sleep(200);
    const before = agents.map(serialOf);
    await w.kill();
    const down = Date.now();
    step('CA killed');
    // The CA stays away until every long-lived source has tried to renew and failed, and the short-lived SVID has expired.
    await vi.waitFor(() => {
      expect(failures.every((f) => f.length > 0), 'every long-lived source failed a renewal').toBe(true);
      expect(shortFailures.at(-1)?.code, 'the short-lived SVID expired').toBe('ERR_SVID_EXPIRED');
    }, { timeout: 10_000, interval: 50 });
    step('renewals failed');
    const requestsDuringOutage = requests;
    for (const source of [service, ...agents]) expect(source.getX509Svid().expiresAtMs - Date.now(), 'the outage is shorter than their remaining life').toBeGreaterThan(5_000);
    expect(failures.flat().map((e) => e.code)).toEqual(failures.flat().map(() => 'ERR_UNAVAILABLE'));

    // The short-lived agent: renewals failed while it was valid, then its SVID ran out, and the service refuses it.
    expect(shortLived.getX509Svid().expiresAtMs).toBeLessThan(Date.now());
    expect(shortFailures.every((e) => e instanceof TesseraError)).toBe(true);
    expect(new Set(shortFailures.map((e) => e.code))).toEqual(new Set(['ERR_UNAVAILABLE', 'ERR_SVID_EXPIRED']));
    const shortAttempt = await askTls(tlsSvc.port, shortLived, serviceId).then(() => 'served', (err: Error) => err.message);
    expect(shortAttempt).not.toBe('served');
    await vi.waitFor(() => expect(tlsSvc.rejected.map((e) => e.code), 'the service refused the expired agent').toContain('ERR_SVID_EXPIRED'), { timeout: 5_000 });

    await w.restart();
    const outageMs = Date.now() - down;
    step('CA back');
    for (const source of [service, ...agents]) expect(source.getX509Svid().expiresAtMs - Date.now(), `the CA came back (after ${outageMs} ms) within their life`).toBeGreaterThan(0);
    // The others renew by themselves (new certificates, same identities) and the calls never stopped.
    const backAt = Date.now();
    const renewedSince = [service, ...agents].map((s) => s.getX509Svid());
    const stuck = () => [service, ...agents].map((s, i) => {
      const last = failures[i]!.at(-1);
      return `${i === 0 ? 'service' : `agent ${i}`}: ${s.getX509Svid() !== renewedSince[i] ? 'renewed' : 'not renewed'}, expires in ${s.getX509Svid().expiresAtMs - Date.now()} ms, `
        + `${failures[i]!.length} failures, the last ${last ? `${last.code} (${last.message})` : 'none'}`;
    }).join('; ');
    await within(10_000, () => `every long-lived source renewed after the CA came back ${Date.now() - backAt} ms ago: ${stuck()} (${steps.join(', ')})`, Promise.all(updated));
    step('renewed');
    const after = agents.map(serialOf);
    for (const [i, agent] of agents.entries()) {
      expect(after[i]).not.toBe(before[i]);
      const id = agent.getX509Svid().id.toString();
      // Both services saw the new certificate.
      await vi.waitFor(() => {
        expect(served.get(`tls ${id}`)).toContain(after[i]);
        expect(served.get(`grpc ${id}`)).toContain(after[i]);
      }, { timeout: 5_000, interval: 50 });
    }
    step('new certificates served');
    calling = false;
    await within(10_000, `the calling loops stopped (${steps.join(', ')})`, Promise.all(loops));
    expect(failed).toEqual([]);
    expect(requests - requestsDuringOutage).toBeGreaterThan(0);
    await vi.waitFor(() => expect(service.revocations!.isCurrent(), 'the service\'s revocation list current again').toBe(true), { timeout: 5_000 });

    // A new spawn works: it activates and is served at once.
    const fresh = await whenReachable(() => spawnAgent(orchestrator, 'client', TTL_MS, options));
    expect((await askTls(tlsSvc.port, fresh, serviceId)).id).toBe(fresh.getX509Svid().id.toString());
    step('fresh agent served');
    console.log(`outage: CA down ${outageMs} ms; ${requests} requests, ${requestsDuringOutage} before it returned, none failed; steps (ms): ${steps.join(', ')}`);
  }, 60_000);

  it('fail/cut off from the revocation stream past staleAfterMs (default 5 min, the clock moved ahead): peers and tokens refused with ERR_REVOCATION_STALE, accepted again once the CA is back', async () => {
    const w = await startWorld();
    // The validator's clock, moved ahead below instead of waiting five minutes.
    let aheadMs = 0;
    const clock: Clock = { now: () => Date.now() + aheadMs };
    const service = (await w.attest('orch-svc', { clock })).source;
    expect(service.revocations!.staleAfterMs).toBe(5 * 60_000);
    expect(service.revocations!.failOpen).toBe(false);
    const orchestrator = await w.attest('orch-a');
    const agent = await spawnAgent(orchestrator, 'task-1', 60_000);
    const serviceId = service.getX509Svid().id.toString();
    const tlsSvc = await tlsService(service, `spiffe://${TD}/agent/orch-a/*/*`);
    const { token } = await agent.caClient.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    const validate = () => validateJwtSvid(token, { bundle: service, audience: AUDIENCE, peerCertificate: agent.getX509Svid().certificates[0]! });
    expect((await askTls(tlsSvc.port, agent, serviceId)).id).toBe(agent.getX509Svid().id.toString());
    await validate();

    await w.kill();
    await vi.waitFor(() => expect(service.revocations!.isCurrent()).toBe(false));
    // Within staleAfterMs the validator keeps accepting what it knows.
    aheadMs = 5 * 60_000 - 30_000;
    expect((await askTls(tlsSvc.port, agent, serviceId)).id).toBe(agent.getX509Svid().id.toString());
    await validate();
    // Past it: fail closed.
    aheadMs = 5 * 60_000 + 1_000;
    expect(service.revocations!.isStale()).toBe(true);
    const refused = await askTls(tlsSvc.port, agent, serviceId).then(() => 'served', (err: Error) => err.message);
    expect(refused).not.toBe('served');
    await vi.waitFor(() => expect(tlsSvc.rejected.map((e) => e.code)).toContain('ERR_REVOCATION_STALE'));
    await expect(validate()).rejects.toMatchObject({ code: 'ERR_REVOCATION_STALE' });

    // The CA returns: the stream resumes, the list is current, peers and tokens pass again.
    await w.restart();
    await vi.waitFor(() => expect(service.revocations!.isCurrent()).toBe(true), { timeout: 10_000, interval: 50 });
    expect(service.revocations!.isStale()).toBe(false);
    expect((await askTls(tlsSvc.port, agent, serviceId)).id).toBe(agent.getX509Svid().id.toString());
    await validate();
  });
});

describe('clock skew between the CA and the SDK', () => {
  /** An in-process CA whose clock is `skew.ms` off the SDK's (the system clock). */
  async function skewedWorld(skew: { ms: number }) {
    inProcess = await startTestCa({ clock: { now: () => Date.now() + skew.ms } });
    const t = inProcess;
    const attest = async (name: string) => {
      const { token } = await t.admin.createJoinToken({ orchestrator: name });
      return own(await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: t.endpoints, bundle: t.ca.authority.bundle }));
    };
    const service = (await attest('orch-svc')).source;
    const orchestrator = await attest('orch-a');
    const tlsSvc = await tlsService(service, `spiffe://${TD}/agent/orch-a/*/*`);
    const serviceId = service.getX509Svid().id.toString();
    return { t, service, orchestrator, tlsSvc, serviceId };
  }

  /** Token from `agent` validated by `service` on the agent's own connection. */
  async function presentToken(agent: X509Source, service: X509Source, options: { clock?: Clock } = {}) {
    const { token } = await agent.caClient.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    return validateJwtSvid(token, { bundle: service, audience: AUDIENCE, requiredScopes: ['search:query'], peerCertificate: agent.getX509Svid().certificates[0]!, ...options });
  }

  it('ok/within the leeways: a CA clock 4 s behind the SDK, then 4 s ahead, issues SVIDs and tokens that work at once', async () => {
    // Behind first: a CA clock that jumped back would refuse its own fresh certificates.
    const skew = { ms: -4_000 };
    const { service, orchestrator, tlsSvc, serviceId } = await skewedWorld(skew);
    for (const ms of [-4_000, 4_000]) {
      skew.ms = ms;
      const agent = await spawnAgent(orchestrator, 'task-1', 60_000);
      // Both ends of the handshake accept the fresh certificate, and the token on that connection.
      expect((await askTls(tlsSvc.port, agent, serviceId)).id).toBe(agent.getX509Svid().id.toString());
      const validated = await presentToken(agent, service);
      expect(validated.id.toString()).toBe(agent.getX509Svid().id.toString());
      // A renewal from the skewed CA works as well.
      await agent.rotate();
      expect((await askTls(tlsSvc.port, agent, serviceId)).id).toBe(agent.getX509Svid().id.toString());
    }
    expect(tlsSvc.rejected).toEqual([]);
  });

  it('fail/beyond the leeways: a CA clock 8 s ahead makes fresh SVIDs not yet valid (ERR_SVID_INVALID) and fresh tokens refused on iat (ERR_TOKEN_INVALID); an SDK clock past exp + 5 s refuses with ERR_TOKEN_EXPIRED', async () => {
    const skew = { ms: 0 };
    const { service, orchestrator, tlsSvc, serviceId } = await skewedWorld(skew);
    const early = await spawnAgent(orchestrator, 'task-1', 60_000);

    skew.ms = 8_000;
    // Its certificate starts 3 s after the SDK's now: the service refuses it, and says why.
    const fresh = await spawnAgent(orchestrator, 'task-1', 60_000, { revocation: false });
    expect(fresh.getX509Svid().notBeforeMs).toBeGreaterThan(Date.now());
    const attempt = await askTls(tlsSvc.port, fresh, serviceId).then(() => 'served', (err: Error) => err.message);
    expect(attempt).not.toBe('served');
    await vi.waitFor(() => expect(tlsSvc.rejected.at(-1)).toMatchObject({ code: 'ERR_SVID_INVALID', message: expect.stringMatching(/not yet valid/) }));
    // A token issued 8 s in the SDK's future.
    await expect(presentToken(early, service)).rejects.toMatchObject({ code: 'ERR_TOKEN_INVALID', message: expect.stringMatching(/iat/) });
    // The same token is fine for a validator whose clock agrees with the CA's.
    await expect(presentToken(early, service, { clock: { now: () => Date.now() + 8_000 } })).resolves.toBeDefined();

    skew.ms = 0;
    const { token, expiresAtMs } = await early.caClient.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    const at = (ms: number) => validateJwtSvid(token, { bundle: service, audience: AUDIENCE, peerCertificate: early.getX509Svid().certificates[0]!, clock: { now: () => ms } });
    await expect(at(expiresAtMs + 4_000)).resolves.toBeDefined();
    await expect(at(expiresAtMs + 6_000)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });
});
