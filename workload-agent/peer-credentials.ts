import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import koffi from 'koffi';
import { TesseraError } from '../agent-sdk/errors.js';

/**
 * Who is on the other end of an accepted Unix socket, as the kernel says:
 * never what the caller claims. `startTime` tells two processes that had the
 * same pid apart.
 */
export interface WorkloadProcess {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot when the process started. */
  readonly startTime: bigint;
}

// Node has no API for SO_PEERCRED. koffi calls libc's getsockopt directly and
// ships prebuilt binaries in npm packages (no compiler on the machine, no
// addon of our own to build and maintain). Values from Linux's
// asm-generic/socket.h, which x86-64 and arm64 use.
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

let getsockopt: ((fd: number, level: number, name: number, value: object, length: number[]) => number) | undefined;

function bindGetsockopt() {
  if (process.platform !== 'linux') throw new TesseraError('ERR_CONFIG_INVALID', 'workload attestation needs Linux (SO_PEERCRED and /proc)');
  if (!getsockopt) {
    const libc = koffi.load('libc.so.6');
    // struct ucred from <sys/socket.h>: pid_t, uid_t, gid_t.
    const ucred = koffi.struct('tessera_ucred', { pid: 'int32', uid: 'uint32', gid: 'uint32' });
    getsockopt = libc.func('getsockopt', 'int', ['int', 'int', 'int', koffi.out(koffi.pointer(ucred)), koffi.inout(koffi.pointer('uint32'))]);
  }
  return getsockopt;
}

/**
 * The kernel's credentials of the process that connected `socket` (an
 * accepted Unix socket): pid, uid and gid as of its connect(), plus that
 * process's start time. The socket's file descriptor is read from its libuv
 * handle, which Node keeps for every accepted pipe.
 *
 * @throws {TesseraError} ERR_PERMISSION_DENIED when the kernel gives no
 *   credentials or the process is already gone; ERR_CONFIG_INVALID off Linux.
 * @example const caller = readPeerCredentials(socket); // in net.Server's 'connection'
 */
export function readPeerCredentials(socket: Socket): WorkloadProcess {
  const call = bindGetsockopt();
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new TesseraError('ERR_PERMISSION_DENIED', 'the connection has no file descriptor to ask the kernel about');
  const credentials = { pid: 0, uid: 0, gid: 0 };
  const length = [12];
  if (call(fd, SOL_SOCKET, SO_PEERCRED, credentials, length) !== 0 || length[0] !== 12 || credentials.pid <= 0) {
    throw new TesseraError('ERR_PERMISSION_DENIED', 'the kernel gave no peer credentials for the connection');
  }
  const startTime = processStartTime(credentials.pid);
  if (startTime === undefined) throw new TesseraError('ERR_PERMISSION_DENIED', 'the calling process is gone');
  return { ...credentials, startTime };
}

/**
 * When process `pid` started (field 22 of /proc/<pid>/stat), or undefined when
 * there is no such process. A pid the kernel hands to a new process gets a
 * new start time, so (pid, startTime) names one process for the life of the
 * machine. Never throws.
 *
 * @example processStartTime(child.pid!) === registered.startTime
 */
export function processStartTime(pid: number): bigint | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // proc(5): "pid (comm) state ..."; comm may hold spaces and ')', so count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After comm, field 3 (state) is index 0, so field 22 (starttime) is index 19.
  // A zombie has exited; only its exit status is left for its parent to collect.
  if (fields[0] === 'Z') return undefined;
  const startTime = fields[19];
  return startTime !== undefined && /^\d+$/.test(startTime) ? BigInt(startTime) : undefined;
}

/** Whether `workload` is still the same running process (its pid not reused). Never throws. */
export function isSameProcess(workload: Pick<WorkloadProcess, 'pid' | 'startTime'>): boolean {
  return processStartTime(workload.pid) === workload.startTime;
}
