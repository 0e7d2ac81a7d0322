import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminServiceClient as _tessera_v1_AdminServiceClient, AdminServiceDefinition as _tessera_v1_AdminServiceDefinition } from './tessera/v1/AdminService.js';
import type { AdminServiceMintJWTSVIDRequest as _tessera_v1_AdminServiceMintJWTSVIDRequest, AdminServiceMintJWTSVIDRequest__Output as _tessera_v1_AdminServiceMintJWTSVIDRequest__Output } from './tessera/v1/AdminServiceMintJWTSVIDRequest.js';
import type { AdminServiceMintJWTSVIDResponse as _tessera_v1_AdminServiceMintJWTSVIDResponse, AdminServiceMintJWTSVIDResponse__Output as _tessera_v1_AdminServiceMintJWTSVIDResponse__Output } from './tessera/v1/AdminServiceMintJWTSVIDResponse.js';
import type { AgentInfo as _tessera_v1_AgentInfo, AgentInfo__Output as _tessera_v1_AgentInfo__Output } from './tessera/v1/AgentInfo.js';
import type { AuditRecord as _tessera_v1_AuditRecord, AuditRecord__Output as _tessera_v1_AuditRecord__Output } from './tessera/v1/AuditRecord.js';
import type { BanOrchestratorRequest as _tessera_v1_BanOrchestratorRequest, BanOrchestratorRequest__Output as _tessera_v1_BanOrchestratorRequest__Output } from './tessera/v1/BanOrchestratorRequest.js';
import type { BanOrchestratorResponse as _tessera_v1_BanOrchestratorResponse, BanOrchestratorResponse__Output as _tessera_v1_BanOrchestratorResponse__Output } from './tessera/v1/BanOrchestratorResponse.js';
import type { CompleteTaskRequest as _tessera_v1_CompleteTaskRequest, CompleteTaskRequest__Output as _tessera_v1_CompleteTaskRequest__Output } from './tessera/v1/CompleteTaskRequest.js';
import type { CompleteTaskResponse as _tessera_v1_CompleteTaskResponse, CompleteTaskResponse__Output as _tessera_v1_CompleteTaskResponse__Output } from './tessera/v1/CompleteTaskResponse.js';
import type { CreateJoinTokenRequest as _tessera_v1_CreateJoinTokenRequest, CreateJoinTokenRequest__Output as _tessera_v1_CreateJoinTokenRequest__Output } from './tessera/v1/CreateJoinTokenRequest.js';
import type { CreateJoinTokenResponse as _tessera_v1_CreateJoinTokenResponse, CreateJoinTokenResponse__Output as _tessera_v1_CreateJoinTokenResponse__Output } from './tessera/v1/CreateJoinTokenResponse.js';
import type { GetAgentRequest as _tessera_v1_GetAgentRequest, GetAgentRequest__Output as _tessera_v1_GetAgentRequest__Output } from './tessera/v1/GetAgentRequest.js';
import type { GetAgentResponse as _tessera_v1_GetAgentResponse, GetAgentResponse__Output as _tessera_v1_GetAgentResponse__Output } from './tessera/v1/GetAgentResponse.js';
import type { JWTAuthority as _tessera_v1_JWTAuthority, JWTAuthority__Output as _tessera_v1_JWTAuthority__Output } from './tessera/v1/JWTAuthority.js';
import type { JWTSVID as _tessera_v1_JWTSVID, JWTSVID__Output as _tessera_v1_JWTSVID__Output } from './tessera/v1/JWTSVID.js';
import type { ListAgentsRequest as _tessera_v1_ListAgentsRequest, ListAgentsRequest__Output as _tessera_v1_ListAgentsRequest__Output } from './tessera/v1/ListAgentsRequest.js';
import type { ListAgentsResponse as _tessera_v1_ListAgentsResponse, ListAgentsResponse__Output as _tessera_v1_ListAgentsResponse__Output } from './tessera/v1/ListAgentsResponse.js';
import type { ListAuditRecordsRequest as _tessera_v1_ListAuditRecordsRequest, ListAuditRecordsRequest__Output as _tessera_v1_ListAuditRecordsRequest__Output } from './tessera/v1/ListAuditRecordsRequest.js';
import type { ListAuditRecordsResponse as _tessera_v1_ListAuditRecordsResponse, ListAuditRecordsResponse__Output as _tessera_v1_ListAuditRecordsResponse__Output } from './tessera/v1/ListAuditRecordsResponse.js';
import type { MintX509SVIDRequest as _tessera_v1_MintX509SVIDRequest, MintX509SVIDRequest__Output as _tessera_v1_MintX509SVIDRequest__Output } from './tessera/v1/MintX509SVIDRequest.js';
import type { MintX509SVIDResponse as _tessera_v1_MintX509SVIDResponse, MintX509SVIDResponse__Output as _tessera_v1_MintX509SVIDResponse__Output } from './tessera/v1/MintX509SVIDResponse.js';
import type { ReleaseIdentityRequest as _tessera_v1_ReleaseIdentityRequest, ReleaseIdentityRequest__Output as _tessera_v1_ReleaseIdentityRequest__Output } from './tessera/v1/ReleaseIdentityRequest.js';
import type { ReleaseIdentityResponse as _tessera_v1_ReleaseIdentityResponse, ReleaseIdentityResponse__Output as _tessera_v1_ReleaseIdentityResponse__Output } from './tessera/v1/ReleaseIdentityResponse.js';
import type { RevocationEntry as _tessera_v1_RevocationEntry, RevocationEntry__Output as _tessera_v1_RevocationEntry__Output } from './tessera/v1/RevocationEntry.js';
import type { RevocationServiceClient as _tessera_v1_RevocationServiceClient, RevocationServiceDefinition as _tessera_v1_RevocationServiceDefinition } from './tessera/v1/RevocationService.js';
import type { RevokeRequest as _tessera_v1_RevokeRequest, RevokeRequest__Output as _tessera_v1_RevokeRequest__Output } from './tessera/v1/RevokeRequest.js';
import type { RevokeResponse as _tessera_v1_RevokeResponse, RevokeResponse__Output as _tessera_v1_RevokeResponse__Output } from './tessera/v1/RevokeResponse.js';
import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from './tessera/v1/SvidProof.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from './tessera/v1/TrustBundle.js';
import type { UnbanOrchestratorRequest as _tessera_v1_UnbanOrchestratorRequest, UnbanOrchestratorRequest__Output as _tessera_v1_UnbanOrchestratorRequest__Output } from './tessera/v1/UnbanOrchestratorRequest.js';
import type { UnbanOrchestratorResponse as _tessera_v1_UnbanOrchestratorResponse, UnbanOrchestratorResponse__Output as _tessera_v1_UnbanOrchestratorResponse__Output } from './tessera/v1/UnbanOrchestratorResponse.js';
import type { VerifyAuditRequest as _tessera_v1_VerifyAuditRequest, VerifyAuditRequest__Output as _tessera_v1_VerifyAuditRequest__Output } from './tessera/v1/VerifyAuditRequest.js';
import type { VerifyAuditResponse as _tessera_v1_VerifyAuditResponse, VerifyAuditResponse__Output as _tessera_v1_VerifyAuditResponse__Output } from './tessera/v1/VerifyAuditResponse.js';
import type { WatchRevocationsRequest as _tessera_v1_WatchRevocationsRequest, WatchRevocationsRequest__Output as _tessera_v1_WatchRevocationsRequest__Output } from './tessera/v1/WatchRevocationsRequest.js';
import type { WatchRevocationsResponse as _tessera_v1_WatchRevocationsResponse, WatchRevocationsResponse__Output as _tessera_v1_WatchRevocationsResponse__Output } from './tessera/v1/WatchRevocationsResponse.js';
import type { WatchRevocationsWithProofRequest as _tessera_v1_WatchRevocationsWithProofRequest, WatchRevocationsWithProofRequest__Output as _tessera_v1_WatchRevocationsWithProofRequest__Output } from './tessera/v1/WatchRevocationsWithProofRequest.js';
import type { WatchRevocationsWithProofResponse as _tessera_v1_WatchRevocationsWithProofResponse, WatchRevocationsWithProofResponse__Output as _tessera_v1_WatchRevocationsWithProofResponse__Output } from './tessera/v1/WatchRevocationsWithProofResponse.js';
import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from './tessera/v1/X509SVID.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tessera: {
    v1: {
      /**
       * AdminService is the operator's API.
       */
      AdminService: SubtypeConstructor<typeof grpc.Client, _tessera_v1_AdminServiceClient> & { service: _tessera_v1_AdminServiceDefinition }
      AdminServiceMintJWTSVIDRequest: MessageTypeDefinition<_tessera_v1_AdminServiceMintJWTSVIDRequest, _tessera_v1_AdminServiceMintJWTSVIDRequest__Output>
      AdminServiceMintJWTSVIDResponse: MessageTypeDefinition<_tessera_v1_AdminServiceMintJWTSVIDResponse, _tessera_v1_AdminServiceMintJWTSVIDResponse__Output>
      AgentInfo: MessageTypeDefinition<_tessera_v1_AgentInfo, _tessera_v1_AgentInfo__Output>
      AgentStatus: EnumTypeDefinition
      AuditRecord: MessageTypeDefinition<_tessera_v1_AuditRecord, _tessera_v1_AuditRecord__Output>
      BanOrchestratorRequest: MessageTypeDefinition<_tessera_v1_BanOrchestratorRequest, _tessera_v1_BanOrchestratorRequest__Output>
      BanOrchestratorResponse: MessageTypeDefinition<_tessera_v1_BanOrchestratorResponse, _tessera_v1_BanOrchestratorResponse__Output>
      CompleteTaskRequest: MessageTypeDefinition<_tessera_v1_CompleteTaskRequest, _tessera_v1_CompleteTaskRequest__Output>
      CompleteTaskResponse: MessageTypeDefinition<_tessera_v1_CompleteTaskResponse, _tessera_v1_CompleteTaskResponse__Output>
      CreateJoinTokenRequest: MessageTypeDefinition<_tessera_v1_CreateJoinTokenRequest, _tessera_v1_CreateJoinTokenRequest__Output>
      CreateJoinTokenResponse: MessageTypeDefinition<_tessera_v1_CreateJoinTokenResponse, _tessera_v1_CreateJoinTokenResponse__Output>
      GetAgentRequest: MessageTypeDefinition<_tessera_v1_GetAgentRequest, _tessera_v1_GetAgentRequest__Output>
      GetAgentResponse: MessageTypeDefinition<_tessera_v1_GetAgentResponse, _tessera_v1_GetAgentResponse__Output>
      JWTAuthority: MessageTypeDefinition<_tessera_v1_JWTAuthority, _tessera_v1_JWTAuthority__Output>
      JWTSVID: MessageTypeDefinition<_tessera_v1_JWTSVID, _tessera_v1_JWTSVID__Output>
      ListAgentsRequest: MessageTypeDefinition<_tessera_v1_ListAgentsRequest, _tessera_v1_ListAgentsRequest__Output>
      ListAgentsResponse: MessageTypeDefinition<_tessera_v1_ListAgentsResponse, _tessera_v1_ListAgentsResponse__Output>
      ListAuditRecordsRequest: MessageTypeDefinition<_tessera_v1_ListAuditRecordsRequest, _tessera_v1_ListAuditRecordsRequest__Output>
      ListAuditRecordsResponse: MessageTypeDefinition<_tessera_v1_ListAuditRecordsResponse, _tessera_v1_ListAuditRecordsResponse__Output>
      MintX509SVIDRequest: MessageTypeDefinition<_tessera_v1_MintX509SVIDRequest, _tessera_v1_MintX509SVIDRequest__Output>
      MintX509SVIDResponse: MessageTypeDefinition<_tessera_v1_MintX509SVIDResponse, _tessera_v1_MintX509SVIDResponse__Output>
      ReleaseIdentityRequest: MessageTypeDefinition<_tessera_v1_ReleaseIdentityRequest, _tessera_v1_ReleaseIdentityRequest__Output>
      ReleaseIdentityResponse: MessageTypeDefinition<_tessera_v1_ReleaseIdentityResponse, _tessera_v1_ReleaseIdentityResponse__Output>
      RevocationCause: EnumTypeDefinition
      RevocationEntry: MessageTypeDefinition<_tessera_v1_RevocationEntry, _tessera_v1_RevocationEntry__Output>
      RevocationKind: EnumTypeDefinition
      /**
       * RevocationService propagates revocations to every validator of the trust
       * domain and lets agents and orchestrators end what was issued for a task.
       */
      RevocationService: SubtypeConstructor<typeof grpc.Client, _tessera_v1_RevocationServiceClient> & { service: _tessera_v1_RevocationServiceDefinition }
      RevokeRequest: MessageTypeDefinition<_tessera_v1_RevokeRequest, _tessera_v1_RevokeRequest__Output>
      RevokeResponse: MessageTypeDefinition<_tessera_v1_RevokeResponse, _tessera_v1_RevokeResponse__Output>
      SvidProof: MessageTypeDefinition<_tessera_v1_SvidProof, _tessera_v1_SvidProof__Output>
      TrustBundle: MessageTypeDefinition<_tessera_v1_TrustBundle, _tessera_v1_TrustBundle__Output>
      UnbanOrchestratorRequest: MessageTypeDefinition<_tessera_v1_UnbanOrchestratorRequest, _tessera_v1_UnbanOrchestratorRequest__Output>
      UnbanOrchestratorResponse: MessageTypeDefinition<_tessera_v1_UnbanOrchestratorResponse, _tessera_v1_UnbanOrchestratorResponse__Output>
      VerifyAuditRequest: MessageTypeDefinition<_tessera_v1_VerifyAuditRequest, _tessera_v1_VerifyAuditRequest__Output>
      VerifyAuditResponse: MessageTypeDefinition<_tessera_v1_VerifyAuditResponse, _tessera_v1_VerifyAuditResponse__Output>
      WatchRevocationsRequest: MessageTypeDefinition<_tessera_v1_WatchRevocationsRequest, _tessera_v1_WatchRevocationsRequest__Output>
      WatchRevocationsResponse: MessageTypeDefinition<_tessera_v1_WatchRevocationsResponse, _tessera_v1_WatchRevocationsResponse__Output>
      WatchRevocationsWithProofRequest: MessageTypeDefinition<_tessera_v1_WatchRevocationsWithProofRequest, _tessera_v1_WatchRevocationsWithProofRequest__Output>
      WatchRevocationsWithProofResponse: MessageTypeDefinition<_tessera_v1_WatchRevocationsWithProofResponse, _tessera_v1_WatchRevocationsWithProofResponse__Output>
      X509SVID: MessageTypeDefinition<_tessera_v1_X509SVID, _tessera_v1_X509SVID__Output>
    }
  }
}

