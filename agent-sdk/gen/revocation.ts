import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CompleteTaskRequest as _tessera_v1_CompleteTaskRequest, CompleteTaskRequest__Output as _tessera_v1_CompleteTaskRequest__Output } from './tessera/v1/CompleteTaskRequest.js';
import type { CompleteTaskResponse as _tessera_v1_CompleteTaskResponse, CompleteTaskResponse__Output as _tessera_v1_CompleteTaskResponse__Output } from './tessera/v1/CompleteTaskResponse.js';
import type { JWTAuthority as _tessera_v1_JWTAuthority, JWTAuthority__Output as _tessera_v1_JWTAuthority__Output } from './tessera/v1/JWTAuthority.js';
import type { JWTSVID as _tessera_v1_JWTSVID, JWTSVID__Output as _tessera_v1_JWTSVID__Output } from './tessera/v1/JWTSVID.js';
import type { ReleaseIdentityRequest as _tessera_v1_ReleaseIdentityRequest, ReleaseIdentityRequest__Output as _tessera_v1_ReleaseIdentityRequest__Output } from './tessera/v1/ReleaseIdentityRequest.js';
import type { ReleaseIdentityResponse as _tessera_v1_ReleaseIdentityResponse, ReleaseIdentityResponse__Output as _tessera_v1_ReleaseIdentityResponse__Output } from './tessera/v1/ReleaseIdentityResponse.js';
import type { RevocationEntry as _tessera_v1_RevocationEntry, RevocationEntry__Output as _tessera_v1_RevocationEntry__Output } from './tessera/v1/RevocationEntry.js';
import type { RevocationServiceClient as _tessera_v1_RevocationServiceClient, RevocationServiceDefinition as _tessera_v1_RevocationServiceDefinition } from './tessera/v1/RevocationService.js';
import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from './tessera/v1/SvidProof.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from './tessera/v1/TrustBundle.js';
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
      CompleteTaskRequest: MessageTypeDefinition<_tessera_v1_CompleteTaskRequest, _tessera_v1_CompleteTaskRequest__Output>
      CompleteTaskResponse: MessageTypeDefinition<_tessera_v1_CompleteTaskResponse, _tessera_v1_CompleteTaskResponse__Output>
      JWTAuthority: MessageTypeDefinition<_tessera_v1_JWTAuthority, _tessera_v1_JWTAuthority__Output>
      JWTSVID: MessageTypeDefinition<_tessera_v1_JWTSVID, _tessera_v1_JWTSVID__Output>
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
      SvidProof: MessageTypeDefinition<_tessera_v1_SvidProof, _tessera_v1_SvidProof__Output>
      TrustBundle: MessageTypeDefinition<_tessera_v1_TrustBundle, _tessera_v1_TrustBundle__Output>
      WatchRevocationsRequest: MessageTypeDefinition<_tessera_v1_WatchRevocationsRequest, _tessera_v1_WatchRevocationsRequest__Output>
      WatchRevocationsResponse: MessageTypeDefinition<_tessera_v1_WatchRevocationsResponse, _tessera_v1_WatchRevocationsResponse__Output>
      WatchRevocationsWithProofRequest: MessageTypeDefinition<_tessera_v1_WatchRevocationsWithProofRequest, _tessera_v1_WatchRevocationsWithProofRequest__Output>
      WatchRevocationsWithProofResponse: MessageTypeDefinition<_tessera_v1_WatchRevocationsWithProofResponse, _tessera_v1_WatchRevocationsWithProofResponse__Output>
      X509SVID: MessageTypeDefinition<_tessera_v1_X509SVID, _tessera_v1_X509SVID__Output>
    }
  }
}

