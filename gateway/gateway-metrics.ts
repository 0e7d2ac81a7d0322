// The gateway's Prometheus metrics (prom-client), every name prefixed
// tessera_gateway_. Decisions are counted from the decision log's records once
// they are durable (the gateway is a JournalObserver, as the CA's metrics are),
// so the counts and the audit log agree. docs/operations.md lists them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JournalObserver } from '../ca/audit/journal.js';
import type { AuditRecord } from '../ca/audit/record.js';
import { registerProcessMetrics } from '../ca/metrics/process-metrics.js';

/**
 * One gateway's metrics in a registry of their own (never prom-client's global
 * one, so tests can run a gateway beside a CA in one process).
 *
 * @example
 * const metrics = new GatewayMetrics(() => identity.getX509Svid().expiresAtMs);
 * const log = await DecisionLog.open(dir, identity, clock, checkpoint, metrics);
 */
export class GatewayMetrics implements JournalObserver {
  readonly registry = new Registry();
  readonly #decisions = new Counter({
    name: 'tessera_gateway_decisions_total',
    help: 'Decisions made durable in the gateway\'s audit log, by operation (gateway.request, gateway.connect, gateway.upstream), outcome, reason code and route.',
    labelNames: ['operation', 'outcome', 'reason', 'route'], registers: [this.registry],
  });
  readonly #decisionSeconds = new Histogram({
    name: 'tessera_gateway_decision_seconds',
    help: 'Time from a request\'s arrival to its durable decision (what the gateway adds before forwarding or refusing), by outcome.',
    labelNames: ['outcome'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [this.registry],
  });
  readonly #commitSeconds = new Histogram({
    name: 'tessera_gateway_journal_commit_seconds', help: 'Time the audit store took to write and sync one batch.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });
  readonly #storeErrors = new Counter({
    name: 'tessera_gateway_store_errors_total', help: 'Audit store reads or writes that failed (the requests depending on them were refused).',
    labelNames: ['op'], registers: [this.registry],
  });
  readonly #reloads = new Counter({
    name: 'tessera_gateway_config_reloads_total', help: 'Route config reloads, by result (applied, or refused with the old routes kept).',
    labelNames: ['result'], registers: [this.registry],
  });
  readonly #routes = new Gauge({ name: 'tessera_gateway_routes', help: 'Routes in force.', registers: [this.registry] });

  /** `svidExpiresAtMs` and `now` are read at scrape time for the SVID expiry gauge. */
  constructor(svidExpiresAtMs: () => number, now: () => number = Date.now) {
    new Gauge({
      name: 'tessera_gateway_svid_expiry_seconds', help: 'Seconds until the gateway\'s own X509-SVID expires (negative once expired).',
      registers: [this.registry],
      collect() {
        this.set((svidExpiresAtMs() - now()) / 1000);
      },
    });
    registerProcessMetrics(this.registry, 'tessera_gateway_');
    // Series that exist from the start, so a rate() over them has a baseline of 0.
    for (const op of ['read', 'write']) this.#storeErrors.inc({ op }, 0);
    for (const result of ['applied', 'refused']) this.#reloads.inc({ result }, 0);
  }

  /** A request's decision is durable `seconds` after it arrived. */
  decided(outcome: string, seconds: number): void {
    this.#decisionSeconds.observe({ outcome }, seconds);
  }

  /** A route config was loaded (at start, or a reload that `applied`) or refused. */
  routesLoaded(result: 'applied' | 'refused', routes?: number): void {
    this.#reloads.inc({ result });
    if (routes !== undefined) this.#routes.set(routes);
  }

  written(records: readonly AuditRecord[], writeMs: number): void {
    this.#commitSeconds.observe(writeMs / 1000);
    for (const r of records) {
      if (!r.operation.startsWith('gateway.')) continue;
      this.#decisions.inc({ operation: r.operation, outcome: r.outcome, reason: r.reason ?? '', route: r.route ?? '' });
    }
  }

  storeFailed(op: 'read' | 'write'): void {
    this.#storeErrors.inc({ op });
  }
}
