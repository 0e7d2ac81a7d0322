// Original file: proto/tessera/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateJoinTokenRequest as _tessera_v1_CreateJoinTokenRequest, CreateJoinTokenRequest__Output as _tessera_v1_CreateJoinTokenRequest__Output } from '../../tessera/v1/CreateJoinTokenRequest.js';
import type { CreateJoinTokenResponse as _tessera_v1_CreateJoinTokenResponse, CreateJoinTokenResponse__Output as _tessera_v1_CreateJoinTokenResponse__Output } from '../../tessera/v1/CreateJoinTokenResponse.js';
import type { ListAuditRecordsRequest as _tessera_v1_ListAuditRecordsRequest, ListAuditRecordsRequest__Output as _tessera_v1_ListAuditRecordsRequest__Output } from '../../tessera/v1/ListAuditRecordsRequest.js';
import type { ListAuditRecordsResponse as _tessera_v1_ListAuditRecordsResponse, ListAuditRecordsResponse__Output as _tessera_v1_ListAuditRecordsResponse__Output } from '../../tessera/v1/ListAuditRecordsResponse.js';
import type { VerifyAuditRequest as _tessera_v1_VerifyAuditRequest, VerifyAuditRequest__Output as _tessera_v1_VerifyAuditRequest__Output } from '../../tessera/v1/VerifyAuditRequest.js';
import type { VerifyAuditResponse as _tessera_v1_VerifyAuditResponse, VerifyAuditResponse__Output as _tessera_v1_VerifyAuditResponse__Output } from '../../tessera/v1/VerifyAuditResponse.js';

/**
 * AdminService is the operator's API.
 */
export interface AdminServiceClient extends grpc.Client {
  /**
   * CreateJoinToken makes a one-time join token that attests one orchestrator.
   * Who may call: an operator, over the admin Unix socket (its file mode is
   * the access control).
   */
  CreateJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * CreateJoinToken makes a one-time join token that attests one orchestrator.
   * Who may call: an operator, over the admin Unix socket (its file mode is
   * the access control).
   */
  createJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _tessera_v1_CreateJoinTokenRequest, callback: grpc.requestCallback<_tessera_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListAuditRecords returns audit records in sequence order, to answer "who
   * authorised this?".
   * Who may call: an operator, over the admin Unix socket.
   */
  ListAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListAuditRecords returns audit records in sequence order, to answer "who
   * authorised this?".
   * Who may call: an operator, over the admin Unix socket.
   */
  listAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _tessera_v1_ListAuditRecordsRequest, callback: grpc.requestCallback<_tessera_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VerifyAudit checks the audit hash chain and its signed checkpoints.
   * Who may call: an operator, over the admin Unix socket.
   */
  VerifyAudit(argument: _tessera_v1_VerifyAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _tessera_v1_VerifyAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _tessera_v1_VerifyAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _tessera_v1_VerifyAuditRequest, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VerifyAudit checks the audit hash chain and its signed checkpoints.
   * Who may call: an operator, over the admin Unix socket.
   */
  verifyAudit(argument: _tessera_v1_VerifyAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _tessera_v1_VerifyAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _tessera_v1_VerifyAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _tessera_v1_VerifyAuditRequest, callback: grpc.requestCallback<_tessera_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * AdminService is the operator's API.
 */
export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * CreateJoinToken makes a one-time join token that attests one orchestrator.
   * Who may call: an operator, over the admin Unix socket (its file mode is
   * the access control).
   */
  CreateJoinToken: grpc.handleUnaryCall<_tessera_v1_CreateJoinTokenRequest__Output, _tessera_v1_CreateJoinTokenResponse>;
  
  /**
   * ListAuditRecords returns audit records in sequence order, to answer "who
   * authorised this?".
   * Who may call: an operator, over the admin Unix socket.
   */
  ListAuditRecords: grpc.handleUnaryCall<_tessera_v1_ListAuditRecordsRequest__Output, _tessera_v1_ListAuditRecordsResponse>;
  
  /**
   * VerifyAudit checks the audit hash chain and its signed checkpoints.
   * Who may call: an operator, over the admin Unix socket.
   */
  VerifyAudit: grpc.handleUnaryCall<_tessera_v1_VerifyAuditRequest__Output, _tessera_v1_VerifyAuditResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  CreateJoinToken: MethodDefinition<_tessera_v1_CreateJoinTokenRequest, _tessera_v1_CreateJoinTokenResponse, _tessera_v1_CreateJoinTokenRequest__Output, _tessera_v1_CreateJoinTokenResponse__Output>
  ListAuditRecords: MethodDefinition<_tessera_v1_ListAuditRecordsRequest, _tessera_v1_ListAuditRecordsResponse, _tessera_v1_ListAuditRecordsRequest__Output, _tessera_v1_ListAuditRecordsResponse__Output>
  VerifyAudit: MethodDefinition<_tessera_v1_VerifyAuditRequest, _tessera_v1_VerifyAuditResponse, _tessera_v1_VerifyAuditRequest__Output, _tessera_v1_VerifyAuditResponse__Output>
}
