import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { systemClock } from '../../agent-sdk/clock.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { AdminClient } from '../admin-client.js';
import { verifyAudit } from '../audit/verify.js';
import { type CaConfig, parseDuration } from '../config.js';
import type { Logger } from '../log.js';
import { CaServer } from '../server.js';
import { openStore } from '../store/open-store.js';

/** Where a command writes: stdout for results, stderr for diagnostics. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** `tessera ca start`: runs the CA until `stop` resolves (main.ts ties it to SIGTERM/SIGINT). */
export async function startCa(config: CaConfig, log: Logger, stop: Promise<unknown>, io: Output): Promise<number> {
  const ca = await CaServer.start(config, { clock: systemClock, log });
  io.out(JSON.stringify({ publicAddress: ca.publicAddress, mtlsAddress: ca.mtlsAddress, adminSocket: ca.adminSocket, trustDomain: config.trustDomain }));
  await stop;
  await ca.close();
  return 0;
}

/** `tessera token create`: a one-time join token for an orchestrator, printed once. */
export async function createToken(socket: string, params: { orchestrator: string; ttl?: string }, io: Output): Promise<number> {
  const ttlMs = params.ttl === undefined ? 0 : parseDuration(params.ttl);
  if (Number.isNaN(ttlMs)) throw new TesseraError('ERR_INVALID_ARGUMENT', '--ttl must be a duration such as "10m"');
  const admin = new AdminClient(socket);
  try {
    const created = await admin.createJoinToken({ orchestrator: params.orchestrator, ttlMs });
    io.out(JSON.stringify({ token: created.token, spiffeId: created.spiffeId, expiresAt: new Date(created.expiresAtMs).toISOString() }));
    return 0;
  } finally {
    admin.close();
  }
}

/**
 * `tessera audit verify`: through the running CA's admin socket, or, when no CA
 * is running, directly on the data directory (LevelDB allows one process only)
 * or on `store`, the replicas' database: one chain, checked whole.
 * Exit code 0 when the chain verifies, 1 when it does not (naming the first bad record).
 */
export async function verifyAuditLog(dataDir: string, socket: string, io: Output, storeUrl = ''): Promise<number> {
  let result: { ok: boolean; records: number; checkpoints: number; firstBadSequence?: number; reason?: string };
  const admin = new AdminClient(socket);
  try {
    result = await admin.verifyAudit();
  } catch (err) {
    if (!(err instanceof TesseraError) || err.code !== 'ERR_UNAVAILABLE') throw err;
    const root = new X509Certificate(await readFile(join(dataDir, 'keys/root-cert.pem')));
    const store = await openStore({ dataDir, store: storeUrl });
    try {
      result = await verifyAudit(store, { roots: [root] });
    } finally {
      await store.close();
    }
  } finally {
    admin.close();
  }
  if (result.ok) {
    io.out(`audit log OK: ${result.records} records, ${result.checkpoints} signed checkpoints`);
    return 0;
  }
  io.out(`audit log BROKEN at record ${result.firstBadSequence}: ${result.reason} (${result.records} records checked)`);
  return 1;
}

/** `tessera audit list`: audit records after a sequence number, as text or JSON lines. */
export async function listAudit(socket: string, params: { after: number; limit: number; json: boolean }, io: Output): Promise<number> {
  const admin = new AdminClient(socket);
  try {
    const { records } = await admin.listAuditRecords({ afterSequence: params.after, limit: params.limit });
    for (const r of records) {
      if (params.json) {
        io.out(JSON.stringify(r));
        continue;
      }
      const fields = [r.caller && `caller=${r.caller}`, r.subject && `subject=${r.subject}`, r.task && `task=${r.task}`,
        r.sponsor && `sponsor=${r.sponsor}`, r.serial && `serial=${r.serial}`, r.attestor && `attestor=${r.attestor}`,
        r.address && `address=${r.address}`, r.count > 0 && `count=${r.count}`].filter(Boolean);
      io.out(`${r.sequence} ${new Date(r.timeMs).toISOString()} ${r.operation} ${r.outcome}${r.reason ? ` ${r.reason}` : ''} ${fields.join(' ')}`);
    }
    return 0;
  } finally {
    admin.close();
  }
}
