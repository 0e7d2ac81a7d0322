/**
 * The audit log checked at start: a CA refuses to start (and so to issue) on a
 * chain that does not verify past its signed "verified through" mark; an
 * operator seals a known break; a tail a crash left unsigned is signed as
 * recovered; a tail cut with its checkpoints is caught by the anchor file.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../agent-sdk/clock.js';
import { AdminClient } from '../../ca/admin-client.js';
import { VERIFIED_MARK_KEY } from '../../ca/audit/start-check.js';
import { AUDIT_PREFIX, CHECKPOINT_PREFIX, auditKey, parseCheckpoint, parseRecord, prefixRange } from '../../ca/audit/record.js';
import { sealAudit } from '../../ca/cli/audit-commands.js';
import { verifyAudit } from '../../ca/audit/verify.js';
import { type CaConfig, validateConfig } from '../../ca/config.js';
import { createLogger, silentLogger } from '../../ca/log.js';
import { CaServer } from '../../ca/server.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { attestOrchestrator } from '../helpers/agents.js';
import type { TestCa } from '../helpers/ca-server.js';
import { expectRejection } from '../helpers/rejection.js';

let dir: string;
let running: { ca: CaServer; admin: AdminClient } | undefined;
afterEach(async () => {
  running?.admin.close();
  await running?.ca.close();
  running = undefined;
  await rm(dir, { recursive: true, force: true });
});

const configOf = (extra: Record<string, unknown> = {}): CaConfig =>
  validateConfig({ dataDir: join(dir, 'data'), publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0', ...extra });
const start = (config = configOf()) => CaServer.start(config, { clock: systemClock, log: silentLogger });

/** Starts a CA, attests a few orchestrators (audit records), and stops it cleanly. */
async function runOnce(config = configOf(), orchestrators = 3): Promise<void> {
  const ca = await start(config);
  const admin = new AdminClient(ca.adminSocket);
  const t = { ca, admin, endpoints: { address: ca.publicAddress, mtlsAddress: ca.mtlsAddress } } as unknown as TestCa;
  for (let i = 0; i < orchestrators; i++) await attestOrchestrator(t, `orch-${i}`);
  admin.close();
  await ca.close();
}

/** Edits the stopped CA's store. */
async function withStore<T>(edit: (store: LevelStore) => Promise<T>): Promise<T> {
  const store = await LevelStore.create(join(dir, 'data', 'store'));
  try {
    return await edit(store);
  } finally {
    await store.close();
  }
}

async function keysIn(store: LevelStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of store.entries(prefixRange(prefix))) keys.push(key);
  return keys;
}

async function editRecord(store: LevelStore, seq: number): Promise<void> {
  const record = parseRecord((await store.get(auditKey(seq)))!);
  await store.write([{ type: 'put', key: auditKey(seq), value: Buffer.from(JSON.stringify({ ...record, operation: 'audit.list' })) }]);
}

describe('the audit log checked at start', () => {
  it('fail/a record in the middle edited while the CA was stopped: it refuses to start, naming the record', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-start-'));
    await runOnce();
    await withStore((store) => editRecord(store, 3));
    await expectRejection(start(), 'ERR_AUDIT_CHAIN_BROKEN', /audit log broken at record 3 \(/);
  });

  it('fail/a record in the middle deleted: it refuses to start', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-start-'));
    await runOnce();
    await withStore((store) => store.write([{ type: 'del', key: auditKey(4) }]));
    await expectRejection(start(), 'ERR_AUDIT_CHAIN_BROKEN', /record 4 \(sequence_gap\)/);
  });

  it('ok/a new CA started a second time finds the mark its first start signed good (no audit warning)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-start-'));
    const warnings: string[] = [];
    const log = createLogger('warn', { write: (line: string) => void warnings.push(line) });
    for (let i = 0; i < 2; i++) await (await CaServer.start(configOf(), { clock: systemClock, log })).close();
    expect(warnings.filter((line) => line.includes('audit'))).toEqual([]);
  });

  it('ok/a restart verifies only what follows the signed mark; a forged mark is not believed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-start-'));
    await runOnce();
    await runOnce();
    const mark = await withStore(async (store) => parseCheckpoint((await store.get(VERIFIED_MARK_KEY))!));
    const head = await withStore(async (store) => (await keysIn(store, AUDIT_PREFIX)).length);
    // The mark is where the second start verified to: everything the first run wrote.
    expect(mark.seq).toBeGreaterThan(5);
    expect(mark.seq).toBeLessThan(head);
    // Edit a record below the mark and replace the mark by one signed with no CA key: the start verifies everything.
    await withStore(async (store) => {
      await editRecord(store, 2);
      await store.write([{ type: 'put', key: VERIFIED_MARK_KEY, value: Buffer.from(JSON.stringify({ ...mark, seq: head, signature: mark.signature })) }]);
    });
    await expectRejection(start(), 'ERR_AUDIT_CHAIN_BROKEN', /record 2 \(hash_mismatch\)/);
  });

  it('ok/the first start of a new CA leaves no mark (there was nothing to verify); the next start believes the mark its own start signed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-start-'));
    await runOnce();
    // A mark at record 0 would not parse as a checkpoint, and every second start would re-read the whole log.
    expect(await withStore((store) => store.get(VERIFIED_MARK_KEY))).toBeUndefined();
    const lines: Array<{ msg: string }> = [];
    const log = createLogger('warn', { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
    for (let i = 0; i < 2; i++) await (await CaServer.start(configOf(), { clock: systemClock, log })).close();
    expect(lines.map((l) => l.msg)).not.toContain('the audit verified-through mark does not verify; verifying the whole log');
    expect(parseCheckpoint((await withStore((store) => store.get(VERIFIED_MARK_KEY)))!).seq).toBeGreaterThan(0);
  });

  it('ok/tessera audit seal acknowledges the break it names (and only that one), audited; the CA starts again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-start-'));
    await runOnce();
    await withStore((store) => store.write([{ type: 'del', key: auditKey(4) }]));
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    await expectRejection(sealAudit(configOf(), 5, io), 'ERR_INVALID_ARGUMENT', /breaks at record 4 \(sequence_gap\), not 5/);
    expect(await sealAudit(configOf(), 4, io)).toBe(0);
    expect(lines.at(-1)).toMatch(/^sealed the audit break at record 4: records 4 to \d+ are taken as found/);

    // Signed by the active intermediate, read from the store: the seal made no key file.
    expect((await readdir(join(dir, 'data', 'keys'))).sort()).toEqual(['kek', 'root-cert.pem', 'root-key.pem']);
    const sealSigner = await withStore(async (store) => parseCheckpoint((await store.get((await keysIn(store, CHECKPOINT_PREFIX)).at(-1)!))!).signerChain[0]);

    const ca = await start();
    running = { ca, admin: new AdminClient(ca.adminSocket) };
    expect(sealSigner).toBe(ca.authority.checkpointSigner.chain[0]!.toString('base64'));
    const verified = await running.admin.verifyAudit();
    expect(verified.ok).toBe(true);
    const { records } = await running.admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation === 'audit.seal').map((r) => [r.outcome, r.count > 0])).toEqual([['allowed', true]]);
  });

  it('ok/a tail left unsigned by a crash is signed at start, as recovered after a crash', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-start-'));
    await runOnce();
    // What kill -9 leaves: records after the last checkpoint (here: the final one removed).
    await withStore(async (store) => store.write([{ type: 'del', key: (await keysIn(store, CHECKPOINT_PREFIX)).at(-1)! }]));
    const ca = await start();
    running = { ca, admin: new AdminClient(ca.adminSocket) };
    const { records } = await running.admin.listAuditRecords({ limit: 1000 });
    const recovered = records.filter((r) => r.operation === 'audit.recovered_after_crash');
    expect(recovered.map((r) => [r.outcome, r.count > 0])).toEqual([['allowed', true]]);
    expect((await running.admin.verifyAudit()).ok).toBe(true);
    running.admin.close();
    await ca.close();
    running = undefined;
    // Signed at once, not a minute later: a checkpoint names the recovery record.
    const signed = await withStore(async (store) => Promise.all((await keysIn(store, CHECKPOINT_PREFIX)).map(async (k) => parseCheckpoint((await store.get(k))!).seq)));
    expect(signed).toContain(recovered[0]!.sequence);
  });

  it('fail/the tail cut together with the checkpoints above it: only the anchor file catches it, and the CA refuses to start', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-start-'));
    const anchorFile = join(dir, 'elsewhere.anchor');
    const config = configOf({ audit: { anchorFile } });
    await runOnce(config);
    const anchored = (await readFile(anchorFile, 'utf8')).trim().split('\n').map((line) => parseCheckpoint(Buffer.from(line)));
    const head = anchored.at(-1)!.seq;
    // Cut the last three records and every checkpoint above what is left.
    const storeAlone = await withStore(async (store) => {
      const ops = [head, head - 1, head - 2].map((seq) => ({ type: 'del' as const, key: auditKey(seq) }));
      for (const key of await keysIn(store, CHECKPOINT_PREFIX)) if (parseCheckpoint((await store.get(key))!).seq > head - 3) ops.push({ type: 'del', key });
      await store.write(ops);
      const root = new X509Certificate(await readFile(join(dir, 'data', 'keys', 'root-cert.pem')));
      return verifyAudit(store, { roots: [root] });
    });
    expect(storeAlone.ok).toBe(true);
    await expectRejection(start(config), 'ERR_AUDIT_CHAIN_BROKEN', new RegExp(`record ${head} \\(truncated_below_anchor\\)`));
  });
});
