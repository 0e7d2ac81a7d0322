// Original file: proto/tessera/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AdminServiceMintJWTSVIDRequest as _tessera_v1_AdminServiceMintJWTSVIDRequest, AdminServiceMintJWTSVIDRequest__Output as _tessera_v1_AdminServiceMintJWTSVIDRequest__Output } from '../../tessera/v1/AdminServiceMintJWTSVIDRequest.js';
import type { AdminServiceMintJWTSVIDResponse as _tessera_v1_AdminServiceMintJWTSVIDResponse, AdminServiceMintJWTSVIDResponse__Output as _tessera_v1_AdminServiceMintJWTSVIDResponse__Output } from '../../tessera/v1/AdminServiceMintJWTSVIDResponse.js';
import type { BanOrchestratorRequest as _tessera_v1_BanOrchestratorRequest, BanOrchestratorRequest__Output as _tessera_v1_BanOrchestratorRequest__Output } from '../../tessera/v1/BanOrchestratorRequest.js';
import type { BanOrchestratorResponse as _tessera_v1_BanOrchestratorResponse, BanOrchestratorResponse__Output as _tessera_v1_BanOrchestratorResponse__Output } from '../../tessera/v1/BanOrchestratorResponse.js';
import type { CreateJoinTokenRequest as _tessera_v1_CreateJoinTokenRequest, CreateJoinTokenRequest__Output as _tessera_v1_CreateJoinTokenRequest__Output } from '../../tessera/v1/CreateJoinTokenRequest.js';
import type { CreateJoinTokenResponse as _tessera_v1_CreateJoinTokenResponse, CreateJoinTokenResponse__Output as _tessera_v1_CreateJoinTokenResponse__Output } from '../../tessera/v1/CreateJoinTokenResponse.js';
import type { GetAgentRequest as _tessera_v1_GetAgentRequest, GetAgentRequest__Output as _tessera_v1_GetAgentRequest__Output } from '../../tessera/v1/GetAgentRequest.js';
import type { GetAgentResponse as _tessera_v1_GetAgentResponse, GetAgentResponse__Output as _tessera_v1_GetAgentResponse__Output } from '../../tessera/v1/GetAgentResponse.js';
import type { ListAgentsRequest as _tessera_v1_ListAgentsRequest, ListAgentsRequest__Output as _tessera_v1_ListAgentsRequest__Output } from '../../tessera/v1/ListAgentsRequest.js';
import type { ListAgentsResponse as _tessera_v1_ListAgentsResponse, ListAgentsResponse__Output as _tessera_v1_ListAgentsResponse__Output } from '../../tessera/v1/ListAgentsResponse.js';
import type { ListAuditRecordsRequest as _tessera_v1_ListAuditRecordsRequest, ListAuditRecordsRequest__Output as _tessera_v1_ListAuditRecordsRequest__Output } from '../../tessera/v1/ListAuditRecordsRequest.js';
import type { ListAuditRecordsResponse as _tessera_v1_ListAuditRecordsResponse, ListAuditRecordsResponse__Output as _tessera_v1_ListAuditRecordsResponse__Output } from '../../tessera/v1/ListAuditRecordsResponse.js';
import type { MintX509SVIDRequest as _tessera_v1_MintX509SVIDRequest, MintX509SVIDRequest__Output as _tessera_v1_MintX509SVIDRequest__Output } from '../../tessera/v1/MintX509SVIDRequest.js';
import type { MintX509SVIDResponse as _tessera_v1_MintX509SVIDResponse, MintX509SVIDResponse__Output as _tessera_v1_MintX509SVIDResponse__Output } from '../../tessera/v1/MintX509SVIDResponse.js';
import type { RevokeRequest as _tessera_v1_RevokeRequest, RevokeRequest__Output as _tessera_v1_RevokeRequest__Output } from '../../tessera/v1/RevokeRequest.js';
import type { RevokeResponse as _tessera_v1_RevokeResponse, RevokeResponse__Output as _tessera_v1_RevokeResponse__Output } from '../../tessera/v1/RevokeResponse.js';
import type { UnbanOrchestratorRequest as _tessera_v1_UnbanOrchestratorRequest, UnbanOrchestratorRequest__Output as _tessera_v1_UnbanOrchestratorRequest__Output } from '../../tessera/v1/UnbanOrchestratorRequest.js';
import type { UnbanOrchestratorResponse as _tessera_v1_UnbanOrchestratorResponse, UnbanOrchestratorResponse__Output as _tessera_v1_UnbanOrchestratorResponse__Output } from '../../tessera/v1/UnbanOrchestratorResponse.js';
import type { VerifyAuditRequest as _tessera_v1_VerifyAuditRequest, VerifyAuditRequest__Output as _tessera_v1_VerifyAuditRequest__Output } from '../../tessera/v1/VerifyAuditRequest.js';
import type { VerifyAuditResponse as _tessera_v1_VerifyAuditResponse, VerifyAuditResponse__Output as _tessera_v1_VerifyAuditResponse__Output } from '../../tessera/v1/VerifyAuditResponse.js';

/**
 * AdminService is the operator's API.
 */
export interface AdminServiceClient extends grpc.Client {
  /**
   * BanOrchestrator bans an orchestrator name: it may not attest again until
   * the ban is lifted, however long ago its revocation entries were pruned.
   * Its current identity, if any, is revoked too. Audited.
   * Who may call: an operator, over the admin Unix socket.
   */
  BanOrchestrator(argument: _tessera_v1_BanOrchestratorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_BanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  BanOrchestrator(argument: _tessera_v1_BanOrchestratorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_BanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  BanOrchestrator(argument: _tessera_v1_BanOrchestratorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_BanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  BanOrchestrator(argument: _tessera_v1_BanOrchestratorRequest, callback: grpc.requestCallback<_tessera_v1_BanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  /**
   * BanOrchestrator bans an orchestrator name: it may not attest again until
   * the ban is lifted, however long ago its revocation entries were pruned.
   * Its current identity, if any, is revoked too. Audited.
   * Who may call: an operator, over the admin Unix socket.
   */
  banOrchestrator(argument: _tessera_v1_BanOrchestratorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_BanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  banOrchestrator(argument: _tessera_v1_BanOrchestratorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_BanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  banOrchestrator(argument: _tessera_v1_BanOrchestratorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_BanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  banOrchestrator(argument: _tessera_v1_BanOrchestratorRequest, callback: grpc.requestCallback<_tessera_v1_BanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * CreateJoinToken makes a one-time join token that attests one orchestrator.
   * Who may call: an operator, over the admin Unix socket (its file mode is
   * the access control).
   */
  CreateJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * CreateJoinToken makes a one-time join token that attests one orchestrator.
   * Who may call: an operator, over the admin Unix socket (its file mode is
   * the access control).
   */
  createJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * GetAgent returns one identity and everything it delegated to.
   * Who may call: an operator, over the admin Unix socket.
   */
  GetAgent(argument: _tessera_v1_GetAgentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetAgentResponse__Output>): grpc.ClientUnaryCall;
  GetAgent(argument: _tessera_v1_GetAgentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_GetAgentResponse__Output>): grpc.ClientUnaryCall;
  GetAgent(argument: _tessera_v1_GetAgentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetAgentResponse__Output>): grpc.ClientUnaryCall;
  GetAgent(argument: _tessera_v1_GetAgentRequest, callback: grpc.requestCallback<_tessera_v1_GetAgentResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetAgent returns one identity and everything it delegated to.
   * Who may call: an operator, over the admin Unix socket.
   */
  getAgent(argument: _tessera_v1_GetAgentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetAgentResponse__Output>): grpc.ClientUnaryCall;
  getAgent(argument: _tessera_v1_GetAgentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_GetAgentResponse__Output>): grpc.ClientUnaryCall;
  getAgent(argument: _tessera_v1_GetAgentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetAgentResponse__Output>): grpc.ClientUnaryCall;
  getAgent(argument: _tessera_v1_GetAgentRequest, callback: grpc.requestCallback<_tessera_v1_GetAgentResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListAgents lists agent instances with their task, lineage and status, in
   * SPIFFE ID order.
   * Who may call: an operator, over the admin Unix socket.
   */
  ListAgents(argument: _tessera_v1_ListAgentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  ListAgents(argument: _tessera_v1_ListAgentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  ListAgents(argument: _tessera_v1_ListAgentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  ListAgents(argument: _tessera_v1_ListAgentsRequest, callback: grpc.requestCallback<_tessera_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListAgents lists agent instances with their task, lineage and status, in
   * SPIFFE ID order.
   * Who may call: an operator, over the admin Unix socket.
   */
  listAgents(argument: _tessera_v1_ListAgentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  listAgents(argument: _tessera_v1_ListAgentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  listAgents(argument: _tessera_v1_ListAgentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  listAgents(argument: _tessera_v1_ListAgentsRequest, callback: grpc.requestCallback<_tessera_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListAuditRecords returns audit records in sequence order, to answer "who
   * authorised this?".
   * Who may call: an operator, over the admin Unix socket.
   */
  ListAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListAuditRecords returns audit records in sequence order, to answer "who
   * authorised this?".
   * Who may call: an operator, over the admin Unix socket.
   */
  listAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * MintJWTSVID signs a standard JWT-SVID (sub, aud, exp, iat; the active JWT
   * authority's kid) for a registered service (spiffe://<td>/service/<name>).
   * It is not a task token: no task, orchestrator, sponsor, scope or cnf, so
   * everything that demands a task token refuses it. Audited (jwt.mint) before
   * it is returned; the token itself is never recorded.
   * Who may call: an operator, over the admin Unix socket.
   */
  MintJWTSVID(argument: _tessera_v1_AdminServiceMintJWTSVIDRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_AdminServiceMintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  MintJWTSVID(argument: _tessera_v1_AdminServiceMintJWTSVIDRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_AdminServiceMintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  MintJWTSVID(argument: _tessera_v1_AdminServiceMintJWTSVIDRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_AdminServiceMintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  MintJWTSVID(argument: _tessera_v1_AdminServiceMintJWTSVIDRequest, callback: grpc.requestCallback<_tessera_v1_AdminServiceMintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  /**
   * MintJWTSVID signs a standard JWT-SVID (sub, aud, exp, iat; the active JWT
   * authority's kid) for a registered service (spiffe://<td>/service/<name>).
   * It is not a task token: no task, orchestrator, sponsor, scope or cnf, so
   * everything that demands a task token refuses it. Audited (jwt.mint) before
   * it is returned; the token itself is never recorded.
   * Who may call: an operator, over the admin Unix socket.
   */
  mintJwtsvid(argument: _tessera_v1_AdminServiceMintJWTSVIDRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_AdminServiceMintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  mintJwtsvid(argument: _tessera_v1_AdminServiceMintJWTSVIDRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_AdminServiceMintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  mintJwtsvid(argument: _tessera_v1_AdminServiceMintJWTSVIDRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_AdminServiceMintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  mintJwtsvid(argument: _tessera_v1_AdminServiceMintJWTSVIDRequest, callback: grpc.requestCallback<_tessera_v1_AdminServiceMintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * MintX509SVID signs an X509-SVID for a registered service
   * (spiffe://<td>/service/<name>) and a public key the operator holds the
   * private half of; agent and orchestrator identities come only from
   * attestation. Audited (x509.mint) with its serial before it is returned,
   * so `tessera revoke --serial` works on it.
   * Who may call: an operator, over the admin Unix socket.
   */
  MintX509SVID(argument: _tessera_v1_MintX509SVIDRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_MintX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  MintX509SVID(argument: _tessera_v1_MintX509SVIDRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_MintX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  MintX509SVID(argument: _tessera_v1_MintX509SVIDRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_MintX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  MintX509SVID(argument: _tessera_v1_MintX509SVIDRequest, callback: grpc.requestCallback<_tessera_v1_MintX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  /**
   * MintX509SVID signs an X509-SVID for a registered service
   * (spiffe://<td>/service/<name>) and a public key the operator holds the
   * private half of; agent and orchestrator identities come only from
   * attestation. Audited (x509.mint) with its serial before it is returned,
   * so `tessera revoke --serial` works on it.
   * Who may call: an operator, over the admin Unix socket.
   */
  mintX509Svid(argument: _tessera_v1_MintX509SVIDRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_MintX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  mintX509Svid(argument: _tessera_v1_MintX509SVIDRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_MintX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  mintX509Svid(argument: _tessera_v1_MintX509SVIDRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_MintX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  mintX509Svid(argument: _tessera_v1_MintX509SVIDRequest, callback: grpc.requestCallback<_tessera_v1_MintX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Revoke revokes one certificate (by serial), one task token (by jti), one
   * identity, every agent of a task, or an agent and everything it delegated
   * to. The entries are durable and audited before the call returns, and go
   * out on WatchRevocations at once. Revoking what is already revoked commits
   * nothing and returns no entry.
   * Who may call: an operator, over the admin Unix socket.
   */
  Revoke(argument: _tessera_v1_RevokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RevokeResponse__Output>): grpc.ClientUnaryCall;
  Revoke(argument: _tessera_v1_RevokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_RevokeResponse__Output>): grpc.ClientUnaryCall;
  Revoke(argument: _tessera_v1_RevokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RevokeResponse__Output>): grpc.ClientUnaryCall;
  Revoke(argument: _tessera_v1_RevokeRequest, callback: grpc.requestCallback<_tessera_v1_RevokeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Revoke revokes one certificate (by serial), one task token (by jti), one
   * identity, every agent of a task, or an agent and everything it delegated
   * to. The entries are durable and audited before the call returns, and go
   * out on WatchRevocations at once. Revoking what is already revoked commits
   * nothing and returns no entry.
   * Who may call: an operator, over the admin Unix socket.
   */
  revoke(argument: _tessera_v1_RevokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RevokeResponse__Output>): grpc.ClientUnaryCall;
  revoke(argument: _tessera_v1_RevokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_RevokeResponse__Output>): grpc.ClientUnaryCall;
  revoke(argument: _tessera_v1_RevokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RevokeResponse__Output>): grpc.ClientUnaryCall;
  revoke(argument: _tessera_v1_RevokeRequest, callback: grpc.requestCallback<_tessera_v1_RevokeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * UnbanOrchestrator lifts a ban. Audited.
   * Who may call: an operator, over the admin Unix socket.
   */
  UnbanOrchestrator(argument: _tessera_v1_UnbanOrchestratorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_UnbanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  UnbanOrchestrator(argument: _tessera_v1_UnbanOrchestratorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_UnbanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  UnbanOrchestrator(argument: _tessera_v1_UnbanOrchestratorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_UnbanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  UnbanOrchestrator(argument: _tessera_v1_UnbanOrchestratorRequest, callback: grpc.requestCallback<_tessera_v1_UnbanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  /**
   * UnbanOrchestrator lifts a ban. Audited.
   * Who may call: an operator, over the admin Unix socket.
   */
  unbanOrchestrator(argument: _tessera_v1_UnbanOrchestratorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_UnbanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  unbanOrchestrator(argument: _tessera_v1_UnbanOrchestratorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_UnbanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  unbanOrchestrator(argument: _tessera_v1_UnbanOrchestratorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_UnbanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  unbanOrchestrator(argument: _tessera_v1_UnbanOrchestratorRequest, callback: grpc.requestCallback<_tessera_v1_UnbanOrchestratorResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VerifyAudit checks the audit hash chain and its signed checkpoints.
   * Who may call: an operator, over the admin Unix socket.
   */
  VerifyAudit(argument: _tessera_v1_VerifyAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _tessera_v1_VerifyAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _tessera_v1_VerifyAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _tessera_v1_VerifyAuditRequest, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VerifyAudit checks the audit hash chain and its signed checkpoints.
   * Who may call: an operator, over the admin Unix socket.
   */
  verifyAudit(argument: _tessera_v1_VerifyAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _tessera_v1_VerifyAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _tessera_v1_VerifyAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _tessera_v1_VerifyAuditRequest, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * AdminService is the operator's API.
 */
export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * BanOrchestrator bans an orchestrator name: it may not attest again until
   * the ban is lifted, however long ago its revocation entries were pruned.
   * Its current identity, if any, is revoked too. Audited.
   * Who may call: an operator, over the admin Unix socket.
   */
  BanOrchestrator: grpc.handleUnaryCall<_tessera_v1_BanOrchestratorRequest__Output, _tessera_v1_BanOrchestratorResponse>;
  
  /**
   * CreateJoinToken makes a one-time join token that attests one orchestrator.
   * Who may call: an operator, over the admin Unix socket (its file mode is
   * the access control).
   */
  CreateJoinToken: grpc.handleUnaryCall<_tessera_v1_CreateJoinTokenRequest__Output, _tessera_v1_CreateJoinTokenResponse>;
  
  /**
   * GetAgent returns one identity and everything it delegated to.
   * Who may call: an operator, over the admin Unix socket.
   */
  GetAgent: grpc.handleUnaryCall<_tessera_v1_GetAgentRequest__Output, _tessera_v1_GetAgentResponse>;
  
  /**
   * ListAgents lists agent instances with their task, lineage and status, in
   * SPIFFE ID order.
   * Who may call: an operator, over the admin Unix socket.
   */
  ListAgents: grpc.handleUnaryCall<_tessera_v1_ListAgentsRequest__Output, _tessera_v1_ListAgentsResponse>;
  
  /**
   * ListAuditRecords returns audit records in sequence order, to answer "who
   * authorised this?".
   * Who may call: an operator, over the admin Unix socket.
   */
  ListAuditRecords: grpc.handleUnaryCall<_tessera_v1_ListAuditRecordsRequest__Output, _tessera_v1_ListAuditRecordsResponse>;
  
  /**
   * MintJWTSVID signs a standard JWT-SVID (sub, aud, exp, iat; the active JWT
   * authority's kid) for a registered service (spiffe://<td>/service/<name>).
   * It is not a task token: no task, orchestrator, sponsor, scope or cnf, so
   * everything that demands a task token refuses it. Audited (jwt.mint) before
   * it is returned; the token itself is never recorded.
   * Who may call: an operator, over the admin Unix socket.
   */
  MintJWTSVID: grpc.handleUnaryCall<_tessera_v1_AdminServiceMintJWTSVIDRequest__Output, _tessera_v1_AdminServiceMintJWTSVIDResponse>;
  
  /**
   * MintX509SVID signs an X509-SVID for a registered service
   * (spiffe://<td>/service/<name>) and a public key the operator holds the
   * private half of; agent and orchestrator identities come only from
   * attestation. Audited (x509.mint) with its serial before it is returned,
   * so `tessera revoke --serial` works on it.
   * Who may call: an operator, over the admin Unix socket.
   */
  MintX509SVID: grpc.handleUnaryCall<_tessera_v1_MintX509SVIDRequest__Output, _tessera_v1_MintX509SVIDResponse>;
  
  /**
   * Revoke revokes one certificate (by serial), one task token (by jti), one
   * identity, every agent of a task, or an agent and everything it delegated
   * to. The entries are durable and audited before the call returns, and go
   * out on WatchRevocations at once. Revoking what is already revoked commits
   * nothing and returns no entry.
   * Who may call: an operator, over the admin Unix socket.
   */
  Revoke: grpc.handleUnaryCall<_tessera_v1_RevokeRequest__Output, _tessera_v1_RevokeResponse>;
  
  /**
   * UnbanOrchestrator lifts a ban. Audited.
   * Who may call: an operator, over the admin Unix socket.
   */
  UnbanOrchestrator: grpc.handleUnaryCall<_tessera_v1_UnbanOrchestratorRequest__Output, _tessera_v1_UnbanOrchestratorResponse>;
  
  /**
   * VerifyAudit checks the audit hash chain and its signed checkpoints.
   * Who may call: an operator, over the admin Unix socket.
   */
  VerifyAudit: grpc.handleUnaryCall<_tessera_v1_VerifyAuditRequest__Output, _tessera_v1_VerifyAuditResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  BanOrchestrator: MethodDefinition<_tessera_v1_BanOrchestratorRequest, _tessera_v1_BanOrchestratorResponse, _tessera_v1_BanOrchestratorRequest__Output, _tessera_v1_BanOrchestratorResponse__Output>
  CreateJoinToken: MethodDefinition<_tessera_v1_CreateJoinTokenRequest, _tessera_v1_CreateJoinTokenResponse, _tessera_v1_CreateJoinTokenRequest__Output, _tessera_v1_CreateJoinTokenResponse__Output>
  GetAgent: MethodDefinition<_tessera_v1_GetAgentRequest, _tessera_v1_GetAgentResponse, _tessera_v1_GetAgentRequest__Output, _tessera_v1_GetAgentResponse__Output>
  ListAgents: MethodDefinition<_tessera_v1_ListAgentsRequest, _tessera_v1_ListAgentsResponse, _tessera_v1_ListAgentsRequest__Output, _tessera_v1_ListAgentsResponse__Output>
  ListAuditRecords: MethodDefinition<_tessera_v1_ListAuditRecordsRequest, _tessera_v1_ListAuditRecordsResponse, _tessera_v1_ListAuditRecordsRequest__Output, _tessera_v1_ListAuditRecordsResponse__Output>
  MintJWTSVID: MethodDefinition<_tessera_v1_AdminServiceMintJWTSVIDRequest, _tessera_v1_AdminServiceMintJWTSVIDResponse, _tessera_v1_AdminServiceMintJWTSVIDRequest__Output, _tessera_v1_AdminServiceMintJWTSVIDResponse__Output>
  MintX509SVID: MethodDefinition<_tessera_v1_MintX509SVIDRequest, _tessera_v1_MintX509SVIDResponse, _tessera_v1_MintX509SVIDRequest__Output, _tessera_v1_MintX509SVIDResponse__Output>
  Revoke: MethodDefinition<_tessera_v1_RevokeRequest, _tessera_v1_RevokeResponse, _tessera_v1_RevokeRequest__Output, _tessera_v1_RevokeResponse__Output>
  UnbanOrchestrator: MethodDefinition<_tessera_v1_UnbanOrchestratorRequest, _tessera_v1_UnbanOrchestratorResponse, _tessera_v1_UnbanOrchestratorRequest__Output, _tessera_v1_UnbanOrchestratorResponse__Output>
  VerifyAudit: MethodDefinition<_tessera_v1_VerifyAuditRequest, _tessera_v1_VerifyAuditResponse, _tessera_v1_VerifyAuditRequest__Output, _tessera_v1_VerifyAuditResponse__Output>
}
