/**
 * A lock shared by every test process on this machine, for a test that needs a
 * fixed resource (the README's default ports): two suites run at once (CI under
 * contention, or a developer beside CI) take turns instead of colliding. The lock
 * file holds the holder's PID; one left by a process that died is taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** @example await withHostLock('default-ports', () => runReadmeBlock()); */
export async function withHostLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const path = join(tmpdir(), `tessera-test-${name}.lock`);
  for (;;) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (holderDied(await readFile(path, 'utf8').catch(() => ''))) await rm(path, { force: true });
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

// An empty file is one being written (or just removed): wait rather than take it.
function holderDied(contents: string): boolean {
  const pid = Number(contents);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
