/**
 * Long-lived agents spread over CA replicas, each an mTLS server, each calling
 * the next one over a new mTLS connection again and again: the load under which
 * replicas are killed or their authorities rotated. Every SVID they get is remembered.
 */
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { authorizeMatch } from '../../agent-sdk/authorizer.js';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import type { CaEndpoints } from '../../agent-sdk/ca-client.js';
import { replicasOf } from '../../agent-sdk/ca-endpoints.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import type { TesseraError } from '../../agent-sdk/errors.js';
import type { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { connectMtls, createMtlsServer } from '../../agent-sdk/tls.js';
import { ENV, X509Source } from '../../agent-sdk/x509-source.js';
import { roundTrip } from './revocation-world.js';

export interface CallingAgents {
  /** Agent i's CA connections start at replica i % replicas. */
  readonly agents: X509Source[];
  readonly calls: { ok: number; failed: unknown[] };
  /** Why an agent's server closed a caller's connection (a failed call says only "closed"). */
  readonly refusedCallers: string[];
  readonly failedRotations: TesseraError[];
  /** The serial of every SVID any agent held. */
  readonly issuedSerials: string[];
  /**
   * Resolves once every agent has ended a call that began after this moment, so
   * with the SVID it holds now: a connection opened before may still carry the last one.
   */
  nextRound(): Promise<void>;
  /** Ends the call loops (the agents and their servers stay until `closers` run). */
  stop(): Promise<void>;
}

/** The same replicas, starting at the `first`-th: spreads clients over them. */
export function startingAt(endpoints: CaEndpoints, first: number): CaEndpoints {
  const all = replicasOf(endpoints);
  const order = [...all.slice(first), ...all.slice(0, first)];
  return { address: order.map((e) => e.address).join(','), mtlsAddress: order.map((e) => e.mtlsAddress).join(',') };
}

/**
 * Spawns `count` agents of `orchestrator` (task `task-1`) and starts them calling
 * each other; `closers` gets what closes them.
 *
 * @example const load = await startCallingAgents({ orchestrator, endpoints: r.endpoints, bundle: r.bundle, count: 6, closers });
 */
export async function startCallingAgents(params: {
  orchestrator: Orchestrator; endpoints: CaEndpoints; bundle: X509Bundle; count: number; closers: (() => void)[];
}): Promise<CallingAgents> {
  const { orchestrator, endpoints, bundle, count, closers } = params;
  const peers = authorizeMatch(`spiffe://${bundle.trustDomain}/agent/*/*/*`);
  const replicas = replicasOf(endpoints).length;
  const failedRotations: TesseraError[] = [];
  const issuedSerials: string[] = [];
  const agents: X509Source[] = [];
  const refusedCallers: string[] = [];
  for (let i = 0; i < count; i++) {
    const spawned = await orchestrator.spawn('task-1', { sponsor: 'user-1' });
    const agent = await X509Source.fromTicket({ ticket: spawned.env[ENV.ticket]!, endpoints: startingAt(endpoints, i % replicas), bundle });
    closers.push(() => agent.close());
    issuedSerials.push(readCertificate(agent.getX509Svid().certificates[0]!).serialHex);
    agent.on('update', () => issuedSerials.push(readCertificate(agent.getX509Svid().certificates[0]!).serialHex));
    agent.on('updateFailed', (err: TesseraError) => failedRotations.push(err));
    agents.push(agent);
  }
  const ports = await Promise.all(agents.map(async (agent) => {
    const server = createMtlsServer(agent, agent, peers, {}, (socket) => {
      socket.on('data', () => socket.write('pong\n'));
      socket.on('error', () => {});
    });
    server.on('peerRejected', (err: TesseraError) => refusedCallers.push(`${err.code}: ${err.message}`));
    closers.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }));
  let running = true;
  const calls = { ok: 0, failed: [] as unknown[] };
  /** Calls ended, per agent. */
  const ended = agents.map(() => 0);
  // Agent i calls agent i+1 over a new mTLS connection, again and again.
  const loops = agents.map(async (agent, i) => {
    while (running) {
      let socket: tls.TLSSocket | undefined;
      try {
        socket = await connectMtls({ host: '127.0.0.1', port: ports[(i + 1) % count]! }, agent, agent, peers);
        socket.on('error', () => {});
        await roundTrip(socket);
        calls.ok++;
      } catch (err) {
        calls.failed.push(err);
      } finally {
        socket?.destroy();
        ended[i]! += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    agents, calls, refusedCallers, failedRotations, issuedSerials,
    async nextRound() {
      // The call under way now ends with the first count, the next one (begun after) with the second.
      const target = ended.map((n) => n + 2);
      while (ended.some((n, i) => n < target[i]!)) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
