import { TesseraError } from '../../agent-sdk/errors.js';
import type { Authority as AuthorityMessage } from '../../agent-sdk/gen/tessera/v1/Authority.js';
import type { AuthorityKind__Output } from '../../agent-sdk/gen/tessera/v1/AuthorityKind.js';
import type { AuthorityServiceHandlers } from '../../agent-sdk/gen/tessera/v1/AuthorityService.js';
import type { Authorities, AuthorityView } from '../authority/authorities.js';
import type { AuthorityKind, AuthorityRecord, AuthorityStep } from '../authority/lifecycle.js';
import { type HandlerDeps, unaryHandler } from './handler.js';
import { authorityBundleMessage } from './wire.js';
import type { Authority } from '../authority/authority.js';
import type { FederatedBundles } from '../federation/federated-bundles.js';

const SERVICE = '/tessera.v1.AuthorityService';

const KIND_OF: Partial<Record<AuthorityKind__Output, AuthorityKind>> = { AUTHORITY_KIND_X509: 'x509', AUTHORITY_KIND_JWT: 'jwt', AUTHORITY_KIND_ROOT: 'root' };
const WIRE_KIND = { x509: 'AUTHORITY_KIND_X509', jwt: 'AUTHORITY_KIND_JWT', root: 'AUTHORITY_KIND_ROOT' } as const satisfies Record<AuthorityKind, AuthorityKind__Output>;

/** The authority lifecycle for the operator, served only on the admin Unix socket. */
export function authorityHandlers(deps: HandlerDeps, authorities: Authorities, authority: Authority, federation: FederatedBundles): AuthorityServiceHandlers {
  const step = (name: AuthorityStep, method: string) =>
    unaryHandler(deps, `${SERVICE}/${method}`, async (req: { kind: AuthorityKind__Output; authorityId: string }) => {
      const changed = await authorities.step(kindOf(req.kind), name, req.authorityId || undefined);
      return { authorities: changed.map(authorityMessage), authority: authorityMessage(changed[0]!) };
    });
  return {
    ListAuthorities: unaryHandler(deps, `${SERVICE}/ListAuthorities`, async (req) => ({
      authorities: authorities.list(kindOf(req.kind)).map(authorityMessage),
      bundleSequence: authorities.bundle.sequenceNumber,
      warnings: kindOf(req.kind) === 'x509' ? authorities.warnings() : [],
    })),
    PrepareAuthority: unaryHandler(deps, `${SERVICE}/PrepareAuthority`, async (req) => {
      const kind = kindOf(req.kind);
      if (!req.certificatePem && !req.privateKeyPem) return { authority: authorityMessage(await authorities.prepare(kind)) };
      if (kind === 'root' && req.certificatePem && !req.privateKeyPem) return { authority: authorityMessage(await authorities.importRoot(req.certificatePem)) };
      if (kind !== 'x509') throw new TesseraError('ERR_INVALID_ARGUMENT', 'only an X.509 intermediate (with its key, or for the pending key) or a root (its certificate alone) can be brought from outside');
      if (!req.certificatePem) throw new TesseraError('ERR_INVALID_ARGUMENT', 'an intermediate is brought with its certificate');
      return { authority: authorityMessage(await authorities.importX509(req.certificatePem, req.privateKeyPem || undefined)) };
    }),
    CreateIntermediateCsr: unaryHandler(deps, `${SERVICE}/CreateIntermediateCsr`, async () => ({ csrPem: await authorities.createIntermediateCsr() })),
    ActivateAuthority: step('activate', 'ActivateAuthority'),
    TaintAuthority: step('taint', 'TaintAuthority'),
    RevokeAuthority: step('revoke', 'RevokeAuthority'),
    GetBundle: unaryHandler(deps, `${SERVICE}/GetBundle`, async () => ({ bundle: authorityBundleMessage(authority) })),
    SetFederatedBundle: unaryHandler(deps, `${SERVICE}/SetFederatedBundle`, async (req) => {
      const { x509, jwt } = await federation.set(req.trustDomain, req.url ? { url: req.url } : { document: req.spiffeBundle });
      return { sequenceNumber: x509.sequenceNumber, x509Authorities: x509.authorities.length, jwtAuthorities: jwt.entries.length };
    }),
    UnsetFederatedBundle: unaryHandler(deps, `${SERVICE}/UnsetFederatedBundle`, async (req) => {
      await federation.unset(req.trustDomain);
      return {};
    }),
  };
}

/** @throws {TesseraError} ERR_INVALID_ARGUMENT for an unspecified kind. */
function kindOf(kind: AuthorityKind__Output): AuthorityKind {
  const known = KIND_OF[kind];
  if (!known) throw new TesseraError('ERR_INVALID_ARGUMENT', 'name the kind of authority: x509, jwt or root');
  return known;
}

function authorityMessage(a: AuthorityRecord | AuthorityView): AuthorityMessage {
  return {
    kind: WIRE_KIND[a.kind], authorityId: a.id, state: a.state, notBeforeMs: a.notBeforeMs, notAfterMs: a.notAfterMs,
    changedAtMs: a.changedAtMs, certificatePem: 'certificatePem' in a ? a.certificatePem ?? '' : '',
  };
}
