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
export { CaClient, type CaEndpoints, type IssuedCertificates, type SpawnedAgent } from './ca-client.js';
export { X509Source, ENV, type X509SourceOptions, type RotationOptions } from './x509-source.js';
export { Orchestrator, type AgentSpawn } from './orchestrator.js';
export { createCsr } from './csr.js';
export { certificatesFromPem } from './bundle.js';
