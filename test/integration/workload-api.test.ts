/**
 * The SPIFFE Workload API served by `tessera agent`: callers named by the
 * kernel (SO_PEERCRED and the process start time), the spec's statuses, the
 * full state at once and after every rotation, release on exit.
 */
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { silentLogger } from '../../ca/log.js';
import { WorkloadAgent } from '../../workload-agent/agent.js';
import { type AgentWorld, CALL_FIXTURE, callAsStranger, linesOf, recordingLog, startAgentWorld } from '../helpers/workload-agent.js';

let world: AgentWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const spawnCall = (w: AgentWorld, args: string[], ttlMs = 60_000) =>
  w.agent.spawn({ command: process.execPath, args: [CALL_FIXTURE, ...args], taskId: 'task-1', sponsor: 'user-1', ttlMs, spawn: { stdio: ['pipe', 'pipe', 'inherit'] } });

const statusOf = async (w: AgentWorld) => (await w.t.admin.listAgents({ orchestrator: 'host-1' })).map((a) => a.status.replace('AGENT_STATUS_', ''));

describe('the Workload API', () => {
  it('ok/FetchX509SVID: the first message at once, a new one after every rotation, each the full state', async () => {
    world = await startAgentWorld({ rotation: { at: 0.5, jitter: 0 } });
    const workload = await spawnCall(world, ['FetchX509SVID'], 4000);
    const lines = linesOf(workload.child);
    const first = (await lines.next()).value;
    expect(first.id).toBe(workload.id.toString());
    expect(first.keyBytes).toBeGreaterThan(100);
    const second = (await lines.next()).value;
    expect(second.id).toBe(workload.id.toString());
    expect(second.serial).not.toBe(first.serial);
    workload.child.stdin!.end();
    await workload.released;
  });

  it('ok/bundles and JWT: FetchX509Bundles and FetchJWTBundles keyed by spiffe://td, FetchJWTSVID for one audience', async () => {
    world = await startAgentWorld();
    for (const method of ['FetchX509Bundles', 'FetchJWTBundles']) {
      const workload = await spawnCall(world, [method]);
      const lines = linesOf(workload.child);
      expect((await lines.next()).value.bundles).toEqual(['spiffe://tessera.local']);
      workload.child.stdin!.end();
      expect((await lines.next()).value.code).toBe(status.CANCELLED);
    }
    const jwt = await spawnCall(world, ['FetchJWTSVID', 'audience=spiffe://tessera.local/service/search']);
    const lines = linesOf(jwt.child);
    const fetched = (await lines.next()).value;
    expect(fetched.svids).toEqual([jwt.id.toString()]);
    const claims = JSON.parse(Buffer.from(String(fetched.token).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims.sub).toBe(jwt.id.toString());
    expect(claims.aud).toBe('spiffe://tessera.local/service/search');
  });

  it('fail/jwt: two audiences are INVALID_ARGUMENT; a SPIFFE ID the process does not hold is PERMISSION_DENIED', async () => {
    world = await startAgentWorld();
    const two = await spawnCall(world, ['FetchJWTSVID', 'audience=spiffe://tessera.local/service/a,spiffe://tessera.local/service/b']);
    expect((await linesOf(two.child).next()).value.code).toBe(status.INVALID_ARGUMENT);
    const other = await spawnCall(world, ['FetchJWTSVID', 'spiffe-id=spiffe://tessera.local/agent/host-1/task-1/someone-else']);
    expect((await linesOf(other.child).next()).value).toEqual({ code: status.PERMISSION_DENIED, details: 'this process holds no such SPIFFE ID' });
  });

  it('fail/no-header: INVALID_ARGUMENT, even for a registered workload, and logged as a denial', async () => {
    const { log, warnings: denials } = recordingLog();
    world = await startAgentWorld({ log });
    const workload = await spawnCall(world, ['FetchX509SVID', 'no-header']);
    expect((await linesOf(workload.child).next()).value.code).toBe(status.INVALID_ARGUMENT);
    expect(denials).toEqual([{ event: 'workload.denied', method: 'FetchX509SVID', pid: workload.child.pid, uid: process.getuid!(), outcome: 'denied', code: 'ERR_INVALID_ARGUMENT' }]);
  });

  it('fail/unregistered: a process the agent did not start gets PERMISSION_DENIED and nothing else', async () => {
    const { log, warnings: denials } = recordingLog();
    world = await startAgentWorld({ log });
    await spawnCall(world, ['FetchX509SVID']); // a registered workload exists
    for (const method of ['FetchX509SVID', 'FetchJWTSVID', 'FetchJWTBundles']) {
      const stranger = callAsStranger(world, [method]);
      const line = (await linesOf(stranger).next()).value;
      expect(line).toEqual({ code: status.PERMISSION_DENIED, details: 'no identity is registered for this process' });
      // The denial is logged with what the kernel said of the caller.
      expect(denials.at(-1)).toEqual({ event: 'workload.denied', method, pid: stranger.pid, uid: process.getuid!(), outcome: 'denied', code: 'ERR_PERMISSION_DENIED' });
    }
  });

  it('fail/other-user: the registered process after it becomes another user (nobody) gets PERMISSION_DENIED', async () => {
    world = await startAgentWorld();
    const workload = await spawnCall(world, ['FetchX509SVID', 'setuid=nobody']);
    expect((await linesOf(workload.child).next()).value.code).toBe(status.PERMISSION_DENIED);
  });

  it('ok/WIT: FetchWITSVID answers UNIMPLEMENTED', async () => {
    world = await startAgentWorld();
    const workload = await spawnCall(world, ['FetchWITSVID']);
    expect((await linesOf(workload.child).next()).value.code).toBe(status.UNIMPLEMENTED);
  });

  it('ok/exit: a workload that exits mid-stream has its identity released within a second', async () => {
    world = await startAgentWorld();
    const workload = await spawnCall(world, ['FetchX509SVID']);
    await linesOf(workload.child).next();
    const exited = new Promise<number>((resolve) => workload.child.once('exit', () => resolve(performance.now())));
    workload.child.kill('SIGKILL');
    const exitedAt = await exited;
    await workload.released;
    expect(performance.now() - exitedAt).toBeLessThan(1000);
    expect(await statusOf(world)).toEqual(['RELEASED']);
    expect(world.agent.workloads.size).toBe(0);
  });

  it('fail/revoked: an identity the operator revokes is redacted: its stream ends with PERMISSION_DENIED, new calls are refused', async () => {
    world = await startAgentWorld();
    const workload = await spawnCall(world, ['FetchX509SVID']);
    const lines = linesOf(workload.child);
    await lines.next();
    await world.t.admin.revoke({ agent: workload.id.toString() });
    expect((await lines.next()).value).toEqual({ code: status.PERMISSION_DENIED, details: 'this process no longer holds an identity (released or revoked)' });
    expect(world.agent.workloads.size).toBe(0);
    workload.child.kill();
    await workload.released;
  });

  it('fail/flood: one process opening hundreds of connections is cut at its limit, logged once; a workload is still served', async () => {
    const { log, warnings: denials } = recordingLog();
    world = await startAgentWorld({ limits: { maxConnectionsPerProcess: 8 }, log });
    let closed = 0;
    let allButLimitClosed!: () => void;
    const cut = new Promise<void>((resolve) => (allButLimitClosed = resolve));
    const sockets = Array.from({ length: 300 }, () => connect(world!.agent.socketPath).on('error', () => {}).once('close', () => {
      if (++closed === 300 - 8) allButLimitClosed();
    }));
    // The agent closes every connection of this process beyond its 8th.
    await cut;
    const workload = await spawnCall(world, ['FetchX509SVID']);
    expect((await linesOf(workload.child).next()).value.id).toBe(workload.id.toString());
    expect(closed).toBe(300 - 8); // the 8 within the limit are kept
    // One denial for the burst, not 292.
    expect(denials).toEqual([{ event: 'workload.denied', pid: process.pid, uid: process.getuid!(), outcome: 'denied', code: 'ERR_LIMIT_EXCEEDED' }]);
    for (const s of sockets) s.destroy();
  });

  it('fail/socket-in-use: a live socket is refused, a stale one replaced, a regular file refused', async () => {
    world = await startAgentWorld();
    const options = { orchestrator: world.orchestrator, endpoints: world.t.endpoints, log: silentLogger };
    await expect(WorkloadAgent.create({ ...options, socketPath: world.agent.socketPath })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });

    const stale = join(world.dir, 'stale.sock');
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((resolve) => holder.once('exit', resolve));
    const replaced = await WorkloadAgent.create({ ...options, socketPath: stale });
    await replaced.close();

    const file = join(world.dir, 'file');
    await writeFile(file, 'keep me');
    await expect(WorkloadAgent.create({ ...options, socketPath: file })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
  });
});
