// How the CA's gRPC servers stop, so that a stop always ends.
import type * as grpc from '@grpc/grpc-js';
import type { OpenCalls } from './api/call-observer.js';

/** How long the calls in flight get to finish once the CA stops; the ones still open then are cancelled. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Stops `servers`: no new calls (GOAWAY on every connection), the calls in
 * flight get `graceMs` to finish, and those still open then are cancelled.
 * Resolves with the calls that were cancelled (method -> count; empty when
 * every call finished).
 *
 * The CA's own count of open calls is awaited as well as grpc-js's
 * tryShutdown: since Node 24 an http2 server's close() closes its sessions
 * itself (nodejs/node#57586), so on connections handed to grpc-js by a
 * connection injector tryShutdown finds them closed and calls back at once,
 * with calls still running. The server streams that never end by themselves
 * (health Watch, WatchTrustBundle, WatchRevocations) are ended by the CA
 * before this.
 */
export async function stopServing(servers: readonly grpc.Server[], open: OpenCalls, graceMs = SHUTDOWN_GRACE_MS): Promise<Record<string, number>> {
  let timer: NodeJS.Timeout | undefined;
  const finished = Promise.all([...servers.map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve()))), open.idle()]);
  const graceOver = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([finished, graceOver]);
  clearTimeout(timer);
  const cut = open.methods;
  for (const server of servers) server.forceShutdown();
  return cut;
}
