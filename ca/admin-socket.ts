import { lstat, rm } from 'node:fs/promises';
import net from 'node:net';
import { TesseraError } from '../agent-sdk/errors.js';

/**
 * Makes `path` free for the CA's admin socket: removes a stale socket a CA
 * left behind, and refuses to touch anything else, so a live CA's socket is
 * never taken over and a file that is not a socket is never deleted.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when a process answers on the socket, or the path is not a socket.
 * @example await claimAdminSocket('/var/lib/tessera/admin.sock'); server.bindAsync('unix:/var/lib/tessera/admin.sock', ...)
 */
export async function claimAdminSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!stat) return;
  if (!stat.isSocket()) throw new TesseraError('ERR_CONFIG_INVALID', `the admin socket path ${path} exists and is not a socket; choose another --socket`);
  if (await answers(path)) {
    throw new TesseraError('ERR_CONFIG_INVALID', `the admin socket ${path} is in use by a running CA; stop it first, or give this one another --socket`);
  }
  await rm(path, { force: true });
}

/** True when a process accepts connections on the Unix socket at `path` (a stale one refuses them). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve(false) : reject(err)));
  });
}
