// Original file: proto/tessera/v1/node_attestation.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AttestRequest as _tessera_v1_AttestRequest, AttestRequest__Output as _tessera_v1_AttestRequest__Output } from '../../tessera/v1/AttestRequest.js';
import type { AttestResponse as _tessera_v1_AttestResponse, AttestResponse__Output as _tessera_v1_AttestResponse__Output } from '../../tessera/v1/AttestResponse.js';

/**
 * NodeAttestationService turns proof from a node-attestor plugin into an
 * orchestrator X509-SVID.
 */
export interface NodeAttestationServiceClient extends grpc.Client {
  /**
   * Attest runs one attestation. The caller sends AttestationParams first; the
   * plugin may answer with challenges, each answered by one challenge_response;
   * the stream ends with the orchestrator's SVID or an error. The caller
   * half-closes the stream once it has sent all it will (after the params when
   * its plugin takes no challenge), at the latest after the SVID; the CA sends
   * the status after the SVID once the caller has half-closed (or 1 s later).
   * Who may call: anyone; no client certificate is needed (served on the public
   * TLS port). The plugin's proof is the authentication.
   */
  Attest(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tessera_v1_AttestRequest, _tessera_v1_AttestResponse__Output>;
  Attest(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tessera_v1_AttestRequest, _tessera_v1_AttestResponse__Output>;
  /**
   * Attest runs one attestation. The caller sends AttestationParams first; the
   * plugin may answer with challenges, each answered by one challenge_response;
   * the stream ends with the orchestrator's SVID or an error. The caller
   * half-closes the stream once it has sent all it will (after the params when
   * its plugin takes no challenge), at the latest after the SVID; the CA sends
   * the status after the SVID once the caller has half-closed (or 1 s later).
   * Who may call: anyone; no client certificate is needed (served on the public
   * TLS port). The plugin's proof is the authentication.
   */
  attest(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tessera_v1_AttestRequest, _tessera_v1_AttestResponse__Output>;
  attest(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tessera_v1_AttestRequest, _tessera_v1_AttestResponse__Output>;
  
}

/**
 * NodeAttestationService turns proof from a node-attestor plugin into an
 * orchestrator X509-SVID.
 */
export interface NodeAttestationServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Attest runs one attestation. The caller sends AttestationParams first; the
   * plugin may answer with challenges, each answered by one challenge_response;
   * the stream ends with the orchestrator's SVID or an error. The caller
   * half-closes the stream once it has sent all it will (after the params when
   * its plugin takes no challenge), at the latest after the SVID; the CA sends
   * the status after the SVID once the caller has half-closed (or 1 s later).
   * Who may call: anyone; no client certificate is needed (served on the public
   * TLS port). The plugin's proof is the authentication.
   */
  Attest: grpc.handleBidiStreamingCall<_tessera_v1_AttestRequest__Output, _tessera_v1_AttestResponse>;
  
}

export interface NodeAttestationServiceDefinition extends grpc.ServiceDefinition {
  Attest: MethodDefinition<_tessera_v1_AttestRequest, _tessera_v1_AttestResponse, _tessera_v1_AttestRequest__Output, _tessera_v1_AttestResponse__Output>
}
