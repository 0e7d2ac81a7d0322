import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelStore } from '../../ca/store/level-store.js';
import { auditKey } from '../../ca/audit/record.js';
import { TESSERA_MAIN as MAIN, tessera } from '../helpers/ca-process.js';

let dataDir: string;
let ca: ChildProcess | undefined;
let caLog = '';
afterEach(async () => {
  ca?.kill('SIGKILL');
  ca = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function startCa(): Promise<{ publicAddress: string }> {
  ca = spawn(process.execPath, [MAIN, 'ca', 'start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--mtls-listen', '127.0.0.1:0', '--log-level', 'debug']);
  ca.stderr!.on('data', (chunk: Buffer) => (caLog += chunk.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: ca!.stdout! }).once('line', resolve);
    ca!.once('exit', (code) => reject(new Error(`CA exited with ${code}: ${caLog}`)));
  });
  return JSON.parse(first) as { publicAddress: string };
}

describe('tessera command', () => {
  it('ok/ca start, token create, audit list, SIGTERM, then audit verify names a tampered record', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
    const started = await startCa();
    expect(started.publicAddress).toMatch(/^127\.0\.0\.1:\d+$/);

    const created = await tessera('token', 'create', '--orchestrator', 'orch-cli', '--ttl', '5m', '--data-dir', dataDir);
    expect(created.code).toBe(0);
    const { token, spiffeId } = JSON.parse(created.stdout) as { token: string; spiffeId: string };
    expect(spiffeId).toBe('spiffe://tessera.local/orchestrator/orch-cli');

    const listed = await tessera('audit', 'list', '--json', '--data-dir', dataDir);
    expect(listed.code).toBe(0);
    const records = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { operation: string; subject: string });
    expect(records.map((r) => r.operation)).toEqual(['authority.root.adopt', 'authority.x509.prepare', 'authority.x509.activate', 'authority.jwt.prepare', 'authority.jwt.activate', 'ca.server_svid', 'join_token.create']);
    expect(listed.stdout).not.toContain(token);

    expect((await tessera('audit', 'verify', '--data-dir', dataDir)).stdout).toMatch(/^audit log OK: 7 records/);

    const exited = new Promise<number | null>((resolve) => ca!.once('exit', resolve));
    ca!.kill('SIGTERM');
    expect(await exited).toBe(0);
    ca = undefined;

    // Offline: the CA is stopped, so the command reads the data directory itself.
    const offline = await tessera('audit', 'verify', '--data-dir', dataDir);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/^audit log OK: 7 records, 1 signed checkpoints/);

    // The token never reached a log or the store, at the most verbose log level.
    expect(caLog).not.toContain(token);
    for (const file of await readdir(join(dataDir, 'store'))) {
      expect((await readFile(join(dataDir, 'store', file))).includes(token), file).toBe(false);
    }

    const store = await LevelStore.create(join(dataDir, 'store'));
    const record = JSON.parse(Buffer.from((await store.get(auditKey(2)))!).toString()) as Record<string, unknown>;
    await store.write([{ type: 'put', key: auditKey(2), value: Buffer.from(JSON.stringify({ ...record, subject: 'spiffe://tessera.local/orchestrator/evil' })) }]);
    await store.close();
    const broken = await tessera('audit', 'verify', '--data-dir', dataDir);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^audit log BROKEN at record 2: hash_mismatch/);
  });

  it('fail/unknown command and missing arguments exit non-zero with a message', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
    const unknown = await tessera('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const missing = await tessera('token', 'create', '--data-dir', dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ERR_INVALID_ARGUMENT');
    const noCa = await tessera('token', 'create', '--orchestrator', 'o', '--data-dir', dataDir);
    expect(noCa.code).toBe(1);
    expect(noCa.stderr).toContain('ERR_UNAVAILABLE');
  });
});
