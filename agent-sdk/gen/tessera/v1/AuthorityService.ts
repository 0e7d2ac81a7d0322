// Original file: proto/tessera/v1/authority.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ActivateAuthorityRequest as _tessera_v1_ActivateAuthorityRequest, ActivateAuthorityRequest__Output as _tessera_v1_ActivateAuthorityRequest__Output } from '../../tessera/v1/ActivateAuthorityRequest.js';
import type { ActivateAuthorityResponse as _tessera_v1_ActivateAuthorityResponse, ActivateAuthorityResponse__Output as _tessera_v1_ActivateAuthorityResponse__Output } from '../../tessera/v1/ActivateAuthorityResponse.js';
import type { CreateIntermediateCsrRequest as _tessera_v1_CreateIntermediateCsrRequest, CreateIntermediateCsrRequest__Output as _tessera_v1_CreateIntermediateCsrRequest__Output } from '../../tessera/v1/CreateIntermediateCsrRequest.js';
import type { CreateIntermediateCsrResponse as _tessera_v1_CreateIntermediateCsrResponse, CreateIntermediateCsrResponse__Output as _tessera_v1_CreateIntermediateCsrResponse__Output } from '../../tessera/v1/CreateIntermediateCsrResponse.js';
import type { GetBundleRequest as _tessera_v1_GetBundleRequest, GetBundleRequest__Output as _tessera_v1_GetBundleRequest__Output } from '../../tessera/v1/GetBundleRequest.js';
import type { GetBundleResponse as _tessera_v1_GetBundleResponse, GetBundleResponse__Output as _tessera_v1_GetBundleResponse__Output } from '../../tessera/v1/GetBundleResponse.js';
import type { ListAuthoritiesRequest as _tessera_v1_ListAuthoritiesRequest, ListAuthoritiesRequest__Output as _tessera_v1_ListAuthoritiesRequest__Output } from '../../tessera/v1/ListAuthoritiesRequest.js';
import type { ListAuthoritiesResponse as _tessera_v1_ListAuthoritiesResponse, ListAuthoritiesResponse__Output as _tessera_v1_ListAuthoritiesResponse__Output } from '../../tessera/v1/ListAuthoritiesResponse.js';
import type { PrepareAuthorityRequest as _tessera_v1_PrepareAuthorityRequest, PrepareAuthorityRequest__Output as _tessera_v1_PrepareAuthorityRequest__Output } from '../../tessera/v1/PrepareAuthorityRequest.js';
import type { PrepareAuthorityResponse as _tessera_v1_PrepareAuthorityResponse, PrepareAuthorityResponse__Output as _tessera_v1_PrepareAuthorityResponse__Output } from '../../tessera/v1/PrepareAuthorityResponse.js';
import type { RevokeAuthorityRequest as _tessera_v1_RevokeAuthorityRequest, RevokeAuthorityRequest__Output as _tessera_v1_RevokeAuthorityRequest__Output } from '../../tessera/v1/RevokeAuthorityRequest.js';
import type { RevokeAuthorityResponse as _tessera_v1_RevokeAuthorityResponse, RevokeAuthorityResponse__Output as _tessera_v1_RevokeAuthorityResponse__Output } from '../../tessera/v1/RevokeAuthorityResponse.js';
import type { SetFederatedBundleRequest as _tessera_v1_SetFederatedBundleRequest, SetFederatedBundleRequest__Output as _tessera_v1_SetFederatedBundleRequest__Output } from '../../tessera/v1/SetFederatedBundleRequest.js';
import type { SetFederatedBundleResponse as _tessera_v1_SetFederatedBundleResponse, SetFederatedBundleResponse__Output as _tessera_v1_SetFederatedBundleResponse__Output } from '../../tessera/v1/SetFederatedBundleResponse.js';
import type { TaintAuthorityRequest as _tessera_v1_TaintAuthorityRequest, TaintAuthorityRequest__Output as _tessera_v1_TaintAuthorityRequest__Output } from '../../tessera/v1/TaintAuthorityRequest.js';
import type { TaintAuthorityResponse as _tessera_v1_TaintAuthorityResponse, TaintAuthorityResponse__Output as _tessera_v1_TaintAuthorityResponse__Output } from '../../tessera/v1/TaintAuthorityResponse.js';
import type { UnsetFederatedBundleRequest as _tessera_v1_UnsetFederatedBundleRequest, UnsetFederatedBundleRequest__Output as _tessera_v1_UnsetFederatedBundleRequest__Output } from '../../tessera/v1/UnsetFederatedBundleRequest.js';
import type { UnsetFederatedBundleResponse as _tessera_v1_UnsetFederatedBundleResponse, UnsetFederatedBundleResponse__Output as _tessera_v1_UnsetFederatedBundleResponse__Output } from '../../tessera/v1/UnsetFederatedBundleResponse.js';

/**
 * AuthorityService manages the CA's signing authorities (X.509 intermediates
 * and JWT signing keys) through their lifecycle: prepared, active, old,
 * tainted, revoked (docs/authorities.md). Every change is durable and audited
 * before the call returns, increases the bundle's sequence number and goes out
 * on WatchTrustBundle at once.
 */
export interface AuthorityServiceClient extends grpc.Client {
  /**
   * ActivateAuthority makes the prepared authority the one that signs; the
   * active one becomes old.
   * Who may call: an operator, over the admin Unix socket.
   */
  ActivateAuthority(argument: _tessera_v1_ActivateAuthorityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ActivateAuthorityResponse__Output>): grpc.ClientUnaryCall;
  ActivateAuthority(argument: _tessera_v1_ActivateAuthorityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ActivateAuthorityResponse__Output>): grpc.ClientUnaryCall;
  ActivateAuthority(argument: _tessera_v1_ActivateAuthorityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ActivateAuthorityResponse__Output>): grpc.ClientUnaryCall;
  ActivateAuthority(argument: _tessera_v1_ActivateAuthorityRequest, callback: grpc.requestCallback<_tessera_v1_ActivateAuthorityResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ActivateAuthority makes the prepared authority the one that signs; the
   * active one becomes old.
   * Who may call: an operator, over the admin Unix socket.
   */
  activateAuthority(argument: _tessera_v1_ActivateAuthorityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ActivateAuthorityResponse__Output>): grpc.ClientUnaryCall;
  activateAuthority(argument: _tessera_v1_ActivateAuthorityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ActivateAuthorityResponse__Output>): grpc.ClientUnaryCall;
  activateAuthority(argument: _tessera_v1_ActivateAuthorityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ActivateAuthorityResponse__Output>): grpc.ClientUnaryCall;
  activateAuthority(argument: _tessera_v1_ActivateAuthorityRequest, callback: grpc.requestCallback<_tessera_v1_ActivateAuthorityResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * CreateIntermediateCsr makes the key of the next X.509 intermediate on the
   * CA host, seals it into the store as the pending key (replacing an earlier
   * one), and returns a certification request for it, for the operator's
   * offline root or upstream CA to sign. PrepareAuthority with the signed
   * certificate alone then brings it, so the key never leaves the CA host.
   * Who may call: an operator, over the admin Unix socket.
   */
  CreateIntermediateCsr(argument: _tessera_v1_CreateIntermediateCsrRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateIntermediateCsrResponse__Output>): grpc.ClientUnaryCall;
  CreateIntermediateCsr(argument: _tessera_v1_CreateIntermediateCsrRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_CreateIntermediateCsrResponse__Output>): grpc.ClientUnaryCall;
  CreateIntermediateCsr(argument: _tessera_v1_CreateIntermediateCsrRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateIntermediateCsrResponse__Output>): grpc.ClientUnaryCall;
  CreateIntermediateCsr(argument: _tessera_v1_CreateIntermediateCsrRequest, callback: grpc.requestCallback<_tessera_v1_CreateIntermediateCsrResponse__Output>): grpc.ClientUnaryCall;
  /**
   * CreateIntermediateCsr makes the key of the next X.509 intermediate on the
   * CA host, seals it into the store as the pending key (replacing an earlier
   * one), and returns a certification request for it, for the operator's
   * offline root or upstream CA to sign. PrepareAuthority with the signed
   * certificate alone then brings it, so the key never leaves the CA host.
   * Who may call: an operator, over the admin Unix socket.
   */
  createIntermediateCsr(argument: _tessera_v1_CreateIntermediateCsrRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateIntermediateCsrResponse__Output>): grpc.ClientUnaryCall;
  createIntermediateCsr(argument: _tessera_v1_CreateIntermediateCsrRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_CreateIntermediateCsrResponse__Output>): grpc.ClientUnaryCall;
  createIntermediateCsr(argument: _tessera_v1_CreateIntermediateCsrRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_CreateIntermediateCsrResponse__Output>): grpc.ClientUnaryCall;
  createIntermediateCsr(argument: _tessera_v1_CreateIntermediateCsrRequest, callback: grpc.requestCallback<_tessera_v1_CreateIntermediateCsrResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * GetBundle returns the trust bundle the authorities make, for the operator
   * to hand out (`tessera bundle show`).
   * Who may call: an operator, over the admin Unix socket.
   */
  GetBundle(argument: _tessera_v1_GetBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetBundleResponse__Output>): grpc.ClientUnaryCall;
  GetBundle(argument: _tessera_v1_GetBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_GetBundleResponse__Output>): grpc.ClientUnaryCall;
  GetBundle(argument: _tessera_v1_GetBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetBundleResponse__Output>): grpc.ClientUnaryCall;
  GetBundle(argument: _tessera_v1_GetBundleRequest, callback: grpc.requestCallback<_tessera_v1_GetBundleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetBundle returns the trust bundle the authorities make, for the operator
   * to hand out (`tessera bundle show`).
   * Who may call: an operator, over the admin Unix socket.
   */
  getBundle(argument: _tessera_v1_GetBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetBundleResponse__Output>): grpc.ClientUnaryCall;
  getBundle(argument: _tessera_v1_GetBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_GetBundleResponse__Output>): grpc.ClientUnaryCall;
  getBundle(argument: _tessera_v1_GetBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_GetBundleResponse__Output>): grpc.ClientUnaryCall;
  getBundle(argument: _tessera_v1_GetBundleRequest, callback: grpc.requestCallback<_tessera_v1_GetBundleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListAuthorities returns the authorities of one kind, oldest first.
   * Who may call: an operator, over the admin Unix socket.
   */
  ListAuthorities(argument: _tessera_v1_ListAuthoritiesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuthoritiesResponse__Output>): grpc.ClientUnaryCall;
  ListAuthorities(argument: _tessera_v1_ListAuthoritiesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ListAuthoritiesResponse__Output>): grpc.ClientUnaryCall;
  ListAuthorities(argument: _tessera_v1_ListAuthoritiesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuthoritiesResponse__Output>): grpc.ClientUnaryCall;
  ListAuthorities(argument: _tessera_v1_ListAuthoritiesRequest, callback: grpc.requestCallback<_tessera_v1_ListAuthoritiesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListAuthorities returns the authorities of one kind, oldest first.
   * Who may call: an operator, over the admin Unix socket.
   */
  listAuthorities(argument: _tessera_v1_ListAuthoritiesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuthoritiesResponse__Output>): grpc.ClientUnaryCall;
  listAuthorities(argument: _tessera_v1_ListAuthoritiesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_ListAuthoritiesResponse__Output>): grpc.ClientUnaryCall;
  listAuthorities(argument: _tessera_v1_ListAuthoritiesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_ListAuthoritiesResponse__Output>): grpc.ClientUnaryCall;
  listAuthorities(argument: _tessera_v1_ListAuthoritiesRequest, callback: grpc.requestCallback<_tessera_v1_ListAuthoritiesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * PrepareAuthority makes a new authority: in the bundle, signing nothing.
   * For X.509 it may instead bring an intermediate made elsewhere (signed by
   * the operator's offline root or an upstream CA), refused
   * (INVALID_ARGUMENT, ERR_AUTHORITY_INVALID) when it is unfit. Refused
   * (FAILED_PRECONDITION) while another one is prepared, and for X.509 with
   * nothing brought when the CA holds no root key.
   * Who may call: an operator, over the admin Unix socket.
   */
  PrepareAuthority(argument: _tessera_v1_PrepareAuthorityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_PrepareAuthorityResponse__Output>): grpc.ClientUnaryCall;
  PrepareAuthority(argument: _tessera_v1_PrepareAuthorityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_PrepareAuthorityResponse__Output>): grpc.ClientUnaryCall;
  PrepareAuthority(argument: _tessera_v1_PrepareAuthorityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_PrepareAuthorityResponse__Output>): grpc.ClientUnaryCall;
  PrepareAuthority(argument: _tessera_v1_PrepareAuthorityRequest, callback: grpc.requestCallback<_tessera_v1_PrepareAuthorityResponse__Output>): grpc.ClientUnaryCall;
  /**
   * PrepareAuthority makes a new authority: in the bundle, signing nothing.
   * For X.509 it may instead bring an intermediate made elsewhere (signed by
   * the operator's offline root or an upstream CA), refused
   * (INVALID_ARGUMENT, ERR_AUTHORITY_INVALID) when it is unfit. Refused
   * (FAILED_PRECONDITION) while another one is prepared, and for X.509 with
   * nothing brought when the CA holds no root key.
   * Who may call: an operator, over the admin Unix socket.
   */
  prepareAuthority(argument: _tessera_v1_PrepareAuthorityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_PrepareAuthorityResponse__Output>): grpc.ClientUnaryCall;
  prepareAuthority(argument: _tessera_v1_PrepareAuthorityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_PrepareAuthorityResponse__Output>): grpc.ClientUnaryCall;
  prepareAuthority(argument: _tessera_v1_PrepareAuthorityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_PrepareAuthorityResponse__Output>): grpc.ClientUnaryCall;
  prepareAuthority(argument: _tessera_v1_PrepareAuthorityRequest, callback: grpc.requestCallback<_tessera_v1_PrepareAuthorityResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * RevokeAuthority revokes a tainted authority: it leaves the bundle and every
   * SDK verifier refuses any chain through it.
   * Who may call: an operator, over the admin Unix socket.
   */
  RevokeAuthority(argument: _tessera_v1_RevokeAuthorityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RevokeAuthorityResponse__Output>): grpc.ClientUnaryCall;
  RevokeAuthority(argument: _tessera_v1_RevokeAuthorityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_RevokeAuthorityResponse__Output>): grpc.ClientUnaryCall;
  RevokeAuthority(argument: _tessera_v1_RevokeAuthorityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RevokeAuthorityResponse__Output>): grpc.ClientUnaryCall;
  RevokeAuthority(argument: _tessera_v1_RevokeAuthorityRequest, callback: grpc.requestCallback<_tessera_v1_RevokeAuthorityResponse__Output>): grpc.ClientUnaryCall;
  /**
   * RevokeAuthority revokes a tainted authority: it leaves the bundle and every
   * SDK verifier refuses any chain through it.
   * Who may call: an operator, over the admin Unix socket.
   */
  revokeAuthority(argument: _tessera_v1_RevokeAuthorityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RevokeAuthorityResponse__Output>): grpc.ClientUnaryCall;
  revokeAuthority(argument: _tessera_v1_RevokeAuthorityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_RevokeAuthorityResponse__Output>): grpc.ClientUnaryCall;
  revokeAuthority(argument: _tessera_v1_RevokeAuthorityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_RevokeAuthorityResponse__Output>): grpc.ClientUnaryCall;
  revokeAuthority(argument: _tessera_v1_RevokeAuthorityRequest, callback: grpc.requestCallback<_tessera_v1_RevokeAuthorityResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * SetFederatedBundle trusts another trust domain: its SPIFFE bundle
   * document as given, or fetched now (and refreshed) from its bundle
   * endpoint URL. Durable and audited before the call returns; pushed on
   * WatchTrustBundle at once.
   * Who may call: an operator, over the admin Unix socket.
   */
  SetFederatedBundle(argument: _tessera_v1_SetFederatedBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_SetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  SetFederatedBundle(argument: _tessera_v1_SetFederatedBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_SetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  SetFederatedBundle(argument: _tessera_v1_SetFederatedBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_SetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  SetFederatedBundle(argument: _tessera_v1_SetFederatedBundleRequest, callback: grpc.requestCallback<_tessera_v1_SetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * SetFederatedBundle trusts another trust domain: its SPIFFE bundle
   * document as given, or fetched now (and refreshed) from its bundle
   * endpoint URL. Durable and audited before the call returns; pushed on
   * WatchTrustBundle at once.
   * Who may call: an operator, over the admin Unix socket.
   */
  setFederatedBundle(argument: _tessera_v1_SetFederatedBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_SetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  setFederatedBundle(argument: _tessera_v1_SetFederatedBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_SetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  setFederatedBundle(argument: _tessera_v1_SetFederatedBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_SetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  setFederatedBundle(argument: _tessera_v1_SetFederatedBundleRequest, callback: grpc.requestCallback<_tessera_v1_SetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * TaintAuthority marks an old authority tainted: every agent holding an SVID
   * it signed renews now.
   * Who may call: an operator, over the admin Unix socket.
   */
  TaintAuthority(argument: _tessera_v1_TaintAuthorityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_TaintAuthorityResponse__Output>): grpc.ClientUnaryCall;
  TaintAuthority(argument: _tessera_v1_TaintAuthorityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_TaintAuthorityResponse__Output>): grpc.ClientUnaryCall;
  TaintAuthority(argument: _tessera_v1_TaintAuthorityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_TaintAuthorityResponse__Output>): grpc.ClientUnaryCall;
  TaintAuthority(argument: _tessera_v1_TaintAuthorityRequest, callback: grpc.requestCallback<_tessera_v1_TaintAuthorityResponse__Output>): grpc.ClientUnaryCall;
  /**
   * TaintAuthority marks an old authority tainted: every agent holding an SVID
   * it signed renews now.
   * Who may call: an operator, over the admin Unix socket.
   */
  taintAuthority(argument: _tessera_v1_TaintAuthorityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_TaintAuthorityResponse__Output>): grpc.ClientUnaryCall;
  taintAuthority(argument: _tessera_v1_TaintAuthorityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_TaintAuthorityResponse__Output>): grpc.ClientUnaryCall;
  taintAuthority(argument: _tessera_v1_TaintAuthorityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_TaintAuthorityResponse__Output>): grpc.ClientUnaryCall;
  taintAuthority(argument: _tessera_v1_TaintAuthorityRequest, callback: grpc.requestCallback<_tessera_v1_TaintAuthorityResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * UnsetFederatedBundle stops trusting another trust domain: its bundle
   * leaves what agents receive, pushed on WatchTrustBundle at once. Durable
   * and audited before the call returns; NOT_FOUND when not federated.
   * Who may call: an operator, over the admin Unix socket.
   */
  UnsetFederatedBundle(argument: _tessera_v1_UnsetFederatedBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_UnsetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  UnsetFederatedBundle(argument: _tessera_v1_UnsetFederatedBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_UnsetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  UnsetFederatedBundle(argument: _tessera_v1_UnsetFederatedBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_UnsetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  UnsetFederatedBundle(argument: _tessera_v1_UnsetFederatedBundleRequest, callback: grpc.requestCallback<_tessera_v1_UnsetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * UnsetFederatedBundle stops trusting another trust domain: its bundle
   * leaves what agents receive, pushed on WatchTrustBundle at once. Durable
   * and audited before the call returns; NOT_FOUND when not federated.
   * Who may call: an operator, over the admin Unix socket.
   */
  unsetFederatedBundle(argument: _tessera_v1_UnsetFederatedBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_UnsetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  unsetFederatedBundle(argument: _tessera_v1_UnsetFederatedBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tessera_v1_UnsetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  unsetFederatedBundle(argument: _tessera_v1_UnsetFederatedBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tessera_v1_UnsetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  unsetFederatedBundle(argument: _tessera_v1_UnsetFederatedBundleRequest, callback: grpc.requestCallback<_tessera_v1_UnsetFederatedBundleResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * AuthorityService manages the CA's signing authorities (X.509 intermediates
 * and JWT signing keys) through their lifecycle: prepared, active, old,
 * tainted, revoked (docs/authorities.md). Every change is durable and audited
 * before the call returns, increases the bundle's sequence number and goes out
 * on WatchTrustBundle at once.
 */
export interface AuthorityServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * ActivateAuthority makes the prepared authority the one that signs; the
   * active one becomes old.
   * Who may call: an operator, over the admin Unix socket.
   */
  ActivateAuthority: grpc.handleUnaryCall<_tessera_v1_ActivateAuthorityRequest__Output, _tessera_v1_ActivateAuthorityResponse>;
  
  /**
   * CreateIntermediateCsr makes the key of the next X.509 intermediate on the
   * CA host, seals it into the store as the pending key (replacing an earlier
   * one), and returns a certification request for it, for the operator's
   * offline root or upstream CA to sign. PrepareAuthority with the signed
   * certificate alone then brings it, so the key never leaves the CA host.
   * Who may call: an operator, over the admin Unix socket.
   */
  CreateIntermediateCsr: grpc.handleUnaryCall<_tessera_v1_CreateIntermediateCsrRequest__Output, _tessera_v1_CreateIntermediateCsrResponse>;
  
  /**
   * GetBundle returns the trust bundle the authorities make, for the operator
   * to hand out (`tessera bundle show`).
   * Who may call: an operator, over the admin Unix socket.
   */
  GetBundle: grpc.handleUnaryCall<_tessera_v1_GetBundleRequest__Output, _tessera_v1_GetBundleResponse>;
  
  /**
   * ListAuthorities returns the authorities of one kind, oldest first.
   * Who may call: an operator, over the admin Unix socket.
   */
  ListAuthorities: grpc.handleUnaryCall<_tessera_v1_ListAuthoritiesRequest__Output, _tessera_v1_ListAuthoritiesResponse>;
  
  /**
   * PrepareAuthority makes a new authority: in the bundle, signing nothing.
   * For X.509 it may instead bring an intermediate made elsewhere (signed by
   * the operator's offline root or an upstream CA), refused
   * (INVALID_ARGUMENT, ERR_AUTHORITY_INVALID) when it is unfit. Refused
   * (FAILED_PRECONDITION) while another one is prepared, and for X.509 with
   * nothing brought when the CA holds no root key.
   * Who may call: an operator, over the admin Unix socket.
   */
  PrepareAuthority: grpc.handleUnaryCall<_tessera_v1_PrepareAuthorityRequest__Output, _tessera_v1_PrepareAuthorityResponse>;
  
  /**
   * RevokeAuthority revokes a tainted authority: it leaves the bundle and every
   * SDK verifier refuses any chain through it.
   * Who may call: an operator, over the admin Unix socket.
   */
  RevokeAuthority: grpc.handleUnaryCall<_tessera_v1_RevokeAuthorityRequest__Output, _tessera_v1_RevokeAuthorityResponse>;
  
  /**
   * SetFederatedBundle trusts another trust domain: its SPIFFE bundle
   * document as given, or fetched now (and refreshed) from its bundle
   * endpoint URL. Durable and audited before the call returns; pushed on
   * WatchTrustBundle at once.
   * Who may call: an operator, over the admin Unix socket.
   */
  SetFederatedBundle: grpc.handleUnaryCall<_tessera_v1_SetFederatedBundleRequest__Output, _tessera_v1_SetFederatedBundleResponse>;
  
  /**
   * TaintAuthority marks an old authority tainted: every agent holding an SVID
   * it signed renews now.
   * Who may call: an operator, over the admin Unix socket.
   */
  TaintAuthority: grpc.handleUnaryCall<_tessera_v1_TaintAuthorityRequest__Output, _tessera_v1_TaintAuthorityResponse>;
  
  /**
   * UnsetFederatedBundle stops trusting another trust domain: its bundle
   * leaves what agents receive, pushed on WatchTrustBundle at once. Durable
   * and audited before the call returns; NOT_FOUND when not federated.
   * Who may call: an operator, over the admin Unix socket.
   */
  UnsetFederatedBundle: grpc.handleUnaryCall<_tessera_v1_UnsetFederatedBundleRequest__Output, _tessera_v1_UnsetFederatedBundleResponse>;
  
}

export interface AuthorityServiceDefinition extends grpc.ServiceDefinition {
  ActivateAuthority: MethodDefinition<_tessera_v1_ActivateAuthorityRequest, _tessera_v1_ActivateAuthorityResponse, _tessera_v1_ActivateAuthorityRequest__Output, _tessera_v1_ActivateAuthorityResponse__Output>
  CreateIntermediateCsr: MethodDefinition<_tessera_v1_CreateIntermediateCsrRequest, _tessera_v1_CreateIntermediateCsrResponse, _tessera_v1_CreateIntermediateCsrRequest__Output, _tessera_v1_CreateIntermediateCsrResponse__Output>
  GetBundle: MethodDefinition<_tessera_v1_GetBundleRequest, _tessera_v1_GetBundleResponse, _tessera_v1_GetBundleRequest__Output, _tessera_v1_GetBundleResponse__Output>
  ListAuthorities: MethodDefinition<_tessera_v1_ListAuthoritiesRequest, _tessera_v1_ListAuthoritiesResponse, _tessera_v1_ListAuthoritiesRequest__Output, _tessera_v1_ListAuthoritiesResponse__Output>
  PrepareAuthority: MethodDefinition<_tessera_v1_PrepareAuthorityRequest, _tessera_v1_PrepareAuthorityResponse, _tessera_v1_PrepareAuthorityRequest__Output, _tessera_v1_PrepareAuthorityResponse__Output>
  RevokeAuthority: MethodDefinition<_tessera_v1_RevokeAuthorityRequest, _tessera_v1_RevokeAuthorityResponse, _tessera_v1_RevokeAuthorityRequest__Output, _tessera_v1_RevokeAuthorityResponse__Output>
  SetFederatedBundle: MethodDefinition<_tessera_v1_SetFederatedBundleRequest, _tessera_v1_SetFederatedBundleResponse, _tessera_v1_SetFederatedBundleRequest__Output, _tessera_v1_SetFederatedBundleResponse__Output>
  TaintAuthority: MethodDefinition<_tessera_v1_TaintAuthorityRequest, _tessera_v1_TaintAuthorityResponse, _tessera_v1_TaintAuthorityRequest__Output, _tessera_v1_TaintAuthorityResponse__Output>
  UnsetFederatedBundle: MethodDefinition<_tessera_v1_UnsetFederatedBundleRequest, _tessera_v1_UnsetFederatedBundleResponse, _tessera_v1_UnsetFederatedBundleRequest__Output, _tessera_v1_UnsetFederatedBundleResponse__Output>
}
