import { sign } from 'node:crypto';
import type { X509Bundle } from './bundle.js';
import type { CaClient, PreparedDelegation } from './ca-client.js';
import { readCertificate } from './certificate.js';
import { TesseraError } from './errors.js';
import { decodeDelegationRecord, delegationSigningBytes, lineageDigest, readLineageExtension } from './lineage.js';
import { type AgentSpawn, agentSpawn } from './orchestrator.js';
import { parseScopes } from './scope.js';
import type { X509Svid } from './svid.js';

/** What a delegating agent needs: its SVID (with key), its CA client and bundle. An X509Source is one. */
export interface DelegatorSource {
  readonly caClient: CaClient;
  readonly bundle: X509Bundle;
  getX509Svid(): X509Svid;
  /** Resolves once no renewal is under way (X509Source.renewalSettled). */
  renewalSettled?(): Promise<void>;
}

/** What the sub-agent may do and for how long. */
export interface DelegationOptions {
  /** Covered by the delegator's own scopes. */
  readonly scopes: readonly string[];
  /** The sub-agent's SVID lifetime; default the policy's. */
  readonly ttlMs?: number;
  /** How long the sub-agent may live in all; default as long as the delegator may. */
  readonly lifetimeMs?: number;
}

/**
 * Delegates to a sub-agent (flow 6): asks the CA to prepare the delegation,
 * checks that the record it returned says exactly what was asked (this agent
 * and its current key as delegator, the requested scopes, the next depth,
 * linked to this agent's own lineage), signs it with the SVID key, and
 * completes it. Resolves with the environment for the sub-agent's process, as
 * Orchestrator.spawn does; the sub-agent's SVIDs will carry the signed record.
 *
 * @throws {TesseraError} ERR_SCOPE_INVALID, ERR_DELEGATION_DENIED (beyond this
 *   agent's scopes or lifetime, or a record this agent will not sign),
 *   ERR_POLICY_DENIED (depth, TTL), ERR_REVOKED, ERR_UNAVAILABLE.
 * @example
 * const sub = await delegateToSubAgent(source, { scopes: ['read:files:42'], lifetimeMs: 60_000 });
 * child_process.spawn(process.execPath, ['sub-agent.js'], { env: { ...process.env, ...sub.env } });
 */
export async function delegateToSubAgent(source: DelegatorSource, options: DelegationOptions): Promise<AgentSpawn> {
  const scopes = parseScopes(options.scopes);
  // A rotation during the calls below makes this SVID old: the record names a key this agent no
  // longer signs with, or the CA, having committed the renewal, refuses the old SVID
  // (ERR_PERMISSION_DENIED) before its reply has reached the source. One more try uses the new SVID.
  for (let attempt = 0; ; attempt++) {
    const svid = source.getX509Svid();
    try {
      const prepared = await source.caClient.prepareDelegation({ scopes, ttlMs: options.ttlMs, lifetimeMs: options.lifetimeMs });
      if (source.getX509Svid() !== svid && attempt === 0) continue;
      checkRecord(prepared, svid, scopes);
      const signature = sign('sha256', delegationSigningBytes(prepared.record), { key: svid.privateKey, dsaEncoding: 'der' });
      const spawned = await source.caClient.delegate(prepared.delegationId, signature);
      return agentSpawn(spawned, source.caClient.endpoints, source.bundle);
    } catch (err) {
      if (attempt > 0 || !(err instanceof TesseraError && err.code === 'ERR_PERMISSION_DENIED')) throw err;
      await source.renewalSettled?.();
      if (source.getX509Svid() === svid) throw err;
    }
  }
}

/** Refuses to sign anything but the delegation this agent asked for. */
function checkRecord(prepared: PreparedDelegation, svid: X509Svid, scopes: readonly string[]): void {
  const refuse = (why: string): never => {
    throw new TesseraError('ERR_DELEGATION_DENIED', `refusing to sign the prepared delegation: ${why}`);
  };
  const record = decodeDelegationRecord(prepared.record);
  const leaf = svid.certificates[0]!;
  const own = readLineageExtension(leaf) ?? refuse('this SVID carries no lineage');
  if (record.delegator !== svid.id.toString() || !record.delegatorKey.equals(readCertificate(leaf).subjectPublicKeyInfo)) refuse('it names another delegator or key');
  if (record.delegate !== prepared.id.toString()) refuse('it names another sub-agent');
  if (record.scopes.join(' ') !== scopes.join(' ')) refuse('its scopes are not the requested ones');
  if (record.depth !== own.hops.length + 1 || !record.previous.equals(lineageDigest(own))) refuse('it does not extend this agent\'s lineage');
}
