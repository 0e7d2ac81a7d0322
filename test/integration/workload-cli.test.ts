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
import { type TestCert, createIntermediate, createLeaf, createRoot } from '../helpers/pki.js';
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

  /** `tessera agent` against `t`, with the bundle written to `dir` and `attestor` flags, serving CALL_FIXTURE `method`. */
  const runAgentCli = async (attestor: string[], method = 'FetchJWTSVID') => {
    await writeFile(join(dir!, 'bundle.pem'), t!.ca.authority.bundle.authorities.map(derToPem).join(''));
    return tesseraWith([
      'agent', '--ca', t!.endpoints.address, '--ca-mtls', t!.endpoints.mtlsAddress, '--bundle', join(dir!, 'bundle.pem'), ...attestor,
      '--socket', `unix://${join(dir!, 'agent.sock')}`, '--task', 'task-1', '--sponsor', 'user-1', '--log-level', 'warn', '--', process.execPath, CALL_FIXTURE, method,
    ], process.env);
  };
  /** A host certificate (leaf, then its issuing CA) and its key, as PEM files in `dir`; the flags that name them. */
  const x509popFiles = async (leaf: TestCert, issuer: TestCert) => {
    await writeFile(join(dir!, 'host.pem'), [leaf.der, issuer.der].map(derToPem).join(''));
    await writeFile(join(dir!, 'host-key.pem'), leaf.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    return ['--x509pop-cert', join(dir!, 'host.pem'), '--x509pop-key', join(dir!, 'host-key.pem')];
  };

  /** The agent attested as `orchestrator`, CMD got its own SPIFFE ID over the Workload API, and the CA lists it released. */
  const expectServedAndReleased = async (result: { code: number; stdout: string; stderr: string }, orchestrator: string) => {
    expect(result.code, result.stderr).toBe(0);
    const [started, fetched, final] = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(started!.agent).toBe(`spiffe://tessera.local/orchestrator/${orchestrator}`);
    expect(fetched!.svids).toEqual([started!.workload]);
    expect(final).toEqual({ code: 0 });
    const [listed] = await t!.admin.listAgents({ orchestrator });
    expect(listed).toMatchObject({ spiffeId: started!.workload, status: 'AGENT_STATUS_RELEASED' });
  };

  it('ok/agent x509pop: attests with a host certificate and its key (its CN names the orchestrator), serves CMD, releases it', async () => {
    const root = await createRoot({ cn: 'Hosts Root' });
    const issuer = await createIntermediate(root, { cn: 'Hosts Issuing CA' });
    t = await startTestCa({ config: { x509popRootsPem: root.cert.toString() } });
    dir = await mkdtemp(join(tmpdir(), 'tessera-agent-cli-'));
    await chmod(dir, 0o755);
    const result = await runAgentCli(await x509popFiles(await createLeaf(issuer, { cn: 'host-7' }), issuer));
    await expectServedAndReleased(result, 'host-7');
  });

  it('fail/agent attestors: none, both, half of x509pop, or a certificate from another root: refused, CMD never started', async () => {
    const root = await createRoot({ cn: 'Hosts Root' });
    const issuer = await createIntermediate(root, { cn: 'Hosts Issuing CA' });
    t = await startTestCa({ config: { x509popRootsPem: root.cert.toString() } });
    dir = await mkdtemp(join(tmpdir(), 'tessera-agent-cli-'));
    const pop = await x509popFiles(await createLeaf(issuer, { cn: 'host-7' }), issuer);
    await writeFile(join(dir, 'token'), (await t.admin.createJoinToken({ orchestrator: 'host-1' })).token, { mode: 0o600 });
    for (const flags of [[], [...pop, '--join-token-file', join(dir, 'token')], pop.slice(0, 2)]) {
      const result = await runAgentCli(flags);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('ERR_INVALID_ARGUMENT');
      expect(result.stdout).toBe(''); // nothing started: the first line is printed once CMD runs
    }
    const otherRoot = await createRoot({ cn: 'Other Root' });
    const otherIssuer = await createIntermediate(otherRoot);
    const foreign = await runAgentCli(await x509popFiles(await createLeaf(otherIssuer, { cn: 'host-7' }), otherIssuer));
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('ERR_ATTESTATION_FAILED');
    expect(foreign.stdout).toBe('');
    expect(await t.admin.listAgents({ orchestrator: 'host-7' })).toEqual([]);
  });

  it('ok/agent: attests with a join token, serves CMD its identity over the Workload API, releases it when CMD exits', async () => {
    t = await startTestCa();
    dir = await mkdtemp(join(tmpdir(), 'tessera-agent-cli-'));
    await chmod(dir, 0o755);
    const { token } = await t.admin.createJoinToken({ orchestrator: 'host-1' });
    await writeFile(join(dir, 'token'), token, { mode: 0o600 });
    const result = await runAgentCli(['--join-token-file', join(dir, 'token')]);
    await expectServedAndReleased(result, 'host-1');
  });
});
