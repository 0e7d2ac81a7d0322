import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActivateRequest as _tessera_v1_ActivateRequest, ActivateRequest__Output as _tessera_v1_ActivateRequest__Output } from './tessera/v1/ActivateRequest.js';
import type { ActivateResponse as _tessera_v1_ActivateResponse, ActivateResponse__Output as _tessera_v1_ActivateResponse__Output } from './tessera/v1/ActivateResponse.js';
import type { DelegateRequest as _tessera_v1_DelegateRequest, DelegateRequest__Output as _tessera_v1_DelegateRequest__Output } from './tessera/v1/DelegateRequest.js';
import type { DelegateResponse as _tessera_v1_DelegateResponse, DelegateResponse__Output as _tessera_v1_DelegateResponse__Output } from './tessera/v1/DelegateResponse.js';
import type { JWTAuthority as _tessera_v1_JWTAuthority, JWTAuthority__Output as _tessera_v1_JWTAuthority__Output } from './tessera/v1/JWTAuthority.js';
import type { JWTSVID as _tessera_v1_JWTSVID, JWTSVID__Output as _tessera_v1_JWTSVID__Output } from './tessera/v1/JWTSVID.js';
import type { MintJWTSVIDRequest as _tessera_v1_MintJWTSVIDRequest, MintJWTSVIDRequest__Output as _tessera_v1_MintJWTSVIDRequest__Output } from './tessera/v1/MintJWTSVIDRequest.js';
import type { MintJWTSVIDResponse as _tessera_v1_MintJWTSVIDResponse, MintJWTSVIDResponse__Output as _tessera_v1_MintJWTSVIDResponse__Output } from './tessera/v1/MintJWTSVIDResponse.js';
import type { PrepareDelegationRequest as _tessera_v1_PrepareDelegationRequest, PrepareDelegationRequest__Output as _tessera_v1_PrepareDelegationRequest__Output } from './tessera/v1/PrepareDelegationRequest.js';
import type { PrepareDelegationResponse as _tessera_v1_PrepareDelegationResponse, PrepareDelegationResponse__Output as _tessera_v1_PrepareDelegationResponse__Output } from './tessera/v1/PrepareDelegationResponse.js';
import type { RenewX509SVIDRequest as _tessera_v1_RenewX509SVIDRequest, RenewX509SVIDRequest__Output as _tessera_v1_RenewX509SVIDRequest__Output } from './tessera/v1/RenewX509SVIDRequest.js';
import type { RenewX509SVIDResponse as _tessera_v1_RenewX509SVIDResponse, RenewX509SVIDResponse__Output as _tessera_v1_RenewX509SVIDResponse__Output } from './tessera/v1/RenewX509SVIDResponse.js';
import type { RenewX509SVIDWithProofRequest as _tessera_v1_RenewX509SVIDWithProofRequest, RenewX509SVIDWithProofRequest__Output as _tessera_v1_RenewX509SVIDWithProofRequest__Output } from './tessera/v1/RenewX509SVIDWithProofRequest.js';
import type { RenewX509SVIDWithProofResponse as _tessera_v1_RenewX509SVIDWithProofResponse, RenewX509SVIDWithProofResponse__Output as _tessera_v1_RenewX509SVIDWithProofResponse__Output } from './tessera/v1/RenewX509SVIDWithProofResponse.js';
import type { SVIDServiceClient as _tessera_v1_SVIDServiceClient, SVIDServiceDefinition as _tessera_v1_SVIDServiceDefinition } from './tessera/v1/SVIDService.js';
import type { SpawnRequest as _tessera_v1_SpawnRequest, SpawnRequest__Output as _tessera_v1_SpawnRequest__Output } from './tessera/v1/SpawnRequest.js';
import type { SpawnResponse as _tessera_v1_SpawnResponse, SpawnResponse__Output as _tessera_v1_SpawnResponse__Output } from './tessera/v1/SpawnResponse.js';
import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from './tessera/v1/SvidProof.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from './tessera/v1/TrustBundle.js';
import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from './tessera/v1/X509SVID.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tessera: {
    v1: {
      ActivateRequest: MessageTypeDefinition<_tessera_v1_ActivateRequest, _tessera_v1_ActivateRequest__Output>
      ActivateResponse: MessageTypeDefinition<_tessera_v1_ActivateResponse, _tessera_v1_ActivateResponse__Output>
      DelegateRequest: MessageTypeDefinition<_tessera_v1_DelegateRequest, _tessera_v1_DelegateRequest__Output>
      DelegateResponse: MessageTypeDefinition<_tessera_v1_DelegateResponse, _tessera_v1_DelegateResponse__Output>
      JWTAuthority: MessageTypeDefinition<_tessera_v1_JWTAuthority, _tessera_v1_JWTAuthority__Output>
      JWTSVID: MessageTypeDefinition<_tessera_v1_JWTSVID, _tessera_v1_JWTSVID__Output>
      MintJWTSVIDRequest: MessageTypeDefinition<_tessera_v1_MintJWTSVIDRequest, _tessera_v1_MintJWTSVIDRequest__Output>
      MintJWTSVIDResponse: MessageTypeDefinition<_tessera_v1_MintJWTSVIDResponse, _tessera_v1_MintJWTSVIDResponse__Output>
      PrepareDelegationRequest: MessageTypeDefinition<_tessera_v1_PrepareDelegationRequest, _tessera_v1_PrepareDelegationRequest__Output>
      PrepareDelegationResponse: MessageTypeDefinition<_tessera_v1_PrepareDelegationResponse, _tessera_v1_PrepareDelegationResponse__Output>
      RenewX509SVIDRequest: MessageTypeDefinition<_tessera_v1_RenewX509SVIDRequest, _tessera_v1_RenewX509SVIDRequest__Output>
      RenewX509SVIDResponse: MessageTypeDefinition<_tessera_v1_RenewX509SVIDResponse, _tessera_v1_RenewX509SVIDResponse__Output>
      RenewX509SVIDWithProofRequest: MessageTypeDefinition<_tessera_v1_RenewX509SVIDWithProofRequest, _tessera_v1_RenewX509SVIDWithProofRequest__Output>
      RenewX509SVIDWithProofResponse: MessageTypeDefinition<_tessera_v1_RenewX509SVIDWithProofResponse, _tessera_v1_RenewX509SVIDWithProofResponse__Output>
      /**
       * SVIDService issues X509-SVIDs to agent instances and renews SVIDs.
       */
      SVIDService: SubtypeConstructor<typeof grpc.Client, _tessera_v1_SVIDServiceClient> & { service: _tessera_v1_SVIDServiceDefinition }
      SpawnRequest: MessageTypeDefinition<_tessera_v1_SpawnRequest, _tessera_v1_SpawnRequest__Output>
      SpawnResponse: MessageTypeDefinition<_tessera_v1_SpawnResponse, _tessera_v1_SpawnResponse__Output>
      SvidProof: MessageTypeDefinition<_tessera_v1_SvidProof, _tessera_v1_SvidProof__Output>
      TrustBundle: MessageTypeDefinition<_tessera_v1_TrustBundle, _tessera_v1_TrustBundle__Output>
      X509SVID: MessageTypeDefinition<_tessera_v1_X509SVID, _tessera_v1_X509SVID__Output>
    }
  }
}

