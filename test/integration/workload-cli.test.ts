/**
 * `tessera agent -- CMD` and `tessera run -- CMD` as a user runs them: real
 * processes, a real CA, the built CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { derToPem } from '../../agent-sdk/tls-material.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { TESSERA_MAIN } from '../helpers/ca-process.js';
import { CALL_FIXTURE } from '../helpers/workload-agent.js';

let t: TestCa | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  t = dir = undefined;
});

function tesseraWith(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TESSERA_MAIN, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

// A program that only reads files: waits for two rewrites of svid.pem and for two SIGHUPs, reports what it saw.
const FILE_READER = `
const fs = require('fs'), path = require('path'), dir = process.env.TESSERA_SVID_DIR;
let hups = 0; process.on('SIGHUP', () => hups++);
const read = () => fs.readFileSync(path.join(dir, 'svid.pem'), 'utf8');
const seen = new Set([read()]);
const timer = setInterval(() => {
  seen.add(read());
  if (seen.size >= 3 && hups >= 2) {
    clearInterval(timer);
    const mode = (f) => (fs.statSync(path.join(dir, f)).mode & 0o777).toString(8);
    console.log(JSON.stringify({ certificates: seen.size, hups, key: mode('key.pem'), dir: mode('.'), bundle: fs.readFileSync(path.join(dir, 'bundle.pem'), 'utf8').length > 0, ticket: process.env.TESSERA_SPAWN_TICKET ?? null }));
  }
}, 50);`;

describe('tessera agent and tessera run', () => {
  it('ok/run: the SVID as files, rewritten on every rotation with a signal to the child, released when it exits', async () => {
    t = await startTestCa();
    const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    const spawned = await orchestrator.spawn('task-1', { sponsor: 'user-1', ttlMs: 3000 });
    orchestrator.close();

    const result = await tesseraWith(['run', '--signal', 'SIGHUP', '--log-level', 'warn', '--', process.execPath, '-e', FILE_READER], { ...process.env, ...spawned.env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ certificates: 3, hups: 2, key: '600', dir: '700', bundle: true, ticket: null });
    const [listed] = await t.admin.listAgents({ orchestrator: 'orch-a' });
    expect(listed?.status).toBe('AGENT_STATUS_RELEASED');
  });

  it('fail/run: without a spawn ticket in the environment it refuses and starts nothing', async () => {
    const result = await tesseraWith(['run', '--', 'true'], { PATH: process.env.PATH });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERR_INVALID_ARGUMENT');
  });

  it('ok/agent: attests with a join token, serves CMD its identity over the Workload API, releases it when CMD exits', async () => {
    t = await startTestCa();
    dir = await mkdtemp(join(tmpdir(), 'tessera-agent-cli-'));
    await chmod(dir, 0o755);
    const { token } = await t.admin.createJoinToken({ orchestrator: 'host-1' });
    await writeFile(join(dir, 'token'), token, { mode: 0o600 });
    await writeFile(join(dir, 'bundle.pem'), t.ca.authority.bundle.authorities.map(derToPem).join(''));
    const result = await tesseraWith([
      'agent', '--ca', t.endpoints.address, '--ca-mtls', t.endpoints.mtlsAddress, '--bundle', join(dir, 'bundle.pem'),
      '--join-token-file', join(dir, 'token'), '--socket', `unix://${join(dir, 'agent.sock')}`, '--task', 'task-1', '--sponsor', 'user-1',
      '--log-level', 'warn', '--', process.execPath, CALL_FIXTURE, 'FetchJWTSVID',
    ], process.env);
    expect(result.code, result.stderr).toBe(0);
    const [started, fetched, final] = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(started!.agent).toBe('spiffe://tessera.local/orchestrator/host-1');
    expect(fetched!.svids).toEqual([started!.workload]);
    expect(final).toEqual({ code: 0 });
    const [listed] = await t.admin.listAgents({ orchestrator: 'host-1' });
    expect(listed).toMatchObject({ spiffeId: started!.workload, status: 'AGENT_STATUS_RELEASED' });
  });
});
