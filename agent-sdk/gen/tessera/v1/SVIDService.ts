// Original file: proto/tessera/v1/svid.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ActivateRequest as _tessera_v1_ActivateRequest, ActivateRequest__Output as _tessera_v1_ActivateRequest__Output } from '../../tessera/v1/ActivateRequest.js';
import type { ActivateResponse as _tessera_v1_ActivateResponse, ActivateResponse__Output as _tessera_v1_ActivateResponse__Output } from '../../tessera/v1/ActivateResponse.js';
import type { DelegateRequest as _tessera_v1_DelegateRequest, DelegateRequest__Output as _tessera_v1_DelegateRequest__Output } from '../../tessera/v1/DelegateRequest.js';
import type { DelegateResponse as _tessera_v1_DelegateResponse, DelegateResponse__Output as _tessera_v1_DelegateResponse__Output } from '../../tessera/v1/DelegateResponse.js';
import type { MintJWTSVIDRequest as _tessera_v1_MintJWTSVIDRequest, MintJWTSVIDRequest__Output as _tessera_v1_MintJWTSVIDRequest__Output } from '../../tessera/v1/MintJWTSVIDRequest.js';
import type { MintJWTSVIDResponse as _tessera_v1_MintJWTSVIDResponse, MintJWTSVIDResponse__Output as _tessera_v1_MintJWTSVIDResponse__Output } from '../../tessera/v1/MintJWTSVIDResponse.js';
import type { PrepareDelegationRequest as _tessera_v1_PrepareDelegationRequest, PrepareDelegationRequest__Output as _tessera_v1_PrepareDelegationRequest__Output } from '../../tessera/v1/PrepareDelegationRequest.js';
import type { PrepareDelegationResponse as _tessera_v1_PrepareDelegationResponse, PrepareDelegationResponse__Output as _tessera_v1_PrepareDelegationResponse__Output } from '../../tessera/v1/PrepareDelegationResponse.js';
import type { RenewX509SVIDRequest as _tessera_v1_RenewX509SVIDRequest, RenewX509SVIDRequest__Output as _tessera_v1_RenewX509SVIDRequest__Output } from '../../tessera/v1/RenewX509SVIDRequest.js';
import type { RenewX509SVIDResponse as _tessera_v1_RenewX509SVIDResponse, RenewX509SVIDResponse__Output as _tessera_v1_RenewX509SVIDResponse__Output } from '../../tessera/v1/RenewX509SVIDResponse.js';
import type { RenewX509SVIDWithProofRequest as _tessera_v1_RenewX509SVIDWithProofRequest, RenewX509SVIDWithProofRequest__Output as _tessera_v1_RenewX509SVIDWithProofRequest__Output } from '../../tessera/v1/RenewX509SVIDWithProofRequest.js';
import type { RenewX509SVIDWithProofResponse as _tessera_v1_RenewX509SVIDWithProofResponse, RenewX509SVIDWithProofResponse__Output as _tessera_v1_RenewX509SVIDWithProofResponse__Output } from '../../tessera/v1/RenewX509SVIDWithProofResponse.js';
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
   * Delegate is the second half: it takes the caller's signature over the
   * record and returns a one-time spawn ticket for the sub-agent, whose SVID
   * will carry the lineage with that signed record.
   * Who may call: the agent that prepared the delegation, over mutual TLS.
   */
  Delegate(argument: _tessera_v1_DelegateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_DelegateResponse__Output>): grpc.ClientUnaryCall;
  Delegate(argument: _tessera_v1_DelegateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_DelegateResponse__Output>): grpc.ClientUnaryCall;
  Delegate(argument: _tessera_v1_DelegateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_DelegateResponse__Output>): grpc.ClientUnaryCall;
  Delegate(argument: _tessera_v1_DelegateRequest, callback: grpc.requestCallback<_tessera_v1_DelegateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Delegate is the second half: it takes the caller's signature over the
   * record and returns a one-time spawn ticket for the sub-agent, whose SVID
   * will carry the lineage with that signed record.
   * Who may call: the agent that prepared the delegation, over mutual TLS.
   */
  delegate(argument: _tessera_v1_DelegateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_DelegateResponse__Output>): grpc.ClientUnaryCall;
  delegate(argument: _tessera_v1_DelegateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_DelegateResponse__Output>): grpc.ClientUnaryCall;
  delegate(argument: _tessera_v1_DelegateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_DelegateResponse__Output>): grpc.ClientUnaryCall;
  delegate(argument: _tessera_v1_DelegateRequest, callback: grpc.requestCallback<_tessera_v1_DelegateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * MintJWTSVID issues a task token (a JWT-SVID) for one audience and a subset
   * of the caller's task scopes, at most 5 minutes long and never past the
   * caller's SVID, bound (cnf x5t#S256, RFC 8705) to the certificate the caller
   * presents on this connection.
   * Who may call: an agent, over mutual TLS with its X509-SVID.
   */
  MintJWTSVID(argument: _tessera_v1_MintJWTSVIDRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_MintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  MintJWTSVID(argument: _tessera_v1_MintJWTSVIDRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_MintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  MintJWTSVID(argument: _tessera_v1_MintJWTSVIDRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_MintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  MintJWTSVID(argument: _tessera_v1_MintJWTSVIDRequest, callback: grpc.requestCallback<_tessera_v1_MintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  /**
   * MintJWTSVID issues a task token (a JWT-SVID) for one audience and a subset
   * of the caller's task scopes, at most 5 minutes long and never past the
   * caller's SVID, bound (cnf x5t#S256, RFC 8705) to the certificate the caller
   * presents on this connection.
   * Who may call: an agent, over mutual TLS with its X509-SVID.
   */
  mintJwtsvid(argument: _tessera_v1_MintJWTSVIDRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_MintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  mintJwtsvid(argument: _tessera_v1_MintJWTSVIDRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_MintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  mintJwtsvid(argument: _tessera_v1_MintJWTSVIDRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_MintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  mintJwtsvid(argument: _tessera_v1_MintJWTSVIDRequest, callback: grpc.requestCallback<_tessera_v1_MintJWTSVIDResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * PrepareDelegation is the first half of a delegation: the CA checks the
   * request against the caller's scopes, lifetime and the policy, allocates the
   * sub-agent's SPIFFE ID and returns the delegation record naming it, for the
   * caller to sign with its SVID key.
   * Who may call: an agent, over mutual TLS with its newest X509-SVID.
   */
  PrepareDelegation(argument: _tessera_v1_PrepareDelegationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_PrepareDelegationResponse__Output>): grpc.ClientUnaryCall;
  PrepareDelegation(argument: _tessera_v1_PrepareDelegationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_PrepareDelegationResponse__Output>): grpc.ClientUnaryCall;
  PrepareDelegation(argument: _tessera_v1_PrepareDelegationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_PrepareDelegationResponse__Output>): grpc.ClientUnaryCall;
  PrepareDelegation(argument: _tessera_v1_PrepareDelegationRequest, callback: grpc.requestCallback<_tessera_v1_PrepareDelegationResponse__Output>): grpc.ClientUnaryCall;
  /**
   * PrepareDelegation is the first half of a delegation: the CA checks the
   * request against the caller's scopes, lifetime and the policy, allocates the
   * sub-agent's SPIFFE ID and returns the delegation record naming it, for the
   * caller to sign with its SVID key.
   * Who may call: an agent, over mutual TLS with its newest X509-SVID.
   */
  prepareDelegation(argument: _tessera_v1_PrepareDelegationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_PrepareDelegationResponse__Output>): grpc.ClientUnaryCall;
  prepareDelegation(argument: _tessera_v1_PrepareDelegationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_PrepareDelegationResponse__Output>): grpc.ClientUnaryCall;
  prepareDelegation(argument: _tessera_v1_PrepareDelegationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_PrepareDelegationResponse__Output>): grpc.ClientUnaryCall;
  prepareDelegation(argument: _tessera_v1_PrepareDelegationRequest, callback: grpc.requestCallback<_tessera_v1_PrepareDelegationResponse__Output>): grpc.ClientUnaryCall;
  
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
   * RenewX509SVIDWithProof is RenewX509SVID without a client certificate: the
   * request carries the SVID being renewed and a signature by its key (see
   * docs/decisions.md, "Renewal over a kept channel"), so an agent renews over
   * the server-authenticated channel it keeps to the CA, with no new handshake.
   * The same rules hold: only the identity's newest SVID renews it, a revoked
   * identity or authority cannot, and the scope never widens.
   * Who may call: the holder of an agent's or orchestrator's newest X509-SVID
   * key, proved in the request; no client certificate is needed (served on the
   * public TLS port).
   */
  RenewX509SVIDWithProof(argument: _tessera_v1_RenewX509SVIDWithProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDWithProofResponse__Output>): grpc.ClientUnaryCall;
  RenewX509SVIDWithProof(argument: _tessera_v1_RenewX509SVIDWithProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDWithProofResponse__Output>): grpc.ClientUnaryCall;
  RenewX509SVIDWithProof(argument: _tessera_v1_RenewX509SVIDWithProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDWithProofResponse__Output>): grpc.ClientUnaryCall;
  RenewX509SVIDWithProof(argument: _tessera_v1_RenewX509SVIDWithProofRequest, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDWithProofResponse__Output>): grpc.ClientUnaryCall;
  /**
   * RenewX509SVIDWithProof is RenewX509SVID without a client certificate: the
   * request carries the SVID being renewed and a signature by its key (see
   * docs/decisions.md, "Renewal over a kept channel"), so an agent renews over
   * the server-authenticated channel it keeps to the CA, with no new handshake.
   * The same rules hold: only the identity's newest SVID renews it, a revoked
   * identity or authority cannot, and the scope never widens.
   * Who may call: the holder of an agent's or orchestrator's newest X509-SVID
   * key, proved in the request; no client certificate is needed (served on the
   * public TLS port).
   */
  renewX509SvidWithProof(argument: _tessera_v1_RenewX509SVIDWithProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDWithProofResponse__Output>): grpc.ClientUnaryCall;
  renewX509SvidWithProof(argument: _tessera_v1_RenewX509SVIDWithProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDWithProofResponse__Output>): grpc.ClientUnaryCall;
  renewX509SvidWithProof(argument: _tessera_v1_RenewX509SVIDWithProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDWithProofResponse__Output>): grpc.ClientUnaryCall;
  renewX509SvidWithProof(argument: _tessera_v1_RenewX509SVIDWithProofRequest, callback: grpc.requestCallback<_tessera_v1_RenewX509SVIDWithProofResponse__Output>): grpc.ClientUnaryCall;
  
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
   * Delegate is the second half: it takes the caller's signature over the
   * record and returns a one-time spawn ticket for the sub-agent, whose SVID
   * will carry the lineage with that signed record.
   * Who may call: the agent that prepared the delegation, over mutual TLS.
   */
  Delegate: grpc.handleUnaryCall<_tessera_v1_DelegateRequest__Output, _tessera_v1_DelegateResponse>;
  
  /**
   * MintJWTSVID issues a task token (a JWT-SVID) for one audience and a subset
   * of the caller's task scopes, at most 5 minutes long and never past the
   * caller's SVID, bound (cnf x5t#S256, RFC 8705) to the certificate the caller
   * presents on this connection.
   * Who may call: an agent, over mutual TLS with its X509-SVID.
   */
  MintJWTSVID: grpc.handleUnaryCall<_tessera_v1_MintJWTSVIDRequest__Output, _tessera_v1_MintJWTSVIDResponse>;
  
  /**
   * PrepareDelegation is the first half of a delegation: the CA checks the
   * request against the caller's scopes, lifetime and the policy, allocates the
   * sub-agent's SPIFFE ID and returns the delegation record naming it, for the
   * caller to sign with its SVID key.
   * Who may call: an agent, over mutual TLS with its newest X509-SVID.
   */
  PrepareDelegation: grpc.handleUnaryCall<_tessera_v1_PrepareDelegationRequest__Output, _tessera_v1_PrepareDelegationResponse>;
  
  /**
   * RenewX509SVID issues a fresh SVID with the same SPIFFE ID for a new key.
   * Who may call: an agent or orchestrator over mutual TLS with its current,
   * unexpired X509-SVID; it renews only the identity it presents.
   */
  RenewX509SVID: grpc.handleUnaryCall<_tessera_v1_RenewX509SVIDRequest__Output, _tessera_v1_RenewX509SVIDResponse>;
  
  /**
   * RenewX509SVIDWithProof is RenewX509SVID without a client certificate: the
   * request carries the SVID being renewed and a signature by its key (see
   * docs/decisions.md, "Renewal over a kept channel"), so an agent renews over
   * the server-authenticated channel it keeps to the CA, with no new handshake.
   * The same rules hold: only the identity's newest SVID renews it, a revoked
   * identity or authority cannot, and the scope never widens.
   * Who may call: the holder of an agent's or orchestrator's newest X509-SVID
   * key, proved in the request; no client certificate is needed (served on the
   * public TLS port).
   */
  RenewX509SVIDWithProof: grpc.handleUnaryCall<_tessera_v1_RenewX509SVIDWithProofRequest__Output, _tessera_v1_RenewX509SVIDWithProofResponse>;
  
  /**
   * Spawn allocates a new agent instance for a task and returns a one-time
   * spawn ticket that the agent redeems with Activate.
   * Who may call: an orchestrator, over mutual TLS with its X509-SVID.
   */
  Spawn: grpc.handleUnaryCall<_tessera_v1_SpawnRequest__Output, _tessera_v1_SpawnResponse>;
  
}

export interface SVIDServiceDefinition extends grpc.ServiceDefinition {
  Activate: MethodDefinition<_tessera_v1_ActivateRequest, _tessera_v1_ActivateResponse, _tessera_v1_ActivateRequest__Output, _tessera_v1_ActivateResponse__Output>
  Delegate: MethodDefinition<_tessera_v1_DelegateRequest, _tessera_v1_DelegateResponse, _tessera_v1_DelegateRequest__Output, _tessera_v1_DelegateResponse__Output>
  MintJWTSVID: MethodDefinition<_tessera_v1_MintJWTSVIDRequest, _tessera_v1_MintJWTSVIDResponse, _tessera_v1_MintJWTSVIDRequest__Output, _tessera_v1_MintJWTSVIDResponse__Output>
  PrepareDelegation: MethodDefinition<_tessera_v1_PrepareDelegationRequest, _tessera_v1_PrepareDelegationResponse, _tessera_v1_PrepareDelegationRequest__Output, _tessera_v1_PrepareDelegationResponse__Output>
  RenewX509SVID: MethodDefinition<_tessera_v1_RenewX509SVIDRequest, _tessera_v1_RenewX509SVIDResponse, _tessera_v1_RenewX509SVIDRequest__Output, _tessera_v1_RenewX509SVIDResponse__Output>
  RenewX509SVIDWithProof: MethodDefinition<_tessera_v1_RenewX509SVIDWithProofRequest, _tessera_v1_RenewX509SVIDWithProofResponse, _tessera_v1_RenewX509SVIDWithProofRequest__Output, _tessera_v1_RenewX509SVIDWithProofResponse__Output>
  Spawn: MethodDefinition<_tessera_v1_SpawnRequest, _tessera_v1_SpawnResponse, _tessera_v1_SpawnRequest__Output, _tessera_v1_SpawnResponse__Output>
}
