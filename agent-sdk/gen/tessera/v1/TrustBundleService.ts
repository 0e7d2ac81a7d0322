// Original file: proto/tessera/v1/bundle.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetTrustBundleRequest as _tessera_v1_GetTrustBundleRequest, GetTrustBundleRequest__Output as _tessera_v1_GetTrustBundleRequest__Output } from '../../tessera/v1/GetTrustBundleRequest.js';
import type { GetTrustBundleResponse as _tessera_v1_GetTrustBundleResponse, GetTrustBundleResponse__Output as _tessera_v1_GetTrustBundleResponse__Output } from '../../tessera/v1/GetTrustBundleResponse.js';
import type { WatchTrustBundleRequest as _tessera_v1_WatchTrustBundleRequest, WatchTrustBundleRequest__Output as _tessera_v1_WatchTrustBundleRequest__Output } from '../../tessera/v1/WatchTrustBundleRequest.js';
import type { WatchTrustBundleResponse as _tessera_v1_WatchTrustBundleResponse, WatchTrustBundleResponse__Output as _tessera_v1_WatchTrustBundleResponse__Output } from '../../tessera/v1/WatchTrustBundleResponse.js';

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
  
  /**
   * WatchTrustBundle sends the current trust bundle, then each new one as the
   * CA's authorities change (prepare, activate, taint, revoke), and a heartbeat
   * (no bundle) while nothing happens.
   * Who may call: anyone, like GetTrustBundle.
   */
  WatchTrustBundle(argument: _tessera_v1_WatchTrustBundleRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchTrustBundleResponse__Output>;
  WatchTrustBundle(argument: _tessera_v1_WatchTrustBundleRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchTrustBundleResponse__Output>;
  /**
   * WatchTrustBundle sends the current trust bundle, then each new one as the
   * CA's authorities change (prepare, activate, taint, revoke), and a heartbeat
   * (no bundle) while nothing happens.
   * Who may call: anyone, like GetTrustBundle.
   */
  watchTrustBundle(argument: _tessera_v1_WatchTrustBundleRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchTrustBundleResponse__Output>;
  watchTrustBundle(argument: _tessera_v1_WatchTrustBundleRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchTrustBundleResponse__Output>;
  
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
  
  /**
   * WatchTrustBundle sends the current trust bundle, then each new one as the
   * CA's authorities change (prepare, activate, taint, revoke), and a heartbeat
   * (no bundle) while nothing happens.
   * Who may call: anyone, like GetTrustBundle.
   */
  WatchTrustBundle: grpc.handleServerStreamingCall<_tessera_v1_WatchTrustBundleRequest__Output, _tessera_v1_WatchTrustBundleResponse>;
  
}

export interface TrustBundleServiceDefinition extends grpc.ServiceDefinition {
  GetTrustBundle: MethodDefinition<_tessera_v1_GetTrustBundleRequest, _tessera_v1_GetTrustBundleResponse, _tessera_v1_GetTrustBundleRequest__Output, _tessera_v1_GetTrustBundleResponse__Output>
  WatchTrustBundle: MethodDefinition<_tessera_v1_WatchTrustBundleRequest, _tessera_v1_WatchTrustBundleResponse, _tessera_v1_WatchTrustBundleRequest__Output, _tessera_v1_WatchTrustBundleResponse__Output>
}
