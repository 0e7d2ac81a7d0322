// Original file: proto/tessera/v1/svid.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ActivateRequest as _tessera_v1_ActivateRequest, ActivateRequest__Output as _tessera_v1_ActivateRequest__Output } from '../../tessera/v1/ActivateRequest.js';
import type { ActivateResponse as _tessera_v1_ActivateResponse, ActivateResponse__Output as _tessera_v1_ActivateResponse__Output } from '../../tessera/v1/ActivateResponse.js';
import type { RenewX509SVIDRequest as _tessera_v1_RenewX509SVIDRequest, RenewX509SVIDRequest__Output as _tessera_v1_RenewX509SVIDRequest__Output } from '../../tessera/v1/RenewX509SVIDRequest.js';
import type { RenewX509SVIDResponse as _tessera_v1_RenewX509SVIDResponse, RenewX509SVIDResponse__Output as _tessera_v1_RenewX509SVIDResponse__Output } from '../../tessera/v1/RenewX509SVIDResponse.js';
import type { SpawnRequest as _tessera_v1_SpawnRequest, SpawnRequest__Output as _tessera_v1_SpawnRequest__Output } from '../../tessera/v1/SpawnRequest.js';
import type { SpawnResponse as _tessera_v1_SpawnResponse, SpawnResponse__Output as _tessera_v1_SpawnResponse__Output } from '../../tessera/v1/SpawnResponse.js';

/**
 * SVIDService issues X509-SVIDs to agent instances and renews SVIDs.
 */
export interface SVIDServiceClient extends grpc.Client {
  /**
   * Activate redeems a spawn ticket and a CSR for the agent's first X509-SVID.
   * Who may call: the holder of the ticket; no client certificate is needed
   * (served on the public TLS port). The ticket works once.
   */
  Activate(argument: _tessera_v1_ActivateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  Activate(argument: _tessera_v1_ActivateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  Activate(argument: _tessera_v1_ActivateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  Activate(argument: _tessera_v1_ActivateRequest, callback: grpc.requestCallback<_tessera_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Activate redeems a spawn ticket and a CSR for the agent's first X509-SVID.
   * Who may call: the holder of the ticket; no client certificate is needed
   * (served on the public TLS port). The ticket works once.
   */
  activate(argument: _tessera_v1_ActivateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  activate(argument: _tessera_v1_ActivateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  activate(argument: _tessera_v1_ActivateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  activate(argument: _tessera_v1_ActivateRequest, callback: grpc.requestCallback<_tessera_v1_ActivateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * RenewX509SVID issues a fresh SVID with the same SPIFFE ID for a new key.
   * Who may call: an agent or orchestrator over mutual TLS with its current,
   * unexpired X509-SVID; it renews only the identity it presents.
   */
  RenewX509SVID(argument: _tessera_v1_RenewX509SVIDRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  RenewX509SVID(argument: _tessera_v1_RenewX509SVIDRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  RenewX509SVID(argument: _tessera_v1_RenewX509SVIDRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  RenewX509SVID(argument: _tessera_v1_RenewX509SVIDRequest, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  /**
   * RenewX509SVID issues a fresh SVID with the same SPIFFE ID for a new key.
   * Who may call: an agent or orchestrator over mutual TLS with its current,
   * unexpired X509-SVID; it renews only the identity it presents.
   */
  renewX509Svid(argument: _tessera_v1_RenewX509SVIDRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  renewX509Svid(argument: _tessera_v1_RenewX509SVIDRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  renewX509Svid(argument: _tessera_v1_RenewX509SVIDRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  renewX509Svid(argument: _tessera_v1_RenewX509SVIDRequest, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Spawn allocates a new agent instance for a task and returns a one-time
   * spawn ticket that the agent redeems with Activate.
   * Who may call: an orchestrator, over mutual TLS with its X509-SVID.
   */
  Spawn(argument: _tessera_v1_SpawnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  Spawn(argument: _tessera_v1_SpawnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  Spawn(argument: _tessera_v1_SpawnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  Spawn(argument: _tessera_v1_SpawnRequest, callback: grpc.requestCallback<_tessera_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Spawn allocates a new agent instance for a task and returns a one-time
   * spawn ticket that the agent redeems with Activate.
   * Who may call: an orchestrator, over mutual TLS with its X509-SVID.
   */
  spawn(argument: _tessera_v1_SpawnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  spawn(argument: _tessera_v1_SpawnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  spawn(argument: _tessera_v1_SpawnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  spawn(argument: _tessera_v1_SpawnRequest, callback: grpc.requestCallback<_tessera_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * SVIDService issues X509-SVIDs to agent instances and renews SVIDs.
 */
export interface SVIDServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Activate redeems a spawn ticket and a CSR for the agent's first X509-SVID.
   * Who may call: the holder of the ticket; no client certificate is needed
   * (served on the public TLS port). The ticket works once.
   */
  Activate: grpc.handleUnaryCall<_tessera_v1_ActivateRequest__Output, _tessera_v1_ActivateResponse>;
  
  /**
   * RenewX509SVID issues a fresh SVID with the same SPIFFE ID for a new key.
   * Who may call: an agent or orchestrator over mutual TLS with its current,
   * unexpired X509-SVID; it renews only the identity it presents.
   */
  RenewX509SVID: grpc.handleUnaryCall<_tessera_v1_RenewX509SVIDRequest__Output, _tessera_v1_RenewX509SVIDResponse>;
  
  /**
   * Spawn allocates a new agent instance for a task and returns a one-time
   * spawn ticket that the agent redeems with Activate.
   * Who may call: an orchestrator, over mutual TLS with its X509-SVID.
   */
  Spawn: grpc.handleUnaryCall<_tessera_v1_SpawnRequest__Output, _tessera_v1_SpawnResponse>;
  
}

export interface SVIDServiceDefinition extends grpc.ServiceDefinition {
  Activate: MethodDefinition<_tessera_v1_ActivateRequest, _tessera_v1_ActivateResponse, _tessera_v1_ActivateRequest__Output, _tessera_v1_ActivateResponse__Output>
  RenewX509SVID: MethodDefinition<_tessera_v1_RenewX509SVIDRequest, _tessera_v1_RenewX509SVIDResponse, _tessera_v1_RenewX509SVIDRequest__Output, _tessera_v1_RenewX509SVIDResponse__Output>
  Spawn: MethodDefinition<_tessera_v1_SpawnRequest, _tessera_v1_SpawnResponse, _tessera_v1_SpawnRequest__Output, _tessera_v1_SpawnResponse__Output>
}
