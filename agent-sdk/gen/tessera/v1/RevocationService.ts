// Original file: proto/tessera/v1/revocation.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CompleteTaskRequest as _tessera_v1_CompleteTaskRequest, CompleteTaskRequest__Output as _tessera_v1_CompleteTaskRequest__Output } from '../../tessera/v1/CompleteTaskRequest.js';
import type { CompleteTaskResponse as _tessera_v1_CompleteTaskResponse, CompleteTaskResponse__Output as _tessera_v1_CompleteTaskResponse__Output } from '../../tessera/v1/CompleteTaskResponse.js';
import type { ReleaseIdentityRequest as _tessera_v1_ReleaseIdentityRequest, ReleaseIdentityRequest__Output as _tessera_v1_ReleaseIdentityRequest__Output } from '../../tessera/v1/ReleaseIdentityRequest.js';
import type { ReleaseIdentityResponse as _tessera_v1_ReleaseIdentityResponse, ReleaseIdentityResponse__Output as _tessera_v1_ReleaseIdentityResponse__Output } from '../../tessera/v1/ReleaseIdentityResponse.js';
import type { WatchRevocationsRequest as _tessera_v1_WatchRevocationsRequest, WatchRevocationsRequest__Output as _tessera_v1_WatchRevocationsRequest__Output } from '../../tessera/v1/WatchRevocationsRequest.js';
import type { WatchRevocationsResponse as _tessera_v1_WatchRevocationsResponse, WatchRevocationsResponse__Output as _tessera_v1_WatchRevocationsResponse__Output } from '../../tessera/v1/WatchRevocationsResponse.js';
import type { WatchRevocationsWithProofRequest as _tessera_v1_WatchRevocationsWithProofRequest, WatchRevocationsWithProofRequest__Output as _tessera_v1_WatchRevocationsWithProofRequest__Output } from '../../tessera/v1/WatchRevocationsWithProofRequest.js';
import type { WatchRevocationsWithProofResponse as _tessera_v1_WatchRevocationsWithProofResponse, WatchRevocationsWithProofResponse__Output as _tessera_v1_WatchRevocationsWithProofResponse__Output } from '../../tessera/v1/WatchRevocationsWithProofResponse.js';

/**
 * RevocationService propagates revocations to every validator of the trust
 * domain and lets agents and orchestrators end what was issued for a task.
 */
export interface RevocationServiceClient extends grpc.Client {
  /**
   * CompleteTask revokes every agent instance of one of the caller's tasks,
   * and refuses further spawns, activations and delegations for it.
   * Who may call: an orchestrator, over mutual TLS with its X509-SVID; only
   * for its own tasks.
   */
  CompleteTask(argument: _tessera_v1_CompleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CompleteTaskResponse__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _tessera_v1_CompleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_CompleteTaskResponse__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _tessera_v1_CompleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CompleteTaskResponse__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _tessera_v1_CompleteTaskRequest, callback: grpc.requestCallback<_tessera_v1_CompleteTaskResponse__Output>): grpc.ClientUnaryCall;
  /**
   * CompleteTask revokes every agent instance of one of the caller's tasks,
   * and refuses further spawns, activations and delegations for it.
   * Who may call: an orchestrator, over mutual TLS with its X509-SVID; only
   * for its own tasks.
   */
  completeTask(argument: _tessera_v1_CompleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CompleteTaskResponse__Output>): grpc.ClientUnaryCall;
  completeTask(argument: _tessera_v1_CompleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_CompleteTaskResponse__Output>): grpc.ClientUnaryCall;
  completeTask(argument: _tessera_v1_CompleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CompleteTaskResponse__Output>): grpc.ClientUnaryCall;
  completeTask(argument: _tessera_v1_CompleteTaskRequest, callback: grpc.requestCallback<_tessera_v1_CompleteTaskResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ReleaseIdentity revokes the caller's own identity and everything it
   * delegated to, because its task is done (for an orchestrator: its own
   * identity only; CompleteTask ends its tasks).
   * Who may call: an agent or orchestrator, over mutual TLS with its
   * X509-SVID; it releases only the identity it presents.
   */
  ReleaseIdentity(argument: _tessera_v1_ReleaseIdentityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ReleaseIdentityResponse__Output>): grpc.ClientUnaryCall;
  ReleaseIdentity(argument: _tessera_v1_ReleaseIdentityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ReleaseIdentityResponse__Output>): grpc.ClientUnaryCall;
  ReleaseIdentity(argument: _tessera_v1_ReleaseIdentityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ReleaseIdentityResponse__Output>): grpc.ClientUnaryCall;
  ReleaseIdentity(argument: _tessera_v1_ReleaseIdentityRequest, callback: grpc.requestCallback<_tessera_v1_ReleaseIdentityResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ReleaseIdentity revokes the caller's own identity and everything it
   * delegated to, because its task is done (for an orchestrator: its own
   * identity only; CompleteTask ends its tasks).
   * Who may call: an agent or orchestrator, over mutual TLS with its
   * X509-SVID; it releases only the identity it presents.
   */
  releaseIdentity(argument: _tessera_v1_ReleaseIdentityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ReleaseIdentityResponse__Output>): grpc.ClientUnaryCall;
  releaseIdentity(argument: _tessera_v1_ReleaseIdentityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ReleaseIdentityResponse__Output>): grpc.ClientUnaryCall;
  releaseIdentity(argument: _tessera_v1_ReleaseIdentityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ReleaseIdentityResponse__Output>): grpc.ClientUnaryCall;
  releaseIdentity(argument: _tessera_v1_ReleaseIdentityRequest, callback: grpc.requestCallback<_tessera_v1_ReleaseIdentityResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * WatchRevocations sends every revocation entry after after_sequence that
   * still covers something unexpired, then each new entry as it is committed,
   * and a heartbeat while nothing happens. A client that reconnects resumes
   * from the last sequence number it holds.
   * Who may call: any agent or orchestrator with a valid, unrevoked X509-SVID
   * of this trust domain, over mutual TLS.
   */
  WatchRevocations(argument: _tessera_v1_WatchRevocationsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchRevocationsResponse__Output>;
  WatchRevocations(argument: _tessera_v1_WatchRevocationsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchRevocationsResponse__Output>;
  /**
   * WatchRevocations sends every revocation entry after after_sequence that
   * still covers something unexpired, then each new entry as it is committed,
   * and a heartbeat while nothing happens. A client that reconnects resumes
   * from the last sequence number it holds.
   * Who may call: any agent or orchestrator with a valid, unrevoked X509-SVID
   * of this trust domain, over mutual TLS.
   */
  watchRevocations(argument: _tessera_v1_WatchRevocationsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchRevocationsResponse__Output>;
  watchRevocations(argument: _tessera_v1_WatchRevocationsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchRevocationsResponse__Output>;
  
  /**
   * WatchRevocationsWithProof is WatchRevocations without a client certificate,
   * for an agent that keeps one server-authenticated channel to the CA: the
   * request proves the SVID. The stream follows the identity rather than that
   * certificate: when it expires, the stream goes on while the identity holds
   * a newer, unexpired SVID (each renewal proved the SVID before it) and is
   * not revoked, so an agent does not reopen it at every rotation.
   * Who may call: the holder of an agent's or orchestrator's newest X509-SVID
   * key, proved in the request; no client certificate is needed (served on the
   * public TLS port).
   */
  WatchRevocationsWithProof(argument: _tessera_v1_WatchRevocationsWithProofRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchRevocationsWithProofResponse__Output>;
  WatchRevocationsWithProof(argument: _tessera_v1_WatchRevocationsWithProofRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchRevocationsWithProofResponse__Output>;
  /**
   * WatchRevocationsWithProof is WatchRevocations without a client certificate,
   * for an agent that keeps one server-authenticated channel to the CA: the
   * request proves the SVID. The stream follows the identity rather than that
   * certificate: when it expires, the stream goes on while the identity holds
   * a newer, unexpired SVID (each renewal proved the SVID before it) and is
   * not revoked, so an agent does not reopen it at every rotation.
   * Who may call: the holder of an agent's or orchestrator's newest X509-SVID
   * key, proved in the request; no client certificate is needed (served on the
   * public TLS port).
   */
  watchRevocationsWithProof(argument: _tessera_v1_WatchRevocationsWithProofRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchRevocationsWithProofResponse__Output>;
  watchRevocationsWithProof(argument: _tessera_v1_WatchRevocationsWithProofRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tessera_v1_WatchRevocationsWithProofResponse__Output>;
  
}

/**
 * RevocationService propagates revocations to every validator of the trust
 * domain and lets agents and orchestrators end what was issued for a task.
 */
export interface RevocationServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * CompleteTask revokes every agent instance of one of the caller's tasks,
   * and refuses further spawns, activations and delegations for it.
   * Who may call: an orchestrator, over mutual TLS with its X509-SVID; only
   * for its own tasks.
   */
  CompleteTask: grpc.handleUnaryCall<_tessera_v1_CompleteTaskRequest__Output, _tessera_v1_CompleteTaskResponse>;
  
  /**
   * ReleaseIdentity revokes the caller's own identity and everything it
   * delegated to, because its task is done (for an orchestrator: its own
   * identity only; CompleteTask ends its tasks).
   * Who may call: an agent or orchestrator, over mutual TLS with its
   * X509-SVID; it releases only the identity it presents.
   */
  ReleaseIdentity: grpc.handleUnaryCall<_tessera_v1_ReleaseIdentityRequest__Output, _tessera_v1_ReleaseIdentityResponse>;
  
  /**
   * WatchRevocations sends every revocation entry after after_sequence that
   * still covers something unexpired, then each new entry as it is committed,
   * and a heartbeat while nothing happens. A client that reconnects resumes
   * from the last sequence number it holds.
   * Who may call: any agent or orchestrator with a valid, unrevoked X509-SVID
   * of this trust domain, over mutual TLS.
   */
  WatchRevocations: grpc.handleServerStreamingCall<_tessera_v1_WatchRevocationsRequest__Output, _tessera_v1_WatchRevocationsResponse>;
  
  /**
   * WatchRevocationsWithProof is WatchRevocations without a client certificate,
   * for an agent that keeps one server-authenticated channel to the CA: the
   * request proves the SVID. The stream follows the identity rather than that
   * certificate: when it expires, the stream goes on while the identity holds
   * a newer, unexpired SVID (each renewal proved the SVID before it) and is
   * not revoked, so an agent does not reopen it at every rotation.
   * Who may call: the holder of an agent's or orchestrator's newest X509-SVID
   * key, proved in the request; no client certificate is needed (served on the
   * public TLS port).
   */
  WatchRevocationsWithProof: grpc.handleServerStreamingCall<_tessera_v1_WatchRevocationsWithProofRequest__Output, _tessera_v1_WatchRevocationsWithProofResponse>;
  
}

export interface RevocationServiceDefinition extends grpc.ServiceDefinition {
  CompleteTask: MethodDefinition<_tessera_v1_CompleteTaskRequest, _tessera_v1_CompleteTaskResponse, _tessera_v1_CompleteTaskRequest__Output, _tessera_v1_CompleteTaskResponse__Output>
  ReleaseIdentity: MethodDefinition<_tessera_v1_ReleaseIdentityRequest, _tessera_v1_ReleaseIdentityResponse, _tessera_v1_ReleaseIdentityRequest__Output, _tessera_v1_ReleaseIdentityResponse__Output>
  WatchRevocations: MethodDefinition<_tessera_v1_WatchRevocationsRequest, _tessera_v1_WatchRevocationsResponse, _tessera_v1_WatchRevocationsRequest__Output, _tessera_v1_WatchRevocationsResponse__Output>
  WatchRevocationsWithProof: MethodDefinition<_tessera_v1_WatchRevocationsWithProofRequest, _tessera_v1_WatchRevocationsWithProofResponse, _tessera_v1_WatchRevocationsWithProofRequest__Output, _tessera_v1_WatchRevocationsWithProofResponse__Output>
}
