import * as grpc from '@grpc/grpc-js';
import { errorFromServiceError } from '../agent-sdk/error-status.js';
import type { Authority__Output } from '../agent-sdk/gen/tessera/v1/Authority.js';
import type { AuthorityServiceClient } from '../agent-sdk/gen/tessera/v1/AuthorityService.js';
import type { ListAuthoritiesResponse__Output } from '../agent-sdk/gen/tessera/v1/ListAuthoritiesResponse.js';
import { tesseraProto } from '../agent-sdk/proto.js';
import type { GetBundleResponse__Output } from '../agent-sdk/gen/tessera/v1/GetBundleResponse.js';
import type { TrustBundle__Output } from '../agent-sdk/gen/tessera/v1/TrustBundle.js';
import type { SetFederatedBundleResponse__Output } from '../agent-sdk/gen/tessera/v1/SetFederatedBundleResponse.js';
import type { AuthorityKind, AuthorityStep } from './authority/lifecycle.js';

const WIRE_KIND = { x509: 'AUTHORITY_KIND_X509', jwt: 'AUTHORITY_KIND_JWT', root: 'AUTHORITY_KIND_ROOT' } as const satisfies Record<AuthorityKind, string>;
const METHOD = { activate: 'ActivateAuthority', taint: 'TaintAuthority', revoke: 'RevokeAuthority' } as const satisfies Record<AuthorityStep, string>;

/**
 * The operator's client for the authority lifecycle (AuthorityService) on the
 * CA's admin Unix socket, whose file mode is the access control.
 *
 * @example
 * const authorities = new AuthorityClient('/var/lib/tessera/admin.sock');
 * const prepared = await authorities.prepare('x509');
 */
export class AuthorityClient {
  readonly #client: AuthorityServiceClient;

  constructor(socketPath: string) {
    this.#client = new (tesseraProto().tessera.v1.AuthorityService)(`unix:${socketPath}`, grpc.credentials.createInsecure());
  }

  /** The authorities of `kind`, oldest first, and the bundle's sequence number. @throws {TesseraError} ERR_UNAVAILABLE */
  list(kind: AuthorityKind): Promise<ListAuthoritiesResponse__Output> {
    return this.#call((cb) => this.#client.ListAuthorities({ kind: WIRE_KIND[kind] }, deadline(), cb));
  }

  /**
   * Prepares a new authority; for X.509, `brought` gives an intermediate made
   * elsewhere (PEM certificate then its upstream chain, and its PEM key, or ''
   * for the key createIntermediateCsr left pending) instead.
   *
   * @throws {TesseraError} ERR_AUTHORITY_STATE while one is prepared (or, with nothing
   *   brought, when the CA holds no root key); ERR_AUTHORITY_INVALID for an unfit
   *   intermediate; ERR_UNAVAILABLE.
   * @example await authorities.prepare('x509', { certificatePem, privateKeyPem });
   */
  async prepare(kind: AuthorityKind, brought?: { certificatePem: string; privateKeyPem: string }): Promise<Authority__Output> {
    const request = { kind: WIRE_KIND[kind], ...brought };
    const res = await this.#call<{ authority: Authority__Output | null }>((cb) => this.#client.PrepareAuthority(request, deadline(), cb));
    return res.authority!;
  }

  /**
   * Has the CA make and keep the key of the next intermediate, and resolves
   * with the PEM certification request for the operator's CA to sign.
   *
   * @throws {TesseraError} ERR_UNAVAILABLE.
   * @example writeFileSync('next.csr', await authorities.createIntermediateCsr());
   */
  async createIntermediateCsr(): Promise<string> {
    return (await this.#call<{ csrPem: string }>((cb) => this.#client.CreateIntermediateCsr({}, deadline(), cb))).csrPem;
  }

  /**
   * Activates, taints or revokes authority `id` (or the only one the step applies to);
   * resolves with the authorities that changed once durable and audited.
   *
   * @throws {TesseraError} ERR_AUTHORITY_STATE for a step its state does not allow; ERR_NOT_FOUND; ERR_UNAVAILABLE.
   * @example await authorities.step('x509', 'taint', oldId);
   */
  async step(kind: AuthorityKind, step: AuthorityStep, id?: string): Promise<Authority__Output[]> {
    const request = { kind: WIRE_KIND[kind], authorityId: id ?? '' };
    const res = await this.#call<{ authorities?: Authority__Output[]; authority?: Authority__Output | null }>(
      (cb) => (this.#client[METHOD[step]] as unknown as (r: typeof request, o: grpc.CallOptions, cb: unknown) => unknown)(request, deadline(), cb),
    );
    return res.authorities ?? (res.authority ? [res.authority] : []);
  }

  /** The trust bundle, as the CA hands it out. @throws {TesseraError} ERR_UNAVAILABLE */
  async bundle(): Promise<TrustBundle__Output> {
    const res = await this.#call<GetBundleResponse__Output>((cb) => this.#client.GetBundle({}, deadline(), cb));
    return res.bundle!;
  }

  /**
   * Trusts another trust domain with its SPIFFE bundle document, or with the one
   * the CA fetches (and then refreshes) from its bundle endpoint.
   *
   * @throws {TesseraError} ERR_INVALID_ARGUMENT, ERR_BUNDLE_INVALID, ERR_UNAVAILABLE (the endpoint or the CA).
   */
  setFederatedBundle(trustDomain: string, from: { document: string } | { url: string }): Promise<SetFederatedBundleResponse__Output> {
    const request = { trustDomain, ...('url' in from ? { url: from.url } : { spiffeBundle: from.document }) };
    return this.#call((cb) => this.#client.SetFederatedBundle(request, deadline(), cb));
  }

  /**
   * Stops trusting another trust domain; resolves once durable and audited.
   *
   * @throws {TesseraError} ERR_NOT_FOUND when the CA does not federate with it; ERR_UNAVAILABLE.
   * @example await authorities.unsetFederatedBundle('partner.example');
   */
  async unsetFederatedBundle(trustDomain: string): Promise<void> {
    await this.#call((cb) => this.#client.UnsetFederatedBundle({ trustDomain }, deadline(), cb));
  }

  close(): void {
    this.#client.close();
  }

  #call<Res>(invoke: (cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
      invoke((err, res) => (err || !res ? reject(err ? errorFromServiceError(err) : new Error('empty response')) : resolve(res)));
    });
  }
}

const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + 60_000 });
