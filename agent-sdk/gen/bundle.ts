import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { GetTrustBundleRequest as _tessera_v1_GetTrustBundleRequest, GetTrustBundleRequest__Output as _tessera_v1_GetTrustBundleRequest__Output } from './tessera/v1/GetTrustBundleRequest.js';
import type { GetTrustBundleResponse as _tessera_v1_GetTrustBundleResponse, GetTrustBundleResponse__Output as _tessera_v1_GetTrustBundleResponse__Output } from './tessera/v1/GetTrustBundleResponse.js';
import type { JWTAuthority as _tessera_v1_JWTAuthority, JWTAuthority__Output as _tessera_v1_JWTAuthority__Output } from './tessera/v1/JWTAuthority.js';
import type { JWTSVID as _tessera_v1_JWTSVID, JWTSVID__Output as _tessera_v1_JWTSVID__Output } from './tessera/v1/JWTSVID.js';
import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from './tessera/v1/SvidProof.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from './tessera/v1/TrustBundle.js';
import type { TrustBundleServiceClient as _tessera_v1_TrustBundleServiceClient, TrustBundleServiceDefinition as _tessera_v1_TrustBundleServiceDefinition } from './tessera/v1/TrustBundleService.js';
import type { WatchTrustBundleRequest as _tessera_v1_WatchTrustBundleRequest, WatchTrustBundleRequest__Output as _tessera_v1_WatchTrustBundleRequest__Output } from './tessera/v1/WatchTrustBundleRequest.js';
import type { WatchTrustBundleResponse as _tessera_v1_WatchTrustBundleResponse, WatchTrustBundleResponse__Output as _tessera_v1_WatchTrustBundleResponse__Output } from './tessera/v1/WatchTrustBundleResponse.js';
import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from './tessera/v1/X509SVID.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tessera: {
    v1: {
      GetTrustBundleRequest: MessageTypeDefinition<_tessera_v1_GetTrustBundleRequest, _tessera_v1_GetTrustBundleRequest__Output>
      GetTrustBundleResponse: MessageTypeDefinition<_tessera_v1_GetTrustBundleResponse, _tessera_v1_GetTrustBundleResponse__Output>
      JWTAuthority: MessageTypeDefinition<_tessera_v1_JWTAuthority, _tessera_v1_JWTAuthority__Output>
      JWTSVID: MessageTypeDefinition<_tessera_v1_JWTSVID, _tessera_v1_JWTSVID__Output>
      SvidProof: MessageTypeDefinition<_tessera_v1_SvidProof, _tessera_v1_SvidProof__Output>
      TrustBundle: MessageTypeDefinition<_tessera_v1_TrustBundle, _tessera_v1_TrustBundle__Output>
      /**
       * TrustBundleService serves the trust bundle.
       */
      TrustBundleService: SubtypeConstructor<typeof grpc.Client, _tessera_v1_TrustBundleServiceClient> & { service: _tessera_v1_TrustBundleServiceDefinition }
      WatchTrustBundleRequest: MessageTypeDefinition<_tessera_v1_WatchTrustBundleRequest, _tessera_v1_WatchTrustBundleRequest__Output>
      WatchTrustBundleResponse: MessageTypeDefinition<_tessera_v1_WatchTrustBundleResponse, _tessera_v1_WatchTrustBundleResponse__Output>
      X509SVID: MessageTypeDefinition<_tessera_v1_X509SVID, _tessera_v1_X509SVID__Output>
    }
  }
}

