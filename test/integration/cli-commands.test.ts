// The operator commands that check, prepare and inspect: config check, policy
// check, ca init, agents list --orchestrators, completion.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attestOrchestrator } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { tessera } from '../helpers/ca-process.js';
import { closeAll, spawnAgent } from '../helpers/task-agents.js';

let dir: string;
let t: TestCa | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cmd-'));
});
afterEach(async () => {
  closeAll();
  await t?.close();
  t = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('config check and policy check', () => {
  it('ok/a valid configuration and policy pass and nothing is created; fail/a bad one names the file and the problem', async () => {
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ orchestrators: { 'orch-a': { tasks: ['build-*'], scopes: ['repo:read'] } } }));
    const config = join(dir, 'ca.json');
    await writeFile(config, JSON.stringify({ trustDomain: 'example.org', policyFile: policy }));
    const ok = await tessera('config', 'check', '--config', config, '--data-dir', join(dir, 'data'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`configuration OK: trust domain example.org, data directory ${join(dir, 'data')}, policy ${policy}`);
    const json = JSON.parse((await tessera('config', 'check', '--config', config, '--data-dir', join(dir, 'data'), '--json')).stdout) as { ttl: { agentMs: number } };
    expect(json.ttl.agentMs).toBe(300_000);

    const checked = await tessera('policy', 'check', policy);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(new RegExp(`^policy OK: ${policy} \\(digest [0-9a-f]{64}\\)`));
    expect(existsSync(join(dir, 'data'))).toBe(false);

    await writeFile(policy, '{\n  "orchestrators": {\n    "orch-a": { "tasks": ["build-*"], }\n  }\n}');
    const syntax = await tessera('policy', 'check', policy);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toContain(`ERR_POLICY_INVALID: ${policy}:3:39: not JSON`);
    const viaConfig = await tessera('config', 'check', '--config', config, '--data-dir', join(dir, 'data'));
    expect(viaConfig.code).toBe(1);
    expect(viaConfig.stderr).toContain(`${policy}:3:39`);

    await writeFile(config, JSON.stringify({ trustDomain: 'Example.ORG', ttl: { agent: '2h' } }));
    const bad = await tessera('config', 'check', '--config', config);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`invalid configuration (${config} and the flags)`);
    expect(bad.stderr).toContain('trustDomain: ');
    expect(bad.stderr).toContain('ttl.agent: must not exceed ttl.agentMax');
  });
});

describe('ca init', () => {
  it('ok/makes the data directory and keys once; ca start and a second init keep the same root', async () => {
    const dataDir = join(dir, 'data');
    const first = await tessera('ca', 'init', '--data-dir', dataDir, '--trust-domain', 'example.org', '--json');
    expect(first.code).toBe(0);
    const made = JSON.parse(first.stdout) as { bundle: string; rootSha256: string; trustDomain: string; keyEncryptionKey: string; keyEncryptionKeyId: string };
    const root = new X509Certificate(await readFile(made.bundle));
    expect(made).toMatchObject({ trustDomain: 'example.org', bundle: join(dataDir, 'keys/root-cert.pem') });
    expect(made.rootSha256).toBe(root.fingerprint256.replaceAll(':', '').toLowerCase());
    expect(root.subjectAltName).toContain('spiffe://example.org');
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    // The key-encryption key that seals the signing keys in the store, private like the root key.
    expect(made.keyEncryptionKey).toBe(join(dataDir, 'keys/kek'));
    expect((await stat(made.keyEncryptionKey)).mode & 0o777).toBe(0o600);

    const again = JSON.parse((await tessera('ca', 'init', '--data-dir', dataDir, '--trust-domain', 'example.org', '--json')).stdout) as { rootSha256: string; keyEncryptionKeyId: string };
    expect(again.rootSha256).toBe(made.rootSha256);
    expect(again.keyEncryptionKeyId).toBe(made.keyEncryptionKeyId);
    t = await startTestCa({ config: { dataDir, trustDomain: 'example.org' } });
    expect(t.ca.authority.bundle.certificates[0]!.raw.equals(root.raw)).toBe(true);
  });
});

describe('agents list --orchestrators', () => {
  it('ok/orchestrators follow the agents, in SPIFFE ID order; without the flag only agents', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-z');
    const agent = await spawnAgent(t, orchestrator, { taskId: 'task-o' });
    const socket = t.ca.adminSocket;
    const both = (await tessera('agents', 'list', '--orchestrators', '--json', '--socket', socket)).stdout.trim().split('\n')
      .map((l) => JSON.parse(l) as { spiffeId: string; kind: string; status: string });
    expect(both.map((a) => [a.spiffeId, a.kind, a.status])).toEqual([
      [agent.svid.id.toString(), 'agent', 'active'], ['spiffe://tessera.local/orchestrator/orch-z', 'orchestrator', 'active'],
    ]);
    const text = await tessera('agents', 'list', '--orchestrators', '--orchestrator', 'orch-z', '--socket', socket);
    expect(text.stdout).toMatch(/^active {3}spiffe:\/\/tessera\.local\/orchestrator\/orch-z orchestrator depth=0/m);
    const agentsOnly = (await tessera('agents', 'list', '--json', '--socket', socket)).stdout.trim().split('\n');
    expect(agentsOnly).toHaveLength(1);
    expect((await tessera('agents', 'list', '--orchestrators', '--task', 'task-o', '--json', '--socket', socket)).stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('completion', () => {
  it('ok/the bash script completes commands and each command\'s own options', async () => {
    const script = join(dir, 'tessera.bash');
    await writeFile(script, (await tessera('completion', 'bash')).stdout);
    const complete = async (...words: string[]) => (await promisify(execFile)('bash', ['-c',
      `source ${script}; COMP_WORDS=(tessera ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _tessera; echo "\${COMPREPLY[@]}"`])).stdout.trim();
    expect(await complete('ag')).toBe('agents agent');
    expect(await complete('tok')).toBe('token');
    expect(await complete('agents', '')).toBe('list show --help');
    expect(await complete('token', 'create', '--data-dir', '/x', '--o')).toBe('--orchestrator');
    expect(await complete('revoke', '--s')).toBe('--serial --socket');
    const zsh = await tessera('completion', 'zsh');
    expect(zsh.stdout).toMatch(/^autoload -U \+X bashcompinit && bashcompinit\n/);
  });
});
