import { sign } from 'node:crypto';
import { join } from 'node:path';
import { systemClock } from '../../agent-sdk/clock.js';
import { appendAnchor } from '../audit/anchor.js';
import { Journal } from '../audit/journal.js';
import { sealAuditBreak } from '../audit/seal.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { KeyVault } from '../authority/key-vault.js';
import { rootCertificates } from '../authority/root-rotation.js';
import { readActiveIntermediate } from '../authority/stored-authorities.js';
import type { CaConfig } from '../config.js';
import { openStore } from '../store/open-store.js';
import type { Output } from './commands.js';

/**
 * `tessera audit seal --at N`: with the CA (every replica) stopped, on its level
 * store or its database (--store), acknowledges the break `tessera audit verify`
 * reported at record N: signs a seal with the active intermediate, then appends
 * an `audit.seal` record (count: the records taken as found) and a checkpoint,
 * so the CA starts again. Exit code 0.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT when the log is not broken at N;
 *   ERR_NOT_FOUND when the store has no active authority (the CA never started).
 */
export async function sealAudit(config: CaConfig, at: number, io: Output): Promise<number> {
  const clock = systemClock;
  const keys = join(config.dataDir, 'keys');
  // Every root the CA has had: the log's checkpoints were signed under any of them (root-rotation.ts).
  const roots = await rootCertificates(keys).catch(() => []);
  if (roots.length === 0) throw new TesseraError('ERR_CONFIG_INVALID', `there is no CA root in ${keys}: name the CA's data directory`);
  const store = await openStore(config);
  try {
    // Signed as the CA signs its checkpoints, by the active intermediate, read from the store: nothing is made.
    const intermediate = await readActiveIntermediate(store, await KeyVault.load(keys), keys, roots);
    const signer = { sign: (data: Buffer) => sign('sha256', data, intermediate.privateKey), chain: [intermediate.der, ...intermediate.chain] };
    const { head, accepted } = await sealAuditBreak(store, { at, roots, signer, nowMs: clock.now() });
    const { anchorFile } = config.audit;
    const journal = await Journal.open({
      store, clock,
      checkpoint: {
        signer, everyRecords: config.audit.checkpointEveryRecords, everyMs: config.audit.checkpointEveryMs,
        ...(anchorFile && { onCheckpoint: (checkpoint) => appendAnchor(anchorFile, checkpoint) }),
      },
    });
    await journal.record({ operation: 'audit.seal', count: accepted }, 'allowed');
    await journal.close();
    io.out(`sealed the audit break at record ${at}: records ${at} to ${head} are taken as found; the CA can start`);
    return 0;
  } finally {
    await store.close();
  }
}
