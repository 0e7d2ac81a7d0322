/**
 * A CA whose root key stays offline (tessera ca init --root-cert) cannot make
 * its next intermediate: the operator signs it and brings it in
 * (`tessera authority x509 prepare --cert FILE --key FILE`). The schedule still
 * knows when that is due; these warnings say so, louder as the active
 * intermediate ages: in the log on every schedule run and in
 * `authority x509 show` (the expiry metric shows the same clock).
 */
import type { AuthorityRecord, AuthoritySchedule } from './lifecycle.js';

const BRING = 'the CA holds no root key, so the operator brings the next intermediate, signed by the root: tessera authority x509 prepare --cert FILE --key FILE (docs/authorities.md)';

/**
 * The warnings for the X.509 authorities in `records` at `nowMs`: none while
 * the active intermediate is younger than the schedule's prepare point or a
 * successor is prepared. Pure; never throws.
 *
 * @example for (const warning of offlineRootWarnings(records, schedule, clock.now())) log.warn(warning);
 */
export function offlineRootWarnings(records: readonly AuthorityRecord[], schedule: AuthoritySchedule, nowMs: number): string[] {
  const x509 = records.filter((r) => r.kind === 'x509');
  const active = x509.find((r) => r.state === 'active');
  if (x509.some((r) => r.state === 'prepared')) return [];
  if (!active || active.notAfterMs <= nowMs) return [`no usable intermediate: the CA signs no X509-SVID; ${BRING}`];
  const lifeMs = active.notAfterMs - active.notBeforeMs;
  if (nowMs < active.notBeforeMs + lifeMs * schedule.prepareAt) return [];
  const left = `the active intermediate ${active.id} expires at ${new Date(active.notAfterMs).toISOString()} (in ${formatHours(active.notAfterMs - nowMs)})`;
  const urgency = nowMs >= active.notBeforeMs + lifeMs * schedule.activateAt ? 'overdue: ' : '';
  return [`${urgency}${left} and no successor is prepared; ${BRING}`];
}

function formatHours(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 1 ? `${hours.toFixed(1)} h` : `${Math.max(0, Math.round(ms / 60_000))} min`;
}
