// Original file: proto/tessera/v1/bundle.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetTrustBundleRequest as _tessera_v1_GetTrustBundleRequest, GetTrustBundleRequest__Output as _tessera_v1_GetTrustBundleRequest__Output } from '../../tessera/v1/GetTrustBundleRequest.js';
import type { GetTrustBundleResponse as _tessera_v1_GetTrustBundleResponse, GetTrustBundleResponse__Output as _tessera_v1_GetTrustBundleResponse__Output } from '../../tessera/v1/GetTrustBundleResponse.js';

/**
 * TrustBundleService serves the trust bundle.
 */
export interface TrustBundleServiceClient extends grpc.Client {
  /**
   * GetTrustBundle returns the current trust bundle of the CA's trust domain.
   * Who may call: anyone. A caller must already trust the CA (it verifies the
   * server's SVID against a bundle it holds); this call refreshes that bundle.
   */
  GetTrustBundle(argument: _tessera_v1_GetTrustBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetTrustBundleResponse__Output>): grpc.ClientUnaryCall;
  GetTrustBundle(argument: _tessera_v1_GetTrustBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_GetTrustBundleResponse__Output>): grpc.ClientUnaryCall;
  GetTrustBundle(argument: _tessera_v1_GetTrustBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetTrustBundleResponse__Output>): grpc.ClientUnaryCall;
  GetTrustBundle(argument: _tessera_v1_GetTrustBundleRequest, callback: grpc.requestCallback<_tessera_v1_GetTrustBundleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetTrustBundle returns the current trust bundle of the CA's trust domain.
   * Who may call: anyone. A caller must already trust the CA (it verifies the
   * server's SVID against a bundle it holds); this call refreshes that bundle.
   */
  getTrustBundle(argument: _tessera_v1_GetTrustBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetTrustBundleResponse__Output>): grpc.ClientUnaryCall;
  getTrustBundle(argument: _tessera_v1_GetTrustBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_GetTrustBundleResponse__Output>): grpc.ClientUnaryCall;
  getTrustBundle(argument: _tessera_v1_GetTrustBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetTrustBundleResponse__Output>): grpc.ClientUnaryCall;
  getTrustBundle(argument: _tessera_v1_GetTrustBundleRequest, callback: grpc.requestCallback<_tessera_v1_GetTrustBundleResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * TrustBundleService serves the trust bundle.
 */
export interface TrustBundleServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * GetTrustBundle returns the current trust bundle of the CA's trust domain.
   * Who may call: anyone. A caller must already trust the CA (it verifies the
   * server's SVID against a bundle it holds); this call refreshes that bundle.
   */
  GetTrustBundle: grpc.handleUnaryCall<_tessera_v1_GetTrustBundleRequest__Output, _tessera_v1_GetTrustBundleResponse>;
  
}

export interface TrustBundleServiceDefinition extends grpc.ServiceDefinition {
  GetTrustBundle: MethodDefinition<_tessera_v1_GetTrustBundleRequest, _tessera_v1_GetTrustBundleResponse, _tessera_v1_GetTrustBundleRequest__Output, _tessera_v1_GetTrustBundleResponse__Output>
}
