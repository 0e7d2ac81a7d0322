// The public surface of tessera/agent-sdk: re-exports only.
export * from './errors.js';
export * from './spiffe-id.js';
export * from './tessera-id.js';
export * from './svid.js';
export * from './bundle.js';
export * from './clock.js';
export * from './attestor.js';
export { verifyX509Svid, spiffeIdFromCertificate, type VerifiedX509Svid } from './verify.js';
export { authorizeAny, authorizeId, authorizeOneOf, authorizeMemberOf, authorizeMatch, authorizePeer, type Authorizer } from './authorizer.js';
export { staticSource, isUpdatingSource, watchSources, type UpdatingSource } from './source.js';
export {
  mtlsServerOptions,
  hookMtlsServer,
  createMtlsServer,
  mtlsClientOptions,
  connectMtls,
  peerId,
  type MtlsOptions,
  type MtlsHookOptions,
  type PeerRejectedListener,
} from './tls.js';
export {
  mtlsServerCredentials,
  mtlsChannelCredentials,
  authorizeByMethod,
  peerIdFromCall,
  type GrpcServerMtlsOptions,
  type GrpcChannelMtlsOptions,
} from './grpc.js';
export { CaClient, type CaEndpoints, type IssuedCertificates, type SpawnedAgent, type PreparedDelegation } from './ca-client.js';
export { X509Source, ENV, type X509SourceOptions, type RotationOptions, type RevocationOptions } from './x509-source.js';
export { Orchestrator, agentSpawn, type AgentSpawn } from './orchestrator.js';
export { createCsr } from './csr.js';
export { generateP256Key } from './p256-key.js';
export { certificatesFromPem } from './bundle.js';
export { MAX_SCOPES, MAX_SCOPE_LENGTH, parseScope, parseScopes, isScope, scopesCover } from './scope.js';
export { JwtBundle, type JwtAuthority, type JwtBundleSource } from './jwt-bundle.js';
export { MAX_JWT_SVID_TTL_MS, certificateThumbprint, type JwtSvid, type JwtSvidClaims, type ActClaim } from './jwt-svid.js';
export { validateJwtSvid, peerCertificateOf, peerCertificateFromCall, type JwtSvidValidationOptions } from './validate-jwt-svid.js';
export { JwtSvidSource, type FetchedJwtSvid, type JwtSvidFetcher } from './jwt-source.js';
export {
  LINEAGE_OID, MAX_LINEAGE_DEPTH, readLineageExtension, decodeLineage, decodeDelegationRecord, lineageDigest,
  type Lineage, type DelegationHop, type DelegationRecord,
} from './lineage.js';
export { verifyLineage, verifyX509SvidLineage, lineageOfVerifiedPeer, type VerifiedLineage } from './verify-lineage.js';
export { authorizeLineage, type LineageRequirements } from './authorize-lineage.js';
export { delegateToSubAgent, type DelegationOptions, type DelegatorSource } from './delegation.js';
export {
  RevocationList, ENTRY_GRACE_MS, revocationsOf, revocationsToEnforce,
  type RevocationEntry, type RevocationKind, type RevocationCause, type RevocationSubject, type RevocationListOptions,
} from './revocation-list.js';
export { RevocationFollower, type RevocationFollowerOptions } from './revocation.js';
export { serveMtlsGrpc, type GrpcListener } from './grpc-serve.js';
export { toSpiffeBundle, parseSpiffeBundle, MAX_SPIFFE_BUNDLE_BYTES, type SpiffeBundleDocument } from './spiffe-bundle.js';
