/**
 * The commands of hardening round 2, as an operator runs them: ban and unban,
 * revoke --cascade, audit seal on a stopped CA, audit verify --anchor.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditKey } from '../../ca/audit/record.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { type CaProcess, startCaProcess, tessera } from '../helpers/ca-process.js';

let dir: string;
let ca: CaProcess | undefined;
afterEach(async () => {
  await ca?.stop('SIGTERM');
  ca = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A CA process with an anchor file, in a fresh directory. */
async function startWithAnchor(): Promise<{ dataDir: string; anchor: string }> {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cli16-'));
  const dataDir = join(dir, 'data');
  const anchor = join(dir, 'anchor.jsonl');
  ca = await startCaProcess({ dataDir, config: { audit: { anchorFile: anchor } } });
  return { dataDir, anchor };
}

describe('tessera ban, unban, revoke --cascade, audit seal, audit verify --anchor', () => {
  it('ok/the operator bans and unbans an orchestrator; --cascade with a task is refused', async () => {
    const { dataDir } = await startWithAnchor();
    const banned = await tessera('ban', 'orch-b', '--reason', 'decommissioned', '--data-dir', dataDir);
    expect([banned.code, JSON.parse(banned.stdout)]).toEqual([0, { banned: true, entries: [] }]);
    expect(JSON.parse((await tessera('unban', 'orch-b', '--data-dir', dataDir)).stdout)).toEqual({ lifted: true });
    const cascade = await tessera('revoke', '--task', 'orch-b/t', '--cascade', '--data-dir', dataDir);
    expect(cascade.code).not.toBe(0);
    expect(cascade.stderr).toContain('ERR_INVALID_ARGUMENT');
  });

  it('ok/with the CA stopped: verify --anchor, a deleted record named, sealed exactly there, verified again', async () => {
    const { dataDir, anchor } = await startWithAnchor();
    // Records to break: a ban and its lifting.
    for (const command of ['ban', 'unban']) expect((await tessera(command, 'orch-b', '--data-dir', dataDir)).code).toBe(0);
    await ca!.stop('SIGTERM');
    ca = undefined;
    const verified = await tessera('audit', 'verify', '--anchor', anchor, '--data-dir', dataDir);
    expect([verified.code, verified.stdout]).toEqual([0, expect.stringMatching(/audit log OK.*\nanchor OK: \d+ anchored checkpoints/s)]);

    // A record deleted while the CA is stopped: verify names it, the seal acknowledges exactly it.
    const store = await LevelStore.create(join(dataDir, 'store'));
    await store.write([{ type: 'del', key: auditKey(2) }]);
    await store.close();
    const broken = await tessera('audit', 'verify', '--data-dir', dataDir);
    expect([broken.code, broken.stdout]).toEqual([1, expect.stringMatching(/BROKEN at record 2: sequence_gap/)]);
    const wrong = await tessera('audit', 'seal', '--at', '3', '--data-dir', dataDir, '--config', `${dataDir}.config.json`);
    expect(wrong.stderr).toContain('breaks at record 2 (sequence_gap), not 3');
    expect(wrong.code).not.toBe(0);
    const sealed = await tessera('audit', 'seal', '--at', '2', '--data-dir', dataDir, '--config', `${dataDir}.config.json`);
    expect([sealed.code, sealed.stdout]).toEqual([0, expect.stringMatching(/^sealed the audit break at record 2/)]);
    const after = await tessera('audit', 'verify', '--anchor', anchor, '--data-dir', dataDir);
    expect([after.code, after.stdout]).toEqual([0, expect.stringMatching(/audit log OK.*\nanchor OK/s)]);
  });
});
