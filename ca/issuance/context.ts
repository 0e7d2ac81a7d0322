import type { Clock } from '../../agent-sdk/clock.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Journal } from '../audit/journal.js';
import type { AuditEvent } from '../audit/record.js';
import type { Authority } from '../authority/authority.js';
import type { CsrChecker } from '../authority/csr-checker.js';
import type { CaConfig } from '../config.js';
import type { Store } from '../store/store.js';
import type { Policy } from '../policy/policy.js';

/** What every issuance flow works with; built once by the server. */
export interface IssuanceContext {
  readonly config: CaConfig;
  readonly authority: Authority;
  /** Checks CSRs; their signatures are verified in worker threads. */
  readonly csrs: CsrChecker;
  readonly journal: Journal;
  readonly clock: Clock;
  /**
   * For reads outside a transaction only: scans, and records that never change
   * once written (the orchestrator a join token names). Decisions read through the journal.
   */
  readonly store: Store;
  /** The policy in force (ca/policy/policy-source.ts); absent means the built-in open policy. */
  readonly policy?: { readonly current: Policy };
}

/**
 * Runs a check that comes before any state is read (a CSR, a ticket's shape) and
 * records a denial when it throws a TesseraError, so that every refusal is
 * audited whether or not it reached a transaction.
 */
export async function checkAudited<T>(journal: Journal, event: AuditEvent, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof TesseraError) await journal.record(event, 'denied', err.code);
    throw err;
  }
}
