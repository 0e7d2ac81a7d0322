import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import type { Server as NetServer, Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { CaEndpoints } from '../agent-sdk/ca-client.js';
import { TesseraError } from '../agent-sdk/errors.js';
import type { Orchestrator } from '../agent-sdk/orchestrator.js';
import type { SpiffeId } from '../agent-sdk/spiffe-id.js';
import { X509Source, type RotationOptions } from '../agent-sdk/x509-source.js';
import { type EndpointLimits, listenAttested } from './endpoint.js';
import { SPIFFE_ENDPOINT_SOCKET } from './endpoint-socket.js';
import type { Log } from './log.js';
import { type WorkloadProcess, processStartTime } from './peer-credentials.js';
import { workloadApiService } from './proto.js';
import { workloadApiHandlers } from './workload-api.js';
import { type Workload, Workloads } from './workloads.js';

export interface WorkloadAgentOptions {
  /** The identity the agent asks the CA for workload identities with. */
  readonly orchestrator: Orchestrator;
  /** The CA the workload identities are activated and renewed with. */
  readonly endpoints: CaEndpoints;
  /** Where the Workload API listens (a Unix socket path). */
  readonly socketPath: string;
  readonly log: Log;
  readonly limits?: EndpointLimits;
  /** How the workload SVIDs rotate (the SDK's defaults otherwise). */
  readonly rotation?: RotationOptions;
}

/** What to run as a workload, and the identity it gets. */
export interface WorkloadSpec {
  readonly command: string;
  readonly args?: readonly string[];
  readonly taskId: string;
  readonly sponsor: string;
  readonly scopes?: string[];
  readonly ttlMs?: number;
  /** Passed to child_process.spawn: env (SPIFFE_ENDPOINT_SOCKET is added), uid, gid, stdio, cwd. */
  readonly spawn?: Pick<SpawnOptions, 'env' | 'uid' | 'gid' | 'stdio' | 'cwd'>;
}

/** A workload the agent started. */
export interface SpawnedWorkload {
  readonly id: SpiffeId;
  readonly child: ChildProcess;
  /** Resolves when the child has exited and its identity is released (or releasing failed and was logged). */
  readonly released: Promise<void>;
}

/**
 * `tessera agent`: the SPIFFE Workload API for the processes it starts.
 *
 * Registration is spawning: the agent asks the CA for an agent identity (a
 * spawn ticket, as any orchestrator does), activates it itself (the key is
 * made and kept in this process, as SPIRE's agent does), starts the child,
 * and records the child's pid, uid and start time from the kernel. A call on
 * the socket gets that identity only when SO_PEERCRED names that same
 * process; anyone else gets PERMISSION_DENIED. When the child exits, the
 * identity is released at the CA (revoked, audited as a release) and the
 * streams serving it end.
 *
 * @example
 * const agent = await WorkloadAgent.create({ orchestrator, endpoints, socketPath: '/run/tessera/agent.sock', log });
 * const workload = await agent.spawn({ command: 'python3', args: ['agent.py'], taskId: 'task-7', sponsor: 'user-42' });
 */
export class WorkloadAgent {
  readonly socketPath: string;
  readonly workloads = new Workloads();
  readonly #options: WorkloadAgentOptions;
  readonly #server: grpc.Server;
  readonly #injector: ReturnType<grpc.Server['createConnectionInjector']>;
  readonly #callers = new Map<string, WorkloadProcess>();
  #listener: NetServer | undefined;
  #connections = 0;

  private constructor(options: WorkloadAgentOptions) {
    this.#options = options;
    this.socketPath = options.socketPath;
    this.#server = new grpc.Server({ 'grpc.max_concurrent_streams': 32 });
    this.#server.addService(workloadApiService(), workloadApiHandlers(this.workloads, (call) => this.#callerOf(call.getPeer()), options.log));
    // grpc-js serves our own Unix listener's connections: that listener is where the kernel's credentials are read.
    this.#injector = this.#server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  }

  /**
   * Starts serving on `socketPath`. Resolves once the socket listens.
   *
   * @throws {TesseraError} ERR_CONFIG_INVALID when the path is held by a live socket or is not a socket.
   */
  static async create(options: WorkloadAgentOptions): Promise<WorkloadAgent> {
    const agent = new WorkloadAgent(options);
    agent.#listener = await listenAttested(options.socketPath, (socket, caller) => agent.#accept(socket, caller), options.limits, (caller) => {
      options.log.warn({ event: 'workload.denied', pid: caller.pid, uid: caller.uid, outcome: 'denied', code: 'ERR_LIMIT_EXCEEDED' }, 'a process reached its connection limit; further connections are closed');
    });
    return agent;
  }

  /** The value of SPIFFE_ENDPOINT_SOCKET for this agent's workloads. */
  get endpointSocket(): string {
    return `unix://${this.socketPath}`;
  }

  /**
   * Allocates and activates an identity for a new workload, then starts it
   * with SPIFFE_ENDPOINT_SOCKET pointing here. The child holds no ticket or
   * key in its environment: it asks the Workload API.
   *
   * @throws {TesseraError} whatever spawning at the CA throws (ERR_POLICY_DENIED, ERR_UNAVAILABLE, ...);
   *   ERR_INTERNAL when the child cannot be started (its identity is then released).
   */
  async spawn(spec: WorkloadSpec): Promise<SpawnedWorkload> {
    const { orchestrator, endpoints, log } = this.#options;
    const ticket = await orchestrator.source.caClient.spawn({ taskId: spec.taskId, sponsor: spec.sponsor, scopes: spec.scopes, ttlMs: spec.ttlMs });
    const source = await X509Source.fromTicket({ ticket: ticket.ticket, endpoints, bundle: orchestrator.source.bundle, rotation: this.#options.rotation });
    source.setMaxListeners(0); // one 'update' listener per open stream, bounded by the endpoint's limits
    const child = spawn(spec.command, [...(spec.args ?? [])], {
      ...spec.spawn,
      env: { ...(spec.spawn?.env ?? process.env), [SPIFFE_ENDPOINT_SOCKET]: this.endpointSocket },
    });
    // Read before the child can be reaped: Node reaps it only when 'exit' is delivered, later on this thread.
    const startTime = child.pid === undefined ? undefined : processStartTime(child.pid);
    const uid = spec.spawn?.uid ?? process.getuid!();
    let workload: Workload | undefined;
    if (child.pid !== undefined && startTime !== undefined) {
      workload = { process: { pid: child.pid, uid, startTime }, id: source.getX509Svid().id, source };
      this.workloads.add(workload);
      log.info({ event: 'workload.registered', id: workload.id.toString(), pid: child.pid, uid }, 'workload registered');
      // Revoked at the CA (by an operator, or its task completed): redact it, so its streams end with PERMISSION_DENIED.
      const registered = workload;
      source.on('updateFailed', (err: TesseraError) => {
        if (err.code === 'ERR_REVOKED') {
          this.workloads.remove(registered);
          log.warn({ event: 'workload.revoked', id: registered.id.toString(), pid: registered.process.pid }, 'workload identity revoked at the CA; no longer served');
        }
      });
    }
    let startError: Error | undefined;
    const released = new Promise<void>((resolve) => {
      let ended = false;
      const end = (err?: Error) => {
        startError ??= err;
        if (ended) return;
        ended = true;
        void this.#release(workload, source).then(resolve);
      };
      child.once('exit', () => end());
      child.once('error', end);
    });
    if (!workload) {
      await released;
      throw new TesseraError('ERR_INTERNAL', `could not start ${spec.command}`, { cause: startError });
    }
    return { id: workload.id, child, released };
  }

  /** Stops serving and drops the workload identities still held (their processes keep running without one). */
  async close(): Promise<void> {
    this.#listener?.close();
    this.#injector.destroy();
    this.#server.forceShutdown();
    for (const workload of this.workloads.all()) {
      this.workloads.remove(workload);
      workload.source.close();
    }
  }

  async #release(workload: Workload | undefined, source: X509Source): Promise<void> {
    if (workload) this.workloads.remove(workload);
    try {
      // The CA revokes the identity and audits a release; the key goes with the source.
      await source.release();
      this.#options.log.info({ event: 'workload.released', id: workload?.id.toString() }, 'workload exited; identity released');
    } catch (err) {
      source.close();
      this.#options.log.error({ event: 'workload.release_failed', id: workload?.id.toString(), code: (err as TesseraError).code }, 'workload exited; releasing its identity failed');
    }
  }

  #accept(socket: Socket, caller: WorkloadProcess): void {
    // grpc-js tells a handler only the connection's remoteAddress, which a Unix
    // socket leaves empty; name the connection there so a call finds its caller.
    const tag = `workload-connection:${++this.#connections}`;
    Object.defineProperty(socket, 'remoteAddress', { value: tag });
    this.#callers.set(tag, caller);
    socket.once('close', () => this.#callers.delete(tag));
    this.#injector.injectConnection(socket);
  }

  #callerOf(peer: string): { process: WorkloadProcess | undefined; workload: Workload | undefined } {
    const caller = this.#callers.get(peer);
    return { process: caller, workload: caller && this.workloads.find(caller) };
  }
}
