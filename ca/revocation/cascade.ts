/**
 * Revoking an orchestrator with `--cascade`: the operator's explicit choice
 * that its live agents go too. Without it, revoking an orchestrator ends its
 * own SVID and its unredeemed spawn tickets (activation checks the spawning
 * orchestrator) and leaves the agents it already made running.
 */
import { TesseraError } from '../../agent-sdk/errors.js';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import { describeId } from '../../agent-sdk/tessera-id.js';
import { prefixRange } from '../audit/record.js';
import { checkAudited } from '../issuance/context.js';
import { type IdentityRecord, decodeRecord, identityKey } from '../issuance/records.js';
import type { StoredRevocation } from './records.js';
import { type RevocationContext, type RevokeOptions, revoke } from './revoke.js';

/**
 * Revokes orchestrator `spiffeId`, records the cascade (`revoke.cascade`,
 * naming the orchestrator), then revokes every task it has agents in, each
 * as its own entry (`revoke.task`). Returns every entry committed. Interrupted
 * part way (a crash), running it again completes it: revoked tasks commit nothing.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT when `spiffeId` is not an
 * orchestrator of this trust domain; revoke()'s refusals. Each is audited.
 * @example await revokeCascade(rctx, 'spiffe://tessera.local/orchestrator/orch-a', { cause: 'operator', reason: 'host compromised' });
 */
export async function revokeCascade(rctx: RevocationContext, spiffeId: string, options: RevokeOptions): Promise<StoredRevocation[]> {
  const event = { operation: 'revoke.cascade' };
  const orchestrator = await checkAudited(rctx.journal, event, () => {
    const id = SpiffeId.parse(spiffeId);
    const who = describeId(id);
    if (!id.memberOf(rctx.authority.trustDomain) || who?.kind !== 'orchestrator') {
      throw new TesseraError('ERR_INVALID_ARGUMENT', 'cascade applies to an orchestrator SPIFFE ID of this trust domain');
    }
    return who.orchestrator;
  });
  const entries = await revoke(rctx, { kind: 'agent', spiffeId }, options);
  await rctx.journal.record({ ...event, subject: spiffeId, orchestrator }, 'allowed');
  for (const task of await tasksOf(rctx, orchestrator)) {
    entries.push(...await revoke(rctx, { kind: 'task', orchestrator, task }, options));
  }
  return entries;
}

/** The tasks `orchestrator` has issued agent identities in, in key order. */
async function tasksOf(rctx: RevocationContext, orchestrator: string): Promise<string[]> {
  const tasks = new Set<string>();
  for await (const [, value] of rctx.store.entries(prefixRange(identityKey(`spiffe://${rctx.authority.trustDomain}/agent/${orchestrator}/`)))) {
    const task = decodeRecord<IdentityRecord>(value)?.task;
    if (task) tasks.add(task);
  }
  return [...tasks];
}
