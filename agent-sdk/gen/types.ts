import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { JWTAuthority as _tessera_v1_JWTAuthority, JWTAuthority__Output as _tessera_v1_JWTAuthority__Output } from './tessera/v1/JWTAuthority.js';
import type { JWTSVID as _tessera_v1_JWTSVID, JWTSVID__Output as _tessera_v1_JWTSVID__Output } from './tessera/v1/JWTSVID.js';
import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from './tessera/v1/SvidProof.js';
import type { TrustBundle as _tessera_v1_TrustBundle, TrustBundle__Output as _tessera_v1_TrustBundle__Output } from './tessera/v1/TrustBundle.js';
import type { X509SVID as _tessera_v1_X509SVID, X509SVID__Output as _tessera_v1_X509SVID__Output } from './tessera/v1/X509SVID.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tessera: {
    v1: {
      JWTAuthority: MessageTypeDefinition<_tessera_v1_JWTAuthority, _tessera_v1_JWTAuthority__Output>
      JWTSVID: MessageTypeDefinition<_tessera_v1_JWTSVID, _tessera_v1_JWTSVID__Output>
      SvidProof: MessageTypeDefinition<_tessera_v1_SvidProof, _tessera_v1_SvidProof__Output>
      TrustBundle: MessageTypeDefinition<_tessera_v1_TrustBundle, _tessera_v1_TrustBundle__Output>
      X509SVID: MessageTypeDefinition<_tessera_v1_X509SVID, _tessera_v1_X509SVID__Output>
    }
  }
}

