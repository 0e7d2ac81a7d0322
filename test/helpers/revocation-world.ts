/**
 * A CA, an orchestrator with agents, and a tool service, all through the SDK's
 * public pieces, for the revocation tests: every process-like party has its own
 * X509Source, so each follows the CA's revocations on its own stream.
 */
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { expect, vi } from 'vitest';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { X509Source, type RevocationOptions } from '../../agent-sdk/x509-source.js';
import { authorizeId, authorizeMatch } from '../../agent-sdk/authorizer.js';
import { connectMtls, createMtlsServer, peerId } from '../../agent-sdk/tls.js';
import { delegateToSubAgent } from '../../agent-sdk/delegation.js';
import type { TesseraError } from '../../agent-sdk/errors.js';
import { refusal } from './task-agents.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import type { CaEndpoints } from '../../agent-sdk/ca-client.js';
import { type TestCa, startTestCa } from './ca-server.js';

export interface Service {
  readonly source: X509Source;
  readonly server: tls.Server;
  readonly port: number;
  /** Every refusal the service reported ('peerRejected'), in order. */
  readonly rejected: TesseraError[];
}

export interface World {
  readonly t: TestCa;
  readonly orchestrator: Orchestrator;
  readonly service: Service;
  /** Closes everything made for this world, the CA last. */
  close(): Promise<void>;
  /** Registers something to close with the world. */
  own<T extends { close(): unknown }>(thing: T): T;
}

/**
 * Starts a CA, orchestrator `orch-a`, and a service run by orchestrator
 * `orch-svc` that echoes for any agent of orch-a. The service may reach the
 * CA through other addresses (a proxy that can cut it off).
 */
export async function startWorld(options: {
  /** Where the service reaches the CA (default: where it listens). */
  serviceEndpoints?: (ca: CaEndpoints) => CaEndpoints;
  serviceRevocation?: RevocationOptions;
  /** How the CA starts (its config: a data directory `tessera ca init` prepared, ...). */
  ca?: Parameters<typeof startTestCa>[0];
} = {}): Promise<World> {
  const t = await startTestCa(options.ca);
  const owned: Array<{ close(): unknown }> = [];
  const own = <T extends { close(): unknown }>(thing: T): T => {
    owned.push(thing);
    return thing;
  };
  const attest = async (name: string, endpoints: CaEndpoints, revocation?: RevocationOptions) => {
    const { token } = await t.admin.createJoinToken({ orchestrator: name });
    return own(await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints, bundle: t.ca.authority.bundle, ...(revocation && { revocation }) }));
  };
  const orchestrator = await attest('orch-a', t.endpoints);
  const serviceEndpoints = options.serviceEndpoints?.(t.endpoints) ?? t.endpoints;
  const serviceSource = (await attest('orch-svc', serviceEndpoints, options.serviceRevocation)).source;
  const rejected: TesseraError[] = [];
  const server = createMtlsServer(serviceSource, serviceSource, authorizeMatch(`spiffe://${t.ca.authority.trustDomain}/agent/orch-a/*/*`), {}, (socket) => {
    socket.on('data', () => socket.write(`pong ${peerId(socket)}\n`));
    socket.on('error', () => {});
  });
  server.on('peerRejected', (err: TesseraError) => rejected.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const service = { source: serviceSource, server, port: (server.address() as AddressInfo).port, rejected };
  return {
    t, orchestrator, service, own,
    async close() {
      server.close();
      for (const thing of owned.splice(0).reverse()) thing.close();
      await t.close();
    },
  };
}

/** An agent of orch-a for `taskId`, activated in this process with its own source. */
export async function spawnAgent(world: World, taskId: string): Promise<X509Source> {
  const spawned = await world.orchestrator.spawn(taskId, { sponsor: 'user:alice', scopes: ['search:query', 'files:read'] });
  return world.own(await X509Source.fromEnv({ ...spawned.env }));
}

/** A sub-agent `parent` delegates to, activated with its own source. */
export async function delegateAgent(world: World, parent: X509Source): Promise<X509Source> {
  const sub = await delegateToSubAgent(parent, { scopes: ['search:query'] });
  return world.own(await X509Source.fromEnv({ ...sub.env }));
}

/** An mTLS connection from `agent` to the service, checked with one round trip. */
export async function connect(world: World, agent: X509Source): Promise<tls.TLSSocket> {
  const socket = await connectMtls({ host: '127.0.0.1', port: world.service.port }, agent, agent, authorizeId(world.service.source.getX509Svid().id));
  socket.on('error', () => {});
  await roundTrip(socket);
  return socket;
}

/** One ping over `socket`; rejects when the connection closes first. */
export function roundTrip(socket: tls.TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return reject(new Error('closed'));
    const onData = (chunk: Buffer) => {
      cleanup();
      resolve(chunk.toString());
    };
    const onClose = () => {
      cleanup();
      reject(new Error('closed'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write('ping\n');
  });
}

/** When `socket` closes (performance.now()). */
export function closedAt(socket: tls.TLSSocket): Promise<number> {
  return new Promise((resolve) => (socket.destroyed ? resolve(performance.now()) : socket.once('close', () => resolve(performance.now()))));
}

/**
 * Asserts that the service refuses a new connection from `agent` with `code`
 * (the refusal comes after the TLS 1.3 handshake, so the client sees a close).
 */
export async function expectRefused(world: World, agent: X509Source, code = 'ERR_REVOKED'): Promise<void> {
  const before = world.service.rejected.length;
  const served = await connect(world, agent).then((s) => (s.destroy(), true), () => false);
  expect(served, 'the service served a revoked peer').toBe(false);
  await vi.waitFor(() => expect(world.service.rejected.slice(before).map((e) => e.code)).toContain(code));
}

/** Milliseconds from `startedAt` until `condition` holds (polled every 5 ms). */
export async function timeUntil(startedAt: number, condition: () => boolean, timeoutMs = 5_000): Promise<number> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: timeoutMs, interval: 5 });
  return performance.now() - startedAt;
}

/** Everything a revoked agent can no longer do: a new handshake, a renewal, a token. */
export async function expectLocked(w: World, agent: X509Source): Promise<void> {
  await expectRefused(w, agent);
  await refusal(agent.rotate(), 'ERR_REVOKED');
  await refusal(agent.caClient.mintJwtSvid({ audience: 'spiffe://tessera.local/service/search', scopes: ['search:query'] }), 'ERR_REVOKED');
}

/** What a working agent still does: its open connection, a new one, a renewal and a token. */
export async function expectWorking(w: World, agent: X509Source, open: tls.TLSSocket): Promise<void> {
  expect(await roundTrip(open)).toContain(agent.getX509Svid().id.toString());
  (await connect(w, agent)).destroy();
  await agent.rotate();
  await agent.caClient.mintJwtSvid({ audience: 'spiffe://tessera.local/service/search', scopes: ['search:query'] });
}
