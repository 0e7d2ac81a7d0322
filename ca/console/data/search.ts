/**
 * "Who authorised this?": from an agent's SPIFFE ID, a certificate serial or a
 * task token's id (jti) to the identity it belongs to, then up its lineage:
 * each delegator, the first agent, the orchestrator that spawned it and the
 * human sponsor, with the signed delegation records checked and the audit
 * records that issued it.
 */
import { TesseraError } from '../../../agent-sdk/errors.js';
import type { DelegationRecord } from '../../../agent-sdk/lineage.js';
import { SpiffeId } from '../../../agent-sdk/spiffe-id.js';
import { orchestratorId } from '../../../agent-sdk/tessera-id.js';
import { verifyLineage } from '../../../agent-sdk/verify-lineage.js';
import { AUDIT_PREFIX, type AuditRecord, parseRecord, prefixRange } from '../../audit/record.js';
import { type IdentityRecord, type SerialRecord, decodeRecord, identityKey, serialKey } from '../../issuance/records.js';
import { type AgentView, viewOf } from '../../revocation/inventory.js';
import type { ConsoleSources } from '../sources.js';

/** The audit records a search lists at most. */
const MAX_RECORDS = 100;
const HEX = /^[0-9a-f]{1,64}$/;

export interface Authorisation {
  readonly matchedBy: 'spiffe_id' | 'serial' | 'token_id';
  readonly subject: AgentView;
  /** The subject's delegators, its parent first, the first agent last. */
  readonly delegators: readonly AgentView[];
  /** The orchestrator that spawned the first agent (undefined when the subject is one, or its record is gone). */
  readonly orchestrator: AgentView | undefined;
  readonly sponsor: string;
  /** The delegation records the subject's SVIDs carry, checked; undefined for an orchestrator. */
  readonly lineage: { readonly hops: readonly DelegationRecord[] } | { readonly invalid: string } | undefined;
  /** The audit records about the subject (and, for a token id, the one that minted it), oldest first. */
  readonly records: readonly AuditRecord[];
}

/**
 * @throws {TesseraError} ERR_SPIFFE_ID_INVALID for a malformed SPIFFE ID;
 *   ERR_INVALID_ARGUMENT for anything else that is neither a serial nor a token id;
 *   ERR_NOT_FOUND when this CA issued nothing by that name.
 * @example const who = await whoAuthorised(sources, 'spiffe://tessera.local/agent/orch-a/task-1/3f...');
 */
export async function whoAuthorised(sources: ConsoleSources, query: string): Promise<Authorisation> {
  const { subjectId, matchedBy, hex } = await resolve(sources, query.trim());
  const identity = await identityOf(sources, subjectId);
  if (!identity) throw new TesseraError('ERR_NOT_FOUND', 'this CA issued no SVID to that identity');
  const now = sources.ctx.clock.now();
  const view = (record: IdentityRecord) => viewOf(record, sources.revocations, now);
  const subject = view(identity);
  const delegators: AgentView[] = [];
  for (const ancestor of [...subject.delegationChain].reverse()) {
    const record = await identityOf(sources, ancestor);
    if (record) delegators.push(view(record));
  }
  const orchestratorRecord = identity.kind === 'agent'
    ? await identityOf(sources, orchestratorId(sources.ctx.authority.trustDomain, identity.orchestrator).toString())
    : undefined;
  return {
    matchedBy, subject, delegators, orchestrator: orchestratorRecord && view(orchestratorRecord), sponsor: subject.sponsor,
    lineage: lineageOf(identity), records: await auditRecords(sources, (r) => r.subject === subjectId || (hex !== undefined && r.serial === hex)),
  };
}

async function resolve(sources: ConsoleSources, query: string): Promise<{ subjectId: string; matchedBy: Authorisation['matchedBy']; hex?: string }> {
  if (query.startsWith('spiffe://')) return { subjectId: SpiffeId.parse(query).toString(), matchedBy: 'spiffe_id' };
  const hex = query.toLowerCase().replace(/:/g, '');
  if (!HEX.test(hex)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'search for a SPIFFE ID, a certificate serial (hex) or a task token id');
  const serial = decodeRecord<SerialRecord>(await sources.ctx.store.get(serialKey(hex)));
  if (serial) return { subjectId: serial.spiffeId, matchedBy: 'serial', hex };
  // A task token's id is only in the audit record that minted it (the token itself is never stored).
  const [minted] = await auditRecords(sources, (r) => r.operation === 'token.mint' && r.outcome === 'allowed' && r.serial === hex, 1);
  if (!minted?.subject) throw new TesseraError('ERR_NOT_FOUND', 'no certificate serial or task token id of this CA matches');
  return { subjectId: minted.subject, matchedBy: 'token_id', hex };
}

async function identityOf(sources: ConsoleSources, spiffeId: string): Promise<IdentityRecord | undefined> {
  return decodeRecord<IdentityRecord>(await sources.ctx.store.get(identityKey(spiffeId)));
}

function lineageOf(identity: IdentityRecord): Authorisation['lineage'] {
  if (identity.lineage === undefined) return undefined;
  try {
    return { hops: verifyLineage(Buffer.from(identity.lineage, 'base64'), identity.spiffeId).hops.map((hop) => hop.record) };
  } catch (err) {
    return { invalid: err instanceof TesseraError ? err.message : 'the stored lineage does not decode' };
  }
}

/** The records that match, oldest first: a scan of the whole log, stopping at `limit`. */
async function auditRecords(sources: ConsoleSources, matches: (r: AuditRecord) => boolean, limit = MAX_RECORDS): Promise<AuditRecord[]> {
  const found: AuditRecord[] = [];
  for await (const [, value] of sources.ctx.store.entries(prefixRange(AUDIT_PREFIX))) {
    let record: AuditRecord;
    try {
      record = parseRecord(value);
    } catch {
      continue; // the audit page shows it as broken
    }
    if (matches(record)) found.push(record);
    if (found.length >= limit) break;
  }
  return found;
}
