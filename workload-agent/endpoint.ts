import { lstat, unlink } from 'node:fs/promises';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { TesseraError } from '../agent-sdk/errors.js';
import { type WorkloadProcess, readPeerCredentials } from './peer-credentials.js';

/** How many connections the endpoint accepts. */
export interface EndpointLimits {
  /** Open connections in all (default 1024); the kernel's backlog holds the rest, then refuses. */
  readonly maxConnections?: number;
  /** Open connections from one process (default 16): one flooding process cannot take the slots of the others. */
  readonly maxConnectionsPerProcess?: number;
}

/** A connection the endpoint accepted, with the kernel's word on who made it. */
export type AttestedConnection = (socket: Socket, caller: WorkloadProcess) => void;

/** Told once when a process reaches its connection limit, and again only after it went below it: a flood is one report. */
export type LimitReached = (caller: WorkloadProcess) => void;

/**
 * Listens on the Unix socket `path` and hands each accepted connection, with
 * its caller's peer credentials, to `onConnection`. Connections whose caller
 * the kernel cannot name, or beyond the limits, are closed at once; `onLimit`
 * hears of a process over its own limit.
 *
 * An existing file at `path` is replaced only when it is a socket nobody
 * listens on any more (left by an agent that died); a live socket or any
 * other file is refused. The socket is open to every local user, as SPIRE's
 * is: the kernel's credentials, not file permissions, decide what a caller gets.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when the path is in use or not a socket.
 * @example const server = await listenAttested('/run/tessera/agent.sock', (socket, caller) => ..., {});
 */
export async function listenAttested(path: string, onConnection: AttestedConnection, limits: EndpointLimits = {}, onLimit?: LimitReached): Promise<Server> {
  await removeStaleSocket(path);
  const perProcess = limits.maxConnectionsPerProcess ?? 16;
  const open = new Map<number, number>();
  const atLimit = new Set<number>();
  const server = createServer((socket) => {
    let caller: WorkloadProcess;
    try {
      caller = readPeerCredentials(socket);
    } catch {
      socket.destroy();
      return;
    }
    const count = open.get(caller.pid) ?? 0;
    if (count >= perProcess) {
      socket.destroy();
      if (!atLimit.has(caller.pid)) onLimit?.(caller);
      atLimit.add(caller.pid);
      return;
    }
    open.set(caller.pid, count + 1);
    socket.once('close', () => {
      atLimit.delete(caller.pid);
      const left = (open.get(caller.pid) ?? 1) - 1;
      if (left > 0) open.set(caller.pid, left);
      else open.delete(caller.pid);
    });
    onConnection(socket, caller);
  });
  server.maxConnections = limits.maxConnections ?? 1024;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, readableAll: true, writableAll: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

async function removeStaleSocket(path: string): Promise<void> {
  const found = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!found) return;
  // lstat: a symlink is not a socket, so nothing is ever unlinked through one.
  if (!found.isSocket()) throw new TesseraError('ERR_CONFIG_INVALID', `${path} exists and is not a socket; refusing to replace it`);
  if (await isListening(path)) throw new TesseraError('ERR_CONFIG_INVALID', `${path} is in use by a running process`);
  await unlink(path);
}

function isListening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    // ECONNREFUSED: a socket file with no listener behind it.
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'ECONNREFUSED'));
  });
}
