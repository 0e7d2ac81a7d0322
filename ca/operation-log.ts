import type { JournalObserver } from './audit/journal.js';
import type { AuditRecord } from './audit/record.js';
import type { Logger } from './log.js';

/**
 * One log line per operation, allowed or denied, once its audit record is
 * durable: the record's identifiers and reason code, which by design never
 * hold keys, tickets, tokens, CSRs or callers' free text. Allowed operations
 * log at info, denials and failures at warn; a failing store at error.
 *
 * @example Journal.open({ store, clock, observer: operationLog(log) })
 */
export function operationLog(log: Logger): JournalObserver {
  return {
    written(records) {
      for (const r of records) (r.outcome === 'allowed' ? log.info : log.warn).call(log, fieldsOf(r), r.operation);
    },
    storeFailed(op, cause) {
      log.error({ op, err: cause }, `the store failed to ${op}: the calls that needed it failed closed`);
    },
  };
}

/** Every observer told of the same events, in order. */
export function observeAll(...observers: Array<JournalObserver | undefined>): JournalObserver {
  const all = observers.filter((o): o is JournalObserver => o !== undefined);
  return {
    written: (records, writeMs) => all.forEach((o) => o.written(records, writeMs)),
    storeFailed: (op, cause) => all.forEach((o) => o.storeFailed(op, cause)),
  };
}

/** The record without its chain links (the log line has its own time). */
function fieldsOf(r: AuditRecord): Record<string, unknown> {
  const { prevHash: _prevHash, hash: _hash, timeMs: _timeMs, ...fields } = r;
  return fields;
}
