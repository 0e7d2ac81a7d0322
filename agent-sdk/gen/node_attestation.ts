import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AttestRequest as _tessera_v1_AttestRequest, AttestRequest__Output as _tessera_v1_AttestRequest__Output } from './tessera/v1/AttestRequest.js';
import type { AttestResponse as _tessera_v1_AttestResponse, AttestResponse__Output as _tessera_v1_AttestResponse__Output } from './tessera/v1/AttestResponse.js';
import type { AttestResult as _tessera_v1_AttestResult, AttestResult__Output as _tessera_v1_AttestResult__Output } from './tessera/v1/AttestResult.js';
import type { AttestationParams as _tessera_v1_AttestationParams, AttestationParams__Output as _tessera_v1_AttestationParams__Output } from './tessera/v1/AttestationParams.js';
import type { JWTAuthority as _tessera_v1_JWTAuthority, JWTAuthority__Output as _tessera_v1_JWTAuthority__Output } from './tessera/v1/JWTAuthority.js';
import type { JWTSVID as _tessera_v1_JWTSVID, JWTSVID__Output as _tessera_v1_JWTSVID__Output } from './tessera/v1/JWTSVID.js';
import type { NodeAttestationServiceClient as _tessera_v1_NodeAttestationServiceClient, NodeAttestationServiceDefinition as _tessera_v1_NodeAttestationServiceDefinition } from './tessera/v1/NodeAttestationService.js';
import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from './tessera/v1/SvidProof.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from './tessera/v1/TrustBundle.js';
import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from './tessera/v1/X509SVID.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tessera: {
    v1: {
      AttestRequest: MessageTypeDefinition<_tessera_v1_AttestRequest, _tessera_v1_AttestRequest__Output>
      AttestResponse: MessageTypeDefinition<_tessera_v1_AttestResponse, _tessera_v1_AttestResponse__Output>
      AttestResult: MessageTypeDefinition<_tessera_v1_AttestResult, _tessera_v1_AttestResult__Output>
      AttestationParams: MessageTypeDefinition<_tessera_v1_AttestationParams, _tessera_v1_AttestationParams__Output>
      JWTAuthority: MessageTypeDefinition<_tessera_v1_JWTAuthority, _tessera_v1_JWTAuthority__Output>
      JWTSVID: MessageTypeDefinition<_tessera_v1_JWTSVID, _tessera_v1_JWTSVID__Output>
      /**
       * NodeAttestationService turns proof from a node-attestor plugin into an
       * orchestrator X509-SVID.
       */
      NodeAttestationService: SubtypeConstructor<typeof grpc.Client, _tessera_v1_NodeAttestationServiceClient> & { service: _tessera_v1_NodeAttestationServiceDefinition }
      SvidProof: MessageTypeDefinition<_tessera_v1_SvidProof, _tessera_v1_SvidProof__Output>
      TrustBundle: MessageTypeDefinition<_tessera_v1_TrustBundle, _tessera_v1_TrustBundle__Output>
      X509SVID: MessageTypeDefinition<_tessera_v1_X509SVID, _tessera_v1_X509SVID__Output>
    }
  }
}

