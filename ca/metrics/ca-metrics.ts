// The CA's Prometheus metrics (prom-client), every name prefixed tessera_.
// Fed by three sources: the audit journal (one record per operation), the gRPC
// call observer (every RPC's method, status and latency), and callbacks read at
// scrape time (authority expiry, connected followers). docs/operations.md lists them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JournalObserver } from '../audit/journal.js';
import type { AuditRecord } from '../audit/record.js';
import { registerProcessMetrics } from './process-metrics.js';

/** An authority whose expiry is exported: its name and its certificate's notAfter. */
export interface AuthorityExpiry {
  readonly authority: string;
  readonly notAfterMs: number;
}

// Operations whose 'allowed' record means an X509-SVID was issued, and the renewal.
const ISSUES_SVID = new Set(['attest', 'activate', 'ca.server_svid']);
// An operator's revocation is 'revoke.<kind>' (serial, jti, agent, task, chain).
const revokes = (operation: string) => operation.startsWith('revoke.') || operation === 'release' || operation === 'task.complete';

/**
 * One CA's metrics in a registry of their own (never prom-client's global one,
 * so tests can run several CAs in one process).
 *
 * @example
 * const metrics = new CaMetrics();
 * const ca = await CaServer.start(config, { clock, log, metrics });
 * await serveMetrics(metrics, '127.0.0.1:9090');
 */
export class CaMetrics implements JournalObserver {
  readonly registry = new Registry();
  readonly #rpcs = new Counter({
    name: 'tessera_rpc_handled_total', help: 'RPCs finished, by full method name and gRPC status code.',
    labelNames: ['method', 'code'], registers: [this.registry],
  });
  readonly #rpcSeconds = new Histogram({
    name: 'tessera_rpc_duration_seconds', help: 'Time from an RPC\'s start to its status, by method and gRPC status code.',
    labelNames: ['method', 'code'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60], registers: [this.registry],
  });
  readonly #issued = new Counter({
    name: 'tessera_x509_svids_issued_total', help: 'X509-SVIDs issued by attestation, activation or for the CA itself, by kind of identity.',
    labelNames: ['kind'], registers: [this.registry],
  });
  readonly #renewed = new Counter({
    name: 'tessera_x509_svids_renewed_total', help: 'X509-SVIDs renewed, by kind of identity.', labelNames: ['kind'], registers: [this.registry],
  });
  readonly #jwts = new Counter({ name: 'tessera_jwt_svids_issued_total', help: 'JWT-SVIDs (task tokens) issued.', registers: [this.registry] });
  readonly #denials = new Counter({
    name: 'tessera_denials_total', help: 'Operations refused or failed, by operation and reason code (the audit log\'s).',
    labelNames: ['operation', 'reason'], registers: [this.registry],
  });
  readonly #revocations = new Counter({
    name: 'tessera_revocations_total', help: 'Revocations committed, by operation (revoke.<kind>, release, task.complete).',
    labelNames: ['operation'], registers: [this.registry],
  });
  readonly #groupSize = new Histogram({
    name: 'tessera_journal_group_size', help: 'Audit records written in one store batch (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], registers: [this.registry],
  });
  readonly #commitSeconds = new Histogram({
    name: 'tessera_journal_commit_seconds', help: 'Time the store took to write and sync one batch.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });
  readonly #storeErrors = new Counter({
    name: 'tessera_store_errors_total', help: 'Store reads or writes that failed (every call depending on them failed closed).',
    labelNames: ['op'], registers: [this.registry],
  });
  #followers: () => number = () => 0;
  #authorities: () => readonly AuthorityExpiry[] = () => [];
  #now: () => number = Date.now;

  constructor() {
    const self = this;
    new Gauge({
      name: 'tessera_revocation_followers', help: 'Open WatchRevocations streams.', registers: [this.registry],
      collect() {
        this.set(self.#followers());
      },
    });
    new Gauge({
      name: 'tessera_authority_expiry_seconds', help: 'Seconds until each CA certificate expires (negative once expired).',
      labelNames: ['authority'], registers: [this.registry],
      collect() {
        this.reset();
        for (const a of self.#authorities()) this.set({ authority: a.authority }, (a.notAfterMs - self.#now()) / 1000);
      },
    });
    registerProcessMetrics(this.registry, 'tessera_');
    // Series that exist from the start, so a rate() over them has a baseline of 0.
    for (const op of ['read', 'write']) this.#storeErrors.inc({ op }, 0);
    for (const kind of ['agent', 'orchestrator']) {
      this.#issued.inc({ kind }, 0);
      this.#renewed.inc({ kind }, 0);
    }
  }

  /** Where scrape-time values come from; the CA calls this once it has them. */
  watch(sources: { followers(): number; authorities(): readonly AuthorityExpiry[]; now(): number }): void {
    this.#followers = sources.followers;
    this.#authorities = sources.authorities;
    this.#now = sources.now;
  }

  /** One RPC finished with gRPC status `code` (a number) after `seconds`. */
  rpcHandled(method: string, code: number, seconds: number): void {
    this.#rpcs.inc({ method, code });
    this.#rpcSeconds.observe({ method, code }, seconds);
  }

  written(records: readonly AuditRecord[], writeMs: number): void {
    this.#groupSize.observe(records.length);
    this.#commitSeconds.observe(writeMs / 1000);
    for (const r of records) {
      if (r.outcome !== 'allowed') {
        this.#denials.inc({ operation: r.operation, reason: r.reason ?? 'none' }, r.count ?? 1);
      } else if (ISSUES_SVID.has(r.operation)) {
        this.#issued.inc({ kind: kindOf(r.subject) });
      } else if (r.operation === 'renew') {
        this.#renewed.inc({ kind: kindOf(r.subject) });
      } else if (r.operation === 'token.mint') {
        this.#jwts.inc();
      } else if (revokes(r.operation)) {
        this.#revocations.inc({ operation: r.operation });
      }
    }
  }

  storeFailed(op: 'read' | 'write'): void {
    this.#storeErrors.inc({ op });
  }
}

/** 'agent', 'orchestrator' or 'ca' from a Tessera SPIFFE ID's first path segment. */
function kindOf(spiffeId: string | undefined): string {
  const segment = /^spiffe:\/\/[^/]+\/([^/]+)/.exec(spiffeId ?? '')?.[1];
  return segment === 'tessera' ? 'ca' : segment ?? 'unknown';
}
