import { EventEmitter } from 'node:events';
import type { SpiffeId } from '../agent-sdk/spiffe-id.js';
import type { X509Source } from '../agent-sdk/x509-source.js';
import { type WorkloadProcess, isSameProcess } from './peer-credentials.js';

/** One process the agent started, and the identity it holds for it. */
export interface Workload {
  /** The process as the kernel named it when the agent spawned it. */
  readonly process: Pick<WorkloadProcess, 'pid' | 'uid' | 'startTime'>;
  readonly id: SpiffeId;
  /** The workload's SVID and key, kept current by the agent; the key never leaves this process except over the Workload API to this workload. */
  readonly source: X509Source;
}

/**
 * The workloads the agent serves, by pid. A caller is a workload only when
 * pid, start time and uid all match what the agent recorded at spawn and the
 * process is still that one. Emits `'removed'` (workload) when one goes, so
 * the streams serving it end.
 */
export class Workloads extends EventEmitter {
  readonly #byPid = new Map<number, Workload>();

  constructor() {
    super();
    // One listener per open stream; the endpoint's connection limits bound them, not Node's warning at 10.
    this.setMaxListeners(0);
  }

  add(workload: Workload): void {
    this.#byPid.set(workload.process.pid, workload);
  }

  /** The workload that `caller` is, or undefined. Never throws. */
  find(caller: WorkloadProcess): Workload | undefined {
    const workload = this.#byPid.get(caller.pid);
    if (!workload || workload.process.startTime !== caller.startTime || workload.process.uid !== caller.uid) return undefined;
    // The connection may outlive the process that opened it (a descriptor passed on or inherited).
    return isSameProcess(caller) ? workload : undefined;
  }

  remove(workload: Workload): void {
    if (this.#byPid.get(workload.process.pid) !== workload) return;
    this.#byPid.delete(workload.process.pid);
    this.emit('removed', workload);
  }

  get size(): number {
    return this.#byPid.size;
  }

  all(): Workload[] {
    return [...this.#byPid.values()];
  }
}
