import type { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { Clock } from '../../agent-sdk/clock.js';
import { X509Bundle } from '../../agent-sdk/bundle.js';
import type { JwtBundle } from '../../agent-sdk/jwt-bundle.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { JwtAuthority } from './jwt-authority.js';
import type { CaKeys } from './keys.js';
import { LeafTemplate, newSerial, signCertificate } from './template.js';
import { validateLeaf } from './validate.js';

/** Backdating notBefore absorbs small clock differences between the CA and verifiers. */
const BACKDATE_MS = 5_000;

/** An X509-SVID as the CA returns it: no key, the caller holds that. */
export interface IssuedX509Svid {
  readonly spiffeId: string;
  /** DER, the leaf first, then the intermediate. */
  readonly certificates: Buffer[];
  readonly serialHex: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/**
 * Signs X509-SVIDs with the intermediate and hands out the trust bundle. It knows
 * the profile, not the policy: callers decide who gets which ID and for how long.
 */
export class Authority {
  readonly trustDomain: string;
  readonly bundle: X509Bundle;
  readonly #keys: CaKeys;
  readonly #clock: Clock;
  readonly #template: LeafTemplate;
  readonly #jwt: JwtAuthority | undefined;

  constructor(params: { trustDomain: string; keys: CaKeys; clock: Clock; jwt?: JwtAuthority }) {
    this.trustDomain = params.trustDomain;
    this.#keys = params.keys;
    this.#jwt = params.jwt;
    this.#clock = params.clock;
    this.#template = new LeafTemplate(params.keys.intermediate);
    this.bundle = new X509Bundle(params.trustDomain, [params.keys.root.der], 1);
  }

  /** The signing certificate's expiry: no SVID may outlive it. */
  get signerNotAfterMs(): number {
    return this.#keys.intermediate.notAfterMs;
  }

  /** The JWT keys for the trust bundle; undefined on a CA without a JWT authority. */
  get jwtBundle(): JwtBundle | undefined {
    return this.#jwt?.bundle;
  }

  /** The task token signer. @throws {TesseraError} ERR_UNAVAILABLE when this CA has none. */
  get jwt(): JwtAuthority {
    if (!this.#jwt) throw new TesseraError('ERR_UNAVAILABLE', 'this CA has no JWT signing key');
    return this.#jwt;
  }

  /** The intermediate's key and chain, for signing audit checkpoints. */
  get checkpointSigner() {
    const { privateKey, der } = this.#keys.intermediate;
    return { privateKey, chain: [der] };
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
    const notAfterMs = Math.min(params.notAfterMs, this.signerNotAfterMs);
    const serial = newSerial();
    const spiffeId = params.spiffeId.toString();
    const notBeforeMs = now - BACKDATE_MS;
    const tbs = this.#template.tbs({ serial, notBeforeMs, notAfterMs, subjectPublicKeyInfo: params.subjectPublicKeyInfo, spiffeId, lineage: params.lineage });
    const { intermediate } = this.#keys;
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
      certificates: [der, intermediate.der],
      serialHex: serial.toString('hex'),
      notBeforeMs: Math.floor(notBeforeMs / 1000) * 1000,
      notAfterMs: Math.floor(notAfterMs / 1000) * 1000,
    };
  }
}
