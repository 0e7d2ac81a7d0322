import { join } from 'node:path';
import { TesseraError } from '../../agent-sdk/errors.js';
import { AdminClient } from '../admin-client.js';
import { rootCertificates } from '../authority/root-rotation.js';
import { verifyAnchor } from '../audit/anchor.js';
import { auditKey, parseRecord } from '../audit/record.js';
import { readSeals, sealedAway } from '../audit/seal.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { Output } from './commands.js';

/**
 * `tessera audit verify --anchor FILE`: every checkpoint anchored in FILE must
 * name a record the log holds with that hash (through the running CA, or on the
 * data directory's store or the replicas' database when none runs); a seq above the log's head means its tail was
 * cut. Exit code 0 or 1, like the chain check.
 */
export async function verifyAnchorFile(
  dataDir: string, socket: string, file: string, params: { json: boolean; store?: string }, io: Output,
): Promise<number> {
  const roots = await rootCertificates(join(dataDir, 'keys'));
  const admin = new AdminClient(socket);
  let store: Store | undefined;
  try {
    const viaCa = await admin.listAuditRecords({ limit: 1 }).then(() => true, (err: unknown) => {
      if (err instanceof TesseraError && err.code === 'ERR_UNAVAILABLE') return false;
      throw err;
    });
    if (!viaCa) store = await openStore({ dataDir, store: params.store ?? '' });
    const hashAt = async (seq: number): Promise<string | undefined> => {
      if (!store) return (await admin.listAuditRecords({ afterSequence: seq - 1, limit: 1 })).records.find((r) => r.sequence === seq)?.hash;
      const bytes = await store.get(auditKey(seq));
      return bytes && parseRecord(bytes).hash;
    };
    // A sealed break takes the heads anchored before the seal, from the break on, out of the chain.
    const seals = store ? await readSeals(store, roots) : new Map<number, { timeMs: number }>();
    const result = await verifyAnchor(file, roots, hashAt, (seq, timeMs) => sealedAway(seals, seq, timeMs));
    if (params.json) io.out(JSON.stringify({ anchor: file, ...result }));
    else if (result.ok) io.out(`anchor OK: ${result.anchors} anchored checkpoints found in the log`);
    else io.out(`anchor BROKEN at ${result.reason === 'anchor_signature_invalid' ? 'line' : 'record'} ${result.firstBadSequence}: ${result.reason}`);
    return result.ok ? 0 : 1;
  } finally {
    admin.close();
    await store?.close();
  }
}
