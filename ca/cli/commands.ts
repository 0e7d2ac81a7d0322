import { systemClock } from '../../agent-sdk/clock.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { AdminClient } from '../admin-client.js';
import type { CaConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { CaServer } from '../server.js';

/** Where a command writes: stdout for results, stderr for diagnostics. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/**
 * `tessera ca start`: runs the CA until `stop` resolves (main.ts ties it to
 * SIGTERM/SIGINT), with a Prometheus endpoint on `metricsAddress` when given
 * (bound first, so a port in use stops the start before the CA opens anything).
 */
export async function startCa(
  config: CaConfig, params: { log: Logger; metricsAddress?: string }, stop: Promise<unknown>, io: Output,
): Promise<number> {
  const { log } = params;
  // Loaded here, not at the top: every other command line would pay for the server, gRPC health and prom-client.
  const { CaServer } = await import('../server.js');
  const metrics = params.metricsAddress === undefined ? undefined : new (await import('../metrics/ca-metrics.js')).CaMetrics();
  const endpoint = metrics && (await (await import('../metrics/metrics-server.js')).serveMetrics(metrics, params.metricsAddress!, log));
  let ca: CaServer;
  try {
    ca = await CaServer.start(config, { clock: systemClock, log, ...(metrics && { metrics }) });
  } catch (err) {
    await endpoint?.close();
    throw err;
  }
  io.out(JSON.stringify({
    publicAddress: ca.publicAddress, mtlsAddress: ca.mtlsAddress, adminSocket: ca.adminSocket, trustDomain: config.trustDomain,
    ...(endpoint && { metricsAddress: endpoint.address }),
    ...(ca.consoleUrl && { consoleUrl: ca.consoleUrl }),
  }));
  const signal = await stop;
  log.info({ signal }, 'tessera CA stopping');
  await ca.close();
  await endpoint?.close();
  log.info({}, 'tessera CA stopped');
  return 0;
}

/** `tessera token create`: a one-time join token for an orchestrator, printed once. */
export async function createToken(socket: string, params: { orchestrator: string; ttlMs?: number }, io: Output): Promise<number> {
  const admin = new AdminClient(socket);
  try {
    const created = await admin.createJoinToken(params);
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
export async function verifyAuditLog(dataDir: string, socket: string, params: { json: boolean; store?: string }, io: Output): Promise<number> {
  let result: { ok: boolean; records: number; checkpoints: number; firstBadSequence?: number; reason?: string };
  const admin = new AdminClient(socket);
  try {
    result = await admin.verifyAudit();
  } catch (err) {
    if (!(err instanceof TesseraError) || err.code !== 'ERR_UNAVAILABLE') throw err;
    // Loaded only here: against a running CA the CLI needs neither the store nor the chain's checks.
    result = await (await import('./audit-on-disk.js')).verifyAuditOnDisk(dataDir, params.store ?? '');
  } finally {
    admin.close();
  }
  if (params.json) io.out(JSON.stringify(result));
  else if (result.ok) io.out(`audit log OK: ${result.records} records, ${result.checkpoints} signed checkpoints`);
  else io.out(`audit log BROKEN at record ${result.firstBadSequence}: ${result.reason} (${result.records} records checked)`);
  return result.ok ? 0 : 1;
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
