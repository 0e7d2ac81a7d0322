/**
 * The lifecycle of a signing authority (an X.509 intermediate or a JWT key), as
 * SPIRE's `localauthority` commands have it:
 *
 *   prepared --activate--> active --(next one activated)--> old --taint--> tainted --revoke--> revoked
 *
 * prepared: in the bundle, signs nothing yet. active: signs. old: signs nothing,
 * trusted until its last credential expires. tainted: still trusted, but every
 * holder of a credential it signed renews now. revoked: out of the bundle, every
 * chain through it refused. Pure functions: the caller stores the result.
 */
import { TesseraError } from '../../agent-sdk/errors.js';

export type AuthorityKind = 'x509' | 'jwt' | 'root';
export type AuthorityState = 'prepared' | 'active' | 'old' | 'tainted' | 'revoked';
/** The kinds the schedule rotates; roots rotate by hand only (root-rotation.ts). */
export const AUTHORITY_KINDS: readonly AuthorityKind[] = ['x509', 'jwt'];

/** One authority as the store holds it; its key is sealed beside it (ca/authority/stored-authorities.ts). */
export interface AuthorityRecord {
  readonly kind: AuthorityKind;
  /** X.509: the hex subject key identifier; JWT: the key id (RFC 7638 thumbprint). */
  readonly id: string;
  readonly state: AuthorityState;
  /** Only for an authority made before keys moved into the store: its key files' name stem in the keys folder. */
  readonly file?: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** When the state last changed. */
  readonly changedAtMs: number;
}

/** A step an operator (or the schedule) takes on an existing authority. */
export type AuthorityStep = 'activate' | 'taint' | 'revoke';

/** Which state each step starts from and ends in. */
const STEPS: Record<AuthorityStep, { from: AuthorityState; to: AuthorityState; hint: string }> = {
  activate: { from: 'prepared', to: 'active', hint: 'prepare one first' },
  taint: { from: 'old', to: 'tainted', hint: 'only an old authority can be tainted: prepare and activate a new one first' },
  revoke: { from: 'tainted', to: 'revoked', hint: 'only a tainted authority can be revoked: taint it first, so agents move off it' },
};

/**
 * Checks that a new authority may be prepared: at most one waits at a time.
 *
 * @throws {TesseraError} ERR_AUTHORITY_STATE when one is already prepared.
 * @example checkPrepare(records, 'x509');
 */
export function checkPrepare(records: readonly AuthorityRecord[], kind: AuthorityKind): void {
  const prepared = records.find((r) => r.kind === kind && r.state === 'prepared');
  if (prepared) throw new TesseraError('ERR_AUTHORITY_STATE', `${kind} authority ${prepared.id} is already prepared: activate it first`);
}

/**
 * The records `step` changes, with their new states. `id` names the authority;
 * when omitted, the only one in the step's starting state is taken. Activating
 * one makes the active one old.
 *
 * @throws {TesseraError} ERR_NOT_FOUND for an unknown id; ERR_AUTHORITY_STATE when
 *   the authority is not in the state the step starts from, or no id was given
 *   and not exactly one authority is in that state.
 * @example const changed = planStep(records, 'x509', 'taint', oldId, clock.now());
 */
export function planStep(
  records: readonly AuthorityRecord[], kind: AuthorityKind, step: AuthorityStep, id: string | undefined, nowMs: number,
): AuthorityRecord[] {
  const { from, to, hint } = STEPS[step];
  const ofKind = records.filter((r) => r.kind === kind);
  let target: AuthorityRecord | undefined;
  if (id === undefined) {
    const candidates = ofKind.filter((r) => r.state === from);
    if (candidates.length !== 1) {
      throw new TesseraError('ERR_AUTHORITY_STATE', candidates.length === 0
        ? `no ${from} ${kind} authority to ${step}: ${hint}`
        : `several ${from} ${kind} authorities: name the one to ${step}`);
    }
    target = candidates[0];
  } else {
    target = ofKind.find((r) => r.id === id);
    if (!target) throw new TesseraError('ERR_NOT_FOUND', `no ${kind} authority ${id}`);
  }
  if (target!.state !== from) throw new TesseraError('ERR_AUTHORITY_STATE', `${kind} authority ${target!.id} is ${target!.state}: ${hint}`);
  const changed = [{ ...target!, state: to, changedAtMs: nowMs }];
  if (step === 'activate') {
    for (const r of ofKind) if (r.state === 'active') changed.push({ ...r, state: 'old', changedAtMs: nowMs });
  }
  return changed;
}

/** When the schedule acts on the active authority, as fractions of its lifetime. */
export interface AuthoritySchedule {
  /** Prepare the next authority at this fraction (SPIRE: 1/2). */
  readonly prepareAt: number;
  /** Activate the prepared one at this fraction (SPIRE: 5/6). */
  readonly activateAt: number;
}

/**
 * What the schedule does now for `kind`: prepare a successor, activate the
 * prepared one, or nothing. An active authority past its end (the CA was down)
 * is replaced at once. Never throws.
 *
 * @example if (dueStep(records, 'x509', schedule, now) === 'prepare') ...
 */
export function dueStep(
  records: readonly AuthorityRecord[], kind: AuthorityKind, schedule: AuthoritySchedule, nowMs: number,
): 'prepare' | 'activate' | undefined {
  const active = records.find((r) => r.kind === kind && r.state === 'active');
  const prepared = records.find((r) => r.kind === kind && r.state === 'prepared');
  if (!active) return prepared ? 'activate' : 'prepare';
  const lifeMs = active.notAfterMs - active.notBeforeMs;
  const at = (fraction: number) => active.notBeforeMs + lifeMs * fraction;
  if (!prepared) return nowMs >= at(schedule.prepareAt) || nowMs >= active.notAfterMs ? 'prepare' : undefined;
  return nowMs >= at(schedule.activateAt) || nowMs >= active.notAfterMs ? 'activate' : undefined;
}
