/**
 * `tessera/node-attestor`: the node-attestor plugin interface, the built-in
 * plugins (both halves of each) and the registry the CA looks them up in.
 * Re-exports only.
 */
export type { AttestationClaim, AttestationResult, Challenge, ClaimWrite, OrchestratorAttestor, ServerAttestor } from './types.js';
export { createAttestorRegistry, type AttestorRegistry } from './registry.js';
export { JOIN_TOKEN_ATTESTOR, hashJoinToken, joinTokenAttestor, newJoinToken, parseJoinToken } from './join-token/server.js';
export { joinTokenClient } from './join-token/client.js';
export { DEFAULT_CHALLENGE_TIMEOUT_MS, x509popAttestor, type X509PopAttestorParams } from './x509pop/server.js';
export { x509popClient, type X509PopClientParams } from './x509pop/client.js';
export { x509popClientFromFiles } from './x509pop/files.js';
export { X509POP_ATTESTOR } from './x509pop/wire.js';
