import type { ServerUnaryCall } from '@grpc/grpc-js';
import { PeerError, TesseraError } from '../../agent-sdk/errors.js';
import type { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import { describeId } from '../../agent-sdk/tessera-id.js';
import { readX509SvidLeaf, spiffeIdFromCertificate } from '../../agent-sdk/verify.js';
import type { CertificateFields } from '../../agent-sdk/certificate.js';
import type { RateClass } from '../config.js';

/** Where a method is served: the public TLS port, the mutual-TLS port, or the admin Unix socket. */
export type Listener = 'public' | 'mtls' | 'admin';

/** Who may call a method. */
export type Caller =
  | 'anyone' // authenticated by what the request carries (attestation proof, spawn ticket) or by nothing (bundle)
  | 'orchestrator' // an orchestrator SVID of this trust domain
  | 'svid' // any agent or orchestrator SVID of this trust domain
  | 'agent' // an agent SVID of this trust domain
  | 'operator' // whoever can open the admin socket: its file mode is the access control
  | 'proof'; // the holder of an agent or orchestrator SVID's key, proved in the request (ca/api/proof-admission.ts)

export interface MethodRule {
  readonly listener: Listener;
  readonly caller: Caller;
  /** The audit operation name. */
  readonly operation: string;
  /**
   * The rate limit the call counts against (config `rateLimits`), per caller
   * SPIFFE ID on the mTLS listener and for a 'proof' caller, per remote address
   * for the other callers of the public one.
   * None: bounded otherwise (the follower count) or cheap and unaudited.
   */
  readonly rateLimit?: RateClass;
}

/**
 * The authorization table: every RPC, where it is served and who may call it.
 * A method missing here is served nowhere (default deny); a test checks that
 * every RPC in the protos has an entry.
 */
export const METHOD_RULES: Readonly<Record<string, MethodRule>> = {
  '/tessera.v1.NodeAttestationService/Attest': { listener: 'public', caller: 'anyone', operation: 'attest', rateLimit: 'attest' },
  '/tessera.v1.SVIDService/Activate': { listener: 'public', caller: 'anyone', operation: 'activate', rateLimit: 'activate' },
  '/tessera.v1.SVIDService/Spawn': { listener: 'mtls', caller: 'orchestrator', operation: 'spawn', rateLimit: 'spawn' },
  '/tessera.v1.SVIDService/RenewX509SVID': { listener: 'mtls', caller: 'svid', operation: 'renew', rateLimit: 'renew' },
  '/tessera.v1.SVIDService/MintJWTSVID': { listener: 'mtls', caller: 'agent', operation: 'token.mint', rateLimit: 'token' },
  '/tessera.v1.SVIDService/PrepareDelegation': { listener: 'mtls', caller: 'agent', operation: 'delegate.prepare', rateLimit: 'delegate' },
  '/tessera.v1.SVIDService/Delegate': { listener: 'mtls', caller: 'agent', operation: 'delegate', rateLimit: 'delegate' },
  '/tessera.v1.TrustBundleService/GetTrustBundle': { listener: 'public', caller: 'anyone', operation: 'bundle.get' },
  '/tessera.v1.AdminService/CreateJoinToken': { listener: 'admin', caller: 'operator', operation: 'join_token.create' },
  '/tessera.v1.AdminService/VerifyAudit': { listener: 'admin', caller: 'operator', operation: 'audit.verify' },
  '/tessera.v1.AdminService/ListAuditRecords': { listener: 'admin', caller: 'operator', operation: 'audit.list' },
  '/tessera.v1.AdminService/Revoke': { listener: 'admin', caller: 'operator', operation: 'revoke' },
  '/tessera.v1.AdminService/ListAgents': { listener: 'admin', caller: 'operator', operation: 'agents.list' },
  '/tessera.v1.AdminService/GetAgent': { listener: 'admin', caller: 'operator', operation: 'agents.get' },
  '/tessera.v1.AdminService/BanOrchestrator': { listener: 'admin', caller: 'operator', operation: 'orchestrator.ban' },
  '/tessera.v1.AdminService/UnbanOrchestrator': { listener: 'admin', caller: 'operator', operation: 'orchestrator.unban' },
  '/tessera.v1.RevocationService/WatchRevocations': { listener: 'mtls', caller: 'svid', operation: 'revocation.watch' },
  '/tessera.v1.RevocationService/ReleaseIdentity': { listener: 'mtls', caller: 'svid', operation: 'release', rateLimit: 'release' },
  '/tessera.v1.RevocationService/CompleteTask': { listener: 'mtls', caller: 'orchestrator', operation: 'task.complete', rateLimit: 'release' },
  '/tessera.v1.TrustBundleService/WatchTrustBundle': { listener: 'public', caller: 'anyone', operation: 'bundle.watch' },
  '/tessera.v1.AuthorityService/ListAuthorities': { listener: 'admin', caller: 'operator', operation: 'authority.list' },
  '/tessera.v1.AuthorityService/PrepareAuthority': { listener: 'admin', caller: 'operator', operation: 'authority.prepare' },
  '/tessera.v1.AuthorityService/ActivateAuthority': { listener: 'admin', caller: 'operator', operation: 'authority.activate' },
  '/tessera.v1.AuthorityService/TaintAuthority': { listener: 'admin', caller: 'operator', operation: 'authority.taint' },
  '/tessera.v1.AuthorityService/RevokeAuthority': { listener: 'admin', caller: 'operator', operation: 'authority.revoke' },
  '/tessera.v1.AuthorityService/GetBundle': { listener: 'admin', caller: 'operator', operation: 'bundle.show' },
  '/tessera.v1.AuthorityService/SetFederatedBundle': { listener: 'admin', caller: 'operator', operation: 'bundle.set' },
  '/tessera.v1.AuthorityService/UnsetFederatedBundle': { listener: 'admin', caller: 'operator', operation: 'bundle.unset' },
  '/tessera.v1.AuthorityService/CreateIntermediateCsr': { listener: 'admin', caller: 'operator', operation: 'authority.x509.csr' },
  '/tessera.v1.AdminService/MintX509SVID': { listener: 'admin', caller: 'operator', operation: 'x509.mint' },
  '/tessera.v1.AdminService/MintJWTSVID': { listener: 'admin', caller: 'operator', operation: 'jwt.mint' },
  // Limited per the SPIFFE ID they prove, as over mTLS, not per address: one host runs many agents.
  '/tessera.v1.SVIDService/RenewX509SVIDWithProof': { listener: 'public', caller: 'proof', operation: 'renew', rateLimit: 'renew' },
  '/tessera.v1.RevocationService/WatchRevocationsWithProof': { listener: 'public', caller: 'proof', operation: 'revocation.watch' },
};

/** The authenticated caller of an mTLS method. */
export interface Peer {
  readonly id: SpiffeId;
  /** The serial of the SVID presented on this connection. */
  readonly serialHex: string;
  /** The DER of that certificate: task tokens are bound to it (RFC 8705 x5t#S256). */
  readonly leaf: Buffer;
  /** That certificate's fields, read once when the call was admitted. */
  readonly fields: CertificateFields;
}

/**
 * Authenticates and authorizes the caller of `path` per METHOD_RULES. For mTLS
 * methods the TLS layer has already required a client certificate and verified
 * its chain to this trust domain's roots (the mTLS listener does nothing else);
 * grpc-js hands out only the leaf, so the X509-SVID leaf rules, the trust domain
 * and the identity kind are checked here.
 *
 * @throws {PeerError} ERR_PEER_UNAUTHENTICATED without a valid SVID, ERR_PEER_UNAUTHORIZED for the wrong kind.
 */
export function authorizeCall(path: string, call: Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>, trustDomain: string, nowMs: number): Peer | undefined {
  const rule = METHOD_RULES[path];
  if (!rule) throw new TesseraError('ERR_PERMISSION_DENIED', 'method is not allowed');
  // A 'proof' caller is authenticated by admitProvenCaller, once its request is decoded.
  if (rule.caller === 'anyone' || rule.caller === 'operator' || rule.caller === 'proof') return undefined;
  const leaf = call.getAuthContext()?.sslPeerCertificate?.raw;
  if (!leaf) throw new PeerError('ERR_PEER_UNAUTHENTICATED', 'this method needs mutual TLS with an X509-SVID');
  const { id, fields } = readX509SvidLeaf(leaf, nowMs);
  if (!id.memberOf(trustDomain)) throw new PeerError('ERR_PEER_UNAUTHENTICATED', 'caller SVID is from another trust domain');
  const kind = describeId(id)?.kind;
  const allowed = rule.caller === 'svid' ? kind === 'orchestrator' || kind === 'agent' : kind === rule.caller;
  if (!allowed) throw new PeerError('ERR_PEER_UNAUTHORIZED', `caller may not use ${rule.operation}`);
  return { id, serialHex: fields.serialHex, leaf, fields };
}

/**
 * The SPIFFE ID a refused mTLS caller presented, for the audit record of the
 * refusal only, never for a decision (DESIGN flow 9: a denial names its caller).
 * The mTLS listener's TLS layer verified the chain to this CA's roots, so the ID
 * is one this CA issued. Undefined off the mTLS listener (a certificate there is
 * not verified) or when the leaf holds no SPIFFE ID.
 */
export function presentedIdForAudit(path: string, call: Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>): string | undefined {
  if (METHOD_RULES[path]?.listener !== 'mtls') return undefined;
  const leaf = call.getAuthContext()?.sslPeerCertificate?.raw;
  if (!leaf) return undefined;
  try {
    return spiffeIdFromCertificate(leaf).toString();
  } catch {
    return undefined;
  }
}
