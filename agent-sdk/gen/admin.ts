import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminServiceClient as _tessera_v1_AdminServiceClient, AdminServiceDefinition as _tessera_v1_AdminServiceDefinition } from './tessera/v1/AdminService.js';
import type { AuditRecord as _tessera_v1_AuditRecord, AuditRecord__Output as _tessera_v1_AuditRecord__Output } from './tessera/v1/AuditRecord.js';
import type { CreateJoinTokenRequest as _tessera_v1_CreateJoinTokenRequest, CreateJoinTokenRequest__Output as _tessera_v1_CreateJoinTokenRequest__Output } from './tessera/v1/CreateJoinTokenRequest.js';
import type { CreateJoinTokenResponse as _tessera_v1_CreateJoinTokenResponse, CreateJoinTokenResponse__Output as _tessera_v1_CreateJoinTokenResponse__Output } from './tessera/v1/CreateJoinTokenResponse.js';
import type { ListAuditRecordsRequest as _tessera_v1_ListAuditRecordsRequest, ListAuditRecordsRequest__Output as _tessera_v1_ListAuditRecordsRequest__Output } from './tessera/v1/ListAuditRecordsRequest.js';
import type { ListAuditRecordsResponse as _tessera_v1_ListAuditRecordsResponse, ListAuditRecordsResponse__Output as _tessera_v1_ListAuditRecordsResponse__Output } from './tessera/v1/ListAuditRecordsResponse.js';
import type { VerifyAuditRequest as _tessera_v1_VerifyAuditRequest, VerifyAuditRequest__Output as _tessera_v1_VerifyAuditRequest__Output } from './tessera/v1/VerifyAuditRequest.js';
import type { VerifyAuditResponse as _tessera_v1_VerifyAuditResponse, VerifyAuditResponse__Output as _tessera_v1_VerifyAuditResponse__Output } from './tessera/v1/VerifyAuditResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tessera: {
    v1: {
      /**
       * AdminService is the operator's API.
       */
      AdminService: SubtypeConstructor<typeof grpc.Client, _tessera_v1_AdminServiceClient> & { service: _tessera_v1_AdminServiceDefinition }
      AuditRecord: MessageTypeDefinition<_tessera_v1_AuditRecord, _tessera_v1_AuditRecord__Output>
      CreateJoinTokenRequest: MessageTypeDefinition<_tessera_v1_CreateJoinTokenRequest, _tessera_v1_CreateJoinTokenRequest__Output>
      CreateJoinTokenResponse: MessageTypeDefinition<_tessera_v1_CreateJoinTokenResponse, _tessera_v1_CreateJoinTokenResponse__Output>
      ListAuditRecordsRequest: MessageTypeDefinition<_tessera_v1_ListAuditRecordsRequest, _tessera_v1_ListAuditRecordsRequest__Output>
      ListAuditRecordsResponse: MessageTypeDefinition<_tessera_v1_ListAuditRecordsResponse, _tessera_v1_ListAuditRecordsResponse__Output>
      VerifyAuditRequest: MessageTypeDefinition<_tessera_v1_VerifyAuditRequest, _tessera_v1_VerifyAuditRequest__Output>
      VerifyAuditResponse: MessageTypeDefinition<_tessera_v1_VerifyAuditResponse, _tessera_v1_VerifyAuditResponse__Output>
    }
  }
}

