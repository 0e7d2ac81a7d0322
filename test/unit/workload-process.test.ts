/**
 * A workload is one process: (pid, start time, uid) from the kernel. A pid
 * that comes back for another process, or a process that is gone, is not it.
 */
import { spawn } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSameProcess, processStartTime, readPeerCredentials } from '../../workload-agent/peer-credentials.js';
import { type Workload, Workloads } from '../../workload-agent/workloads.js';

const exited = (child: ReturnType<typeof spawn>) => new Promise((resolve) => child.once('exit', resolve));

describe('workload processes', () => {
  it('ok/peer-credentials: SO_PEERCRED names the connecting process, its uid and gid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-peercred-'));
    const path = join(dir, 's.sock');
    const accepted = new Promise<Socket>((resolve) => createServer(resolve).listen(path, () => connect(path)));
    const socket = await accepted;
    const caller = readPeerCredentials(socket);
    expect(caller).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!(), startTime: processStartTime(process.pid) });
    socket.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('fail/reused-pid: a pid with another start time, or a process that exited, is not the registered workload', async () => {
    const child = spawn('sleep', ['30']);
    const startTime = processStartTime(child.pid!)!;
    expect(startTime).toBeGreaterThan(0n);
    const workloads = new Workloads();
    const workload = { process: { pid: child.pid!, uid: process.getuid!(), startTime }, id: undefined, source: undefined } as unknown as Workload;
    workloads.add(workload);
    const caller = { pid: child.pid!, uid: process.getuid!(), gid: process.getgid!(), startTime };

    expect(workloads.find(caller)).toBe(workload);
    // The same pid handed to a later process: its start time differs.
    expect(workloads.find({ ...caller, startTime: startTime + 1n })).toBeUndefined();
    expect(workloads.find({ ...caller, uid: 65534 })).toBeUndefined();

    child.kill('SIGKILL');
    await exited(child);
    expect(processStartTime(child.pid!)).toBeUndefined();
    expect(isSameProcess(caller)).toBe(false);
    expect(workloads.find(caller)).toBeUndefined();
  });

  it('ok/comm: a process name with spaces and parentheses does not shift the fields', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-comm-'));
    const odd = join(dir, 'a) b (c');
    await symlink('/bin/sleep', odd);
    const child = spawn(odd, ['30']);
    const stat = await readFile(`/proc/${child.pid}/stat`, 'latin1');
    expect(stat).toContain('(a) b (c)');
    expect(processStartTime(child.pid!)).toBe(processStartTime(child.pid!));
    expect(processStartTime(child.pid!)! > processStartTime(process.pid)!).toBe(true);
    child.kill('SIGKILL');
    await exited(child);
    await rm(dir, { recursive: true, force: true });
  });
});
