// Original file: proto/tessera/v1/svid.proto

import type { SvidProof as _tessera_v1_SvidProof, SvidProof__Output as _tessera_v1_SvidProof__Output } from '../../tessera/v1/SvidProof.js';

/**
 * RenewX509SVIDWithProofRequest asks for a new SVID for the identity of the
 * SVID its proof carries.
 */
export interface RenewX509SVIDWithProofRequest {
  /**
   * A DER PKCS#10 request signed by the new key; only its public key is used.
   */
  'csr'?: (Buffer | Uint8Array | string);
  /**
   * The identity's newest SVID and a signature of its key over it, the CSR
   * (payload) and the time, with the purpose "tessera-renewal-v1".
   */
  'proof'?: (_tessera_v1_SvidProof | null);
}

/**
 * RenewX509SVIDWithProofRequest asks for a new SVID for the identity of the
 * SVID its proof carries.
 */
export interface RenewX509SVIDWithProofRequest__Output {
  /**
   * A DER PKCS#10 request signed by the new key; only its public key is used.
   */
  'csr': (Buffer);
  /**
   * The identity's newest SVID and a signature of its key over it, the CSR
   * (payload) and the time, with the purpose "tessera-renewal-v1".
   */
  'proof': (_tessera_v1_SvidProof__Output | null);
}
