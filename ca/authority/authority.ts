import type { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { X509Bundle } from '../../agent-sdk/bundle.js';
import { JwtBundle } from '../../agent-sdk/jwt-bundle.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { JwtAuthority } from './jwt-authority.js';
import type { CaCredential, CaKeys } from './keys.js';
import type { FederatedBundle } from '../federation/federated-bundles.js';
import { LeafTemplate, newSerial, signCertificate } from './template.js';
import { validateLeaf } from './validate.js';

/** Backdating notBefore absorbs small clock differences between the CA and verifiers. */
const BACKDATE_MS = 5_000;

/** An X509-SVID as the CA returns it: no key, the caller holds that. */
export interface IssuedX509Svid {
  readonly spiffeId: string;
  /** DER, the leaf first, then the intermediate and any upstream intermediates above it. */
  readonly certificates: Buffer[];
  readonly serialHex: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/**
 * Where the Authority finds the keys that sign now and the bundle: the
 * lifecycle (ca/authority/authorities.ts) in the CA, fixed keys in tests.
 */
export interface Signers {
  /** The active intermediate. */
  readonly intermediate: CaCredential;
  readonly bundle: X509Bundle;
  /** The active task token signer; undefined when there is none. */
  readonly jwt: JwtAuthority | undefined;
  readonly jwtBundle: JwtBundle | undefined;
}

/**
 * Signs X509-SVIDs with the active intermediate and hands out the trust bundle.
 * It knows the profile, not the policy: callers decide who gets which ID and for how long.
 */
export class Authority {
  readonly trustDomain: string;
  readonly #signers: Signers;
  readonly #federation: { readonly bundles: readonly FederatedBundle[] } | undefined;
  readonly #clock: Clock;
  // One template per intermediate: the issuer part is encoded once.
  readonly #templates = new WeakMap<CaCredential, LeafTemplate>();

  /** `keys` (and `jwt`): fixed signers, for tools and tests; `signers`: the CA's lifecycle. */
  constructor(params: { trustDomain: string; clock: Clock; federation?: { readonly bundles: readonly FederatedBundle[] } } & ({ signers: Signers } | { keys: CaKeys; jwt?: JwtAuthority })) {
    this.trustDomain = params.trustDomain;
    this.#clock = params.clock;
    this.#federation = params.federation;
    if ('signers' in params) {
      this.#signers = params.signers;
    } else {
      const { keys, jwt } = params;
      const jwtBundle = jwt && new JwtBundle(params.trustDomain, [{ keyId: jwt.keyId, publicKey: jwt.publicKey }], 1);
      this.#signers = { intermediate: keys.intermediate, bundle: new X509Bundle(params.trustDomain, [keys.root.der], 1), jwt, jwtBundle };
    }
  }

  /** The trust bundle. */
  get bundle(): X509Bundle {
    return this.#signers.bundle;
  }

  /** The bundles of the trust domains this CA federates with, handed to agents with its own. */
  get federatedBundles(): readonly FederatedBundle[] {
    return this.#federation?.bundles ?? [];
  }

  /** The signing certificate's expiry: no SVID may outlive it. */
  get signerNotAfterMs(): number {
    return this.#signers.intermediate.notAfterMs;
  }

  /** The JWT keys for the trust bundle; undefined on a CA without a JWT authority. */
  get jwtBundle(): JwtBundle | undefined {
    return this.#signers.jwtBundle;
  }

  /** The task token signer. @throws {TesseraError} ERR_UNAVAILABLE when this CA has none. */
  get jwt(): JwtAuthority {
    const jwt = this.#signers.jwt;
    if (!jwt) throw new TesseraError('ERR_UNAVAILABLE', 'this CA has no JWT signing key');
    return jwt;
  }

  /** The active intermediate's key and chain, for signing audit checkpoints. */
  get checkpointSigner() {
    const { privateKey, der, chain } = this.#signers.intermediate;
    return { privateKey, chain: [der, ...chain] };
  }

  /**
   * Signs an X509-SVID for `spiffeId` and `subjectPublicKeyInfo`, valid until
   * the smaller of `notAfterMs` and the signer's own expiry, with an agent's
   * delegation `lineage` (DER) when given, and re-checks it against the profile
   * before returning it.
   *
   * @throws {TesseraError} ERR_INTERNAL when the certificate fails the profile check.
   * @example authority.signX509Svid({ spiffeId, subjectPublicKeyInfo, notAfterMs: clock.now() + 300_000 })
   */
  signX509Svid(params: { spiffeId: SpiffeId; subjectPublicKeyInfo: Buffer; notAfterMs: number; lineage?: Buffer }): IssuedX509Svid {
    const now = this.#clock.now();
    const intermediate = this.#signers.intermediate;
    const notAfterMs = Math.min(params.notAfterMs, intermediate.notAfterMs);
    const serial = newSerial();
    const spiffeId = params.spiffeId.toString();
    const notBeforeMs = now - BACKDATE_MS;
    let template = this.#templates.get(intermediate);
    if (!template) this.#templates.set(intermediate, (template = new LeafTemplate(intermediate)));
    const tbs = template.tbs({ serial, notBeforeMs, notAfterMs, subjectPublicKeyInfo: params.subjectPublicKeyInfo, spiffeId, lineage: params.lineage });
    const der = signCertificate(tbs, intermediate.privateKey);
    validateLeaf(der, {
      spiffeId,
      subjectPublicKeyInfo: params.subjectPublicKeyInfo,
      notAfterMs,
      issuerSubject: intermediate.subject,
      issuerNotAfterMs: intermediate.notAfterMs,
      lineage: params.lineage,
    });
    return {
      spiffeId,
      certificates: [der, intermediate.der, ...intermediate.chain],
      serialHex: serial.toString('hex'),
      notBeforeMs: Math.floor(notBeforeMs / 1000) * 1000,
      notAfterMs: Math.floor(notAfterMs / 1000) * 1000,
    };
  }
}
