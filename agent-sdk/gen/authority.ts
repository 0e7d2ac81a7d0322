import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActivateAuthorityRequest as _tessera_v1_ActivateAuthorityRequest, ActivateAuthorityRequest__Output as _tessera_v1_ActivateAuthorityRequest__Output } from './tessera/v1/ActivateAuthorityRequest.js';
import type { ActivateAuthorityResponse as _tessera_v1_ActivateAuthorityResponse, ActivateAuthorityResponse__Output as _tessera_v1_ActivateAuthorityResponse__Output } from './tessera/v1/ActivateAuthorityResponse.js';
import type { Authority as _tessera_v1_Authority, Authority__Output as _tessera_v1_Authority__Output } from './tessera/v1/Authority.js';
import type { AuthorityServiceClient as _tessera_v1_AuthorityServiceClient, AuthorityServiceDefinition as _tessera_v1_AuthorityServiceDefinition } from './tessera/v1/AuthorityService.js';
import type { CreateIntermediateCsrRequest as _tessera_v1_CreateIntermediateCsrRequest, CreateIntermediateCsrRequest__Output as _tessera_v1_CreateIntermediateCsrRequest__Output } from './tessera/v1/CreateIntermediateCsrRequest.js';
import type { CreateIntermediateCsrResponse as _tessera_v1_CreateIntermediateCsrResponse, CreateIntermediateCsrResponse__Output as _tessera_v1_CreateIntermediateCsrResponse__Output } from './tessera/v1/CreateIntermediateCsrResponse.js';
import type { GetBundleRequest as _tessera_v1_GetBundleRequest, GetBundleRequest__Output as _tessera_v1_GetBundleRequest__Output } from './tessera/v1/GetBundleRequest.js';
import type { GetBundleResponse as _tessera_v1_GetBundleResponse, GetBundleResponse__Output as _tessera_v1_GetBundleResponse__Output } from './tessera/v1/GetBundleResponse.js';
import type { JWTAuthority as _tessera_v1_JWTAuthority, JWTAuthority__Output as _tessera_v1_JWTAuthority__Output } from './tessera/v1/JWTAuthority.js';
import type { JWTSVID as _tessera_v1_JWTSVID, JWTSVID__Output as _tessera_v1_JWTSVID__Output } from './tessera/v1/JWTSVID.js';
import type { ListAuthoritiesRequest as _tessera_v1_ListAuthoritiesRequest, ListAuthoritiesRequest__Output as _tessera_v1_ListAuthoritiesRequest__Output } from './tessera/v1/ListAuthoritiesRequest.js';
import type { ListAuthoritiesResponse as _tessera_v1_ListAuthoritiesResponse, ListAuthoritiesResponse__Output as _tessera_v1_ListAuthoritiesResponse__Output } from './tessera/v1/ListAuthoritiesResponse.js';
import type { PrepareAuthorityRequest as _tessera_v1_PrepareAuthorityRequest, PrepareAuthorityRequest__Output as _tessera_v1_PrepareAuthorityRequest__Output } from './tessera/v1/PrepareAuthorityRequest.js';
import type { PrepareAuthorityResponse as _tessera_v1_PrepareAuthorityResponse, PrepareAuthorityResponse__Output as _tessera_v1_PrepareAuthorityResponse__Output } from './tessera/v1/PrepareAuthorityResponse.js';
import type { RevokeAuthorityRequest as _tessera_v1_RevokeAuthorityRequest, RevokeAuthorityRequest__Output as _tessera_v1_RevokeAuthorityRequest__Output } from './tessera/v1/RevokeAuthorityRequest.js';
import type { RevokeAuthorityResponse as _tessera_v1_RevokeAuthorityResponse, RevokeAuthorityResponse__Output as _tessera_v1_RevokeAuthorityResponse__Output } from './tessera/v1/RevokeAuthorityResponse.js';
import type { SetFederatedBundleRequest as _tessera_v1_SetFederatedBundleRequest, SetFederatedBundleRequest__Output as _tessera_v1_SetFederatedBundleRequest__Output } from './tessera/v1/SetFederatedBundleRequest.js';
import type { SetFederatedBundleResponse as _tessera_v1_SetFederatedBundleResponse, SetFederatedBundleResponse__Output as _tessera_v1_SetFederatedBundleResponse__Output } from './tessera/v1/SetFederatedBundleResponse.js';
import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from './tessera/v1/SvidProof.js';
import type { TaintAuthorityRequest as _tessera_v1_TaintAuthorityRequest, TaintAuthorityRequest__Output as _tessera_v1_TaintAuthorityRequest__Output } from './tessera/v1/TaintAuthorityRequest.js';
import type { TaintAuthorityResponse as _tessera_v1_TaintAuthorityResponse, TaintAuthorityResponse__Output as _tessera_v1_TaintAuthorityResponse__Output } from './tessera/v1/TaintAuthorityResponse.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from './tessera/v1/TrustBundle.js';
import type { UnsetFederatedBundleRequest as _tessera_v1_UnsetFederatedBundleRequest, UnsetFederatedBundleRequest__Output as _tessera_v1_UnsetFederatedBundleRequest__Output } from './tessera/v1/UnsetFederatedBundleRequest.js';
import type { UnsetFederatedBundleResponse as _tessera_v1_UnsetFederatedBundleResponse, UnsetFederatedBundleResponse__Output as _tessera_v1_UnsetFederatedBundleResponse__Output } from './tessera/v1/UnsetFederatedBundleResponse.js';
import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from './tessera/v1/X509SVID.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tessera: {
    v1: {
      ActivateAuthorityRequest: MessageTypeDefinition<_tessera_v1_ActivateAuthorityRequest, _tessera_v1_ActivateAuthorityRequest__Output>
      ActivateAuthorityResponse: MessageTypeDefinition<_tessera_v1_ActivateAuthorityResponse, _tessera_v1_ActivateAuthorityResponse__Output>
      Authority: MessageTypeDefinition<_tessera_v1_Authority, _tessera_v1_Authority__Output>
      AuthorityKind: EnumTypeDefinition
      /**
       * AuthorityService manages the CA's signing authorities (X.509 intermediates
       * and JWT signing keys) through their lifecycle: prepared, active, old,
       * tainted, revoked (docs/authorities.md). Every change is durable and audited
       * before the call returns, increases the bundle's sequence number and goes out
       * on WatchTrustBundle at once.
       */
      AuthorityService: SubtypeConstructor<typeof grpc.Client, _tessera_v1_AuthorityServiceClient> & { service: _tessera_v1_AuthorityServiceDefinition }
      CreateIntermediateCsrRequest: MessageTypeDefinition<_tessera_v1_CreateIntermediateCsrRequest, _tessera_v1_CreateIntermediateCsrRequest__Output>
      CreateIntermediateCsrResponse: MessageTypeDefinition<_tessera_v1_CreateIntermediateCsrResponse, _tessera_v1_CreateIntermediateCsrResponse__Output>
      GetBundleRequest: MessageTypeDefinition<_tessera_v1_GetBundleRequest, _tessera_v1_GetBundleRequest__Output>
      GetBundleResponse: MessageTypeDefinition<_tessera_v1_GetBundleResponse, _tessera_v1_GetBundleResponse__Output>
      JWTAuthority: MessageTypeDefinition<_tessera_v1_JWTAuthority, _tessera_v1_JWTAuthority__Output>
      JWTSVID: MessageTypeDefinition<_tessera_v1_JWTSVID, _tessera_v1_JWTSVID__Output>
      ListAuthoritiesRequest: MessageTypeDefinition<_tessera_v1_ListAuthoritiesRequest, _tessera_v1_ListAuthoritiesRequest__Output>
      ListAuthoritiesResponse: MessageTypeDefinition<_tessera_v1_ListAuthoritiesResponse, _tessera_v1_ListAuthoritiesResponse__Output>
      PrepareAuthorityRequest: MessageTypeDefinition<_tessera_v1_PrepareAuthorityRequest, _tessera_v1_PrepareAuthorityRequest__Output>
      PrepareAuthorityResponse: MessageTypeDefinition<_tessera_v1_PrepareAuthorityResponse, _tessera_v1_PrepareAuthorityResponse__Output>
      RevokeAuthorityRequest: MessageTypeDefinition<_tessera_v1_RevokeAuthorityRequest, _tessera_v1_RevokeAuthorityRequest__Output>
      RevokeAuthorityResponse: MessageTypeDefinition<_tessera_v1_RevokeAuthorityResponse, _tessera_v1_RevokeAuthorityResponse__Output>
      SetFederatedBundleRequest: MessageTypeDefinition<_tessera_v1_SetFederatedBundleRequest, _tessera_v1_SetFederatedBundleRequest__Output>
      SetFederatedBundleResponse: MessageTypeDefinition<_tessera_v1_SetFederatedBundleResponse, _tessera_v1_SetFederatedBundleResponse__Output>
      SvidProof: MessageTypeDefinition<_tessera_v1_SvidProof, _tessera_v1_SvidProof__Output>
      TaintAuthorityRequest: MessageTypeDefinition<_tessera_v1_TaintAuthorityRequest, _tessera_v1_TaintAuthorityRequest__Output>
      TaintAuthorityResponse: MessageTypeDefinition<_tessera_v1_TaintAuthorityResponse, _tessera_v1_TaintAuthorityResponse__Output>
      TrustBundle: MessageTypeDefinition<_tessera_v1_TrustBundle, _tessera_v1_TrustBundle__Output>
      UnsetFederatedBundleRequest: MessageTypeDefinition<_tessera_v1_UnsetFederatedBundleRequest, _tessera_v1_UnsetFederatedBundleRequest__Output>
      UnsetFederatedBundleResponse: MessageTypeDefinition<_tessera_v1_UnsetFederatedBundleResponse, _tessera_v1_UnsetFederatedBundleResponse__Output>
      X509SVID: MessageTypeDefinition<_tessera_v1_X509SVID, _tessera_v1_X509SVID__Output>
    }
  }
}

