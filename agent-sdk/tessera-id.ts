import { SpiffeId } from './spiffe-id.js';

/**
 * The identity shapes Tessera issues (DESIGN.md, Identities). A SPIFFE ID of any
 * other shape is still a valid SPIFFE ID; it is just not one Tessera issued.
 */
export type TesseraIdentity =
  | { readonly kind: 'ca' }
  | { readonly kind: 'orchestrator'; readonly orchestrator: string }
  | { readonly kind: 'agent'; readonly orchestrator: string; readonly task: string; readonly instance: string }
  | { readonly kind: 'service'; readonly name: string };

/** `spiffe://<td>/tessera/ca`, the CA's own server identity. */
export function caId(trustDomain: string): SpiffeId {
  return SpiffeId.fromSegments(trustDomain, 'tessera', 'ca');
}

/** `spiffe://<td>/orchestrator/<name>`. @throws {SpiffeIdError} for a bad name */
export function orchestratorId(trustDomain: string, orchestrator: string): SpiffeId {
  return SpiffeId.fromSegments(trustDomain, 'orchestrator', orchestrator);
}

/** `spiffe://<td>/agent/<orchestrator>/<task>/<instance>`. @throws {SpiffeIdError} for a bad segment */
export function agentId(trustDomain: string, orchestrator: string, task: string, instance: string): SpiffeId {
  return SpiffeId.fromSegments(trustDomain, 'agent', orchestrator, task, instance);
}

/** `spiffe://<td>/service/<name>`. @throws {SpiffeIdError} for a bad name */
export function serviceId(trustDomain: string, name: string): SpiffeId {
  return SpiffeId.fromSegments(trustDomain, 'service', name);
}

/**
 * Which Tessera identity a SPIFFE ID names, or undefined when it has none of the
 * shapes Tessera issues.
 *
 * @example describeId(SpiffeId.parse('spiffe://td/orchestrator/o1')) // { kind: 'orchestrator', orchestrator: 'o1' }
 */
export function describeId(id: SpiffeId): TesseraIdentity | undefined {
  const s = id.segments;
  if (s.length === 2 && s[0] === 'tessera' && s[1] === 'ca') return { kind: 'ca' };
  if (s.length === 2 && s[0] === 'orchestrator') return { kind: 'orchestrator', orchestrator: s[1]! };
  if (s.length === 4 && s[0] === 'agent') return { kind: 'agent', orchestrator: s[1]!, task: s[2]!, instance: s[3]! };
  if (s.length === 2 && s[0] === 'service') return { kind: 'service', name: s[1]! };
  return undefined;
}
