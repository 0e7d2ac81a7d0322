import { join } from 'node:path';
import { rootCertificates } from '../authority/root-rotation.js';
import { type AuditVerification, verifyAudit } from '../audit/verify.js';
import { openStore } from '../store/open-store.js';

/**
 * `tessera audit verify` when no CA runs: the chain checked whole on the data
 * directory's level store (LevelDB allows one process only) or on `store`, the
 * replicas' database, against every root in the data directory.
 *
 * @throws {TesseraError} ERR_UNAVAILABLE when the store cannot be opened.
 */
export async function verifyAuditOnDisk(dataDir: string, store: string): Promise<AuditVerification> {
  const roots = await rootCertificates(join(dataDir, 'keys'));
  const opened = await openStore({ dataDir, store });
  try {
    return await verifyAudit(opened, { roots });
  } finally {
    await opened.close();
  }
}
