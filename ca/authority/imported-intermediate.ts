/**
 * Certificates an operator brings instead of letting the CA make them: their
 * own root (its key stays offline) and intermediates that root or an upstream
 * CA signed. Each is checked here, once, before anything is written, so that
 * every SVID the CA later signs verifies everywhere: a refusal names the
 * problem instead of surfacing as failed handshakes later.
 */
import { type KeyObject, X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { certificatesFromPem } from '../../agent-sdk/bundle.js';
import { KEY_USAGE, type CertificateFields, readBasicConstraints, readCertificate, readKeyUsage, subjectPublicKeyInfoOf } from '../../agent-sdk/certificate.js';
import { verifyCertificateChain } from '../../agent-sdk/chain.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { caId } from '../../agent-sdk/tessera-id.js';
import { type CaCredential, type CaRoot, credentialOf } from './keys.js';
import { LeafTemplate, newSerial, signCertificate } from './template.js';

/** What is wrong with a brought certificate or key. */
export type AuthorityProblem =
  | 'malformed' | 'not_ca' | 'not_self_signed' | 'key_mismatch' | 'key_type' | 'chain' | 'path_length' | 'expired' | 'not_yet_valid';

/** A certificate or key an operator brought for an authority is unfit; `problem` says how. */
export class AuthorityCertificateError extends TesseraError {
  readonly problem: AuthorityProblem;

  constructor(problem: AuthorityProblem, message: string) {
    super('ERR_AUTHORITY_INVALID', `${message} (${problem})`);
    this.problem = problem;
  }
}

/**
 * Checks an operator's root certificate (PEM): a self-signed CA allowed to sign
 * certificates, valid now.
 *
 * @throws {AuthorityCertificateError} naming the problem.
 * @example const root = checkOperatorRoot(readFileSync('root.pem', 'utf8'), Date.now());
 */
export function checkOperatorRoot(pem: string, nowMs: number): CaRoot {
  const [der, ...rest] = parseCertificates(pem, 'the root');
  if (rest.length > 0) throw new AuthorityCertificateError('malformed', 'the root file holds more than one certificate: give only the root');
  const fields = readCertificate(der!);
  checkSigner(fields, 'the root', nowMs);
  const cert = new X509Certificate(der!);
  if (!fields.issuer.equals(fields.subject) || !cert.verify(cert.publicKey)) {
    throw new AuthorityCertificateError('not_self_signed', 'the root is not self-signed: give the top (self-signed) certificate of the CA as the root, and the certificates between it and the intermediate with the intermediate');
  }
  return { ...credentialOf(der!, cert.publicKey, []), privateKey: undefined };
}

/**
 * Checks an intermediate made elsewhere against `root`: `certificatesPem` holds
 * the intermediate first, then the upstream intermediates above it, nearest
 * first (the root itself may follow and is dropped); `keyPem` its private key.
 * The key must be EC P-256 (the X509-SVID profile signs with ECDSA P-256) and
 * the certificate's; every certificate a CA allowed to sign, valid now, signed
 * by the next, the last by the root, with path lengths that leave room for the
 * leaves. Last, a throwaway leaf it signs is verified as every SDK verifier
 * will verify an SVID.
 *
 * @throws {AuthorityCertificateError} naming the problem.
 * @example const credential = checkImportedIntermediate({ certificatesPem, keyPem, root, trustDomain, nowMs: Date.now() });
 */
export function checkImportedIntermediate(params: {
  certificatesPem: string; keyPem: string; root: CaRoot; trustDomain: string; nowMs: number;
}): CaCredential {
  const { root, nowMs } = params;
  const certificates = parseCertificates(params.certificatesPem, 'the intermediate').filter((der) => !der.equals(root.der));
  if (certificates.length === 0) throw new AuthorityCertificateError('malformed', 'the intermediate file holds only the root');
  const privateKey = parseKey(params.keyPem);
  const [intermediate, ...chain] = certificates as [Buffer, ...Buffer[]];
  const fields = certificates.map((der) => readCertificate(der));
  if (!fields[0]!.subjectPublicKeyInfo.equals(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }))) {
    throw new AuthorityCertificateError('key_mismatch', 'the key is not the intermediate certificate\'s key');
  }
  fields.forEach((f, i) => {
    const label = i === 0 ? 'the intermediate' : `upstream certificate ${i}`;
    checkSigner(f, label, nowMs);
    // RFC 5280 4.2.1.9: the intermediates below this one (the leaf not counted).
    const pathLength = readBasicConstraints(f)!.pathLength;
    if (pathLength !== undefined && pathLength < i) {
      throw new AuthorityCertificateError('path_length', `${label} allows ${pathLength} intermediate(s) below it, the chain has ${i}`);
    }
  });
  const rootLength = readBasicConstraints(readCertificate(root.der))!.pathLength;
  if (rootLength !== undefined && rootLength < certificates.length) {
    throw new AuthorityCertificateError('path_length', `the root allows ${rootLength} intermediate(s) below it, the chain has ${certificates.length}`);
  }
  const path = certificates.map((der) => new X509Certificate(der));
  path.forEach((cert, i) => {
    const issuer = path[i + 1]?.publicKey ?? root.publicKey;
    if (!cert.verify(issuer)) {
      const label = i === 0 ? 'the intermediate' : `upstream certificate ${i}`;
      throw new AuthorityCertificateError('chain', `${label} is not signed by ${i + 1 < path.length ? `upstream certificate ${i + 1}` : 'the given root'}: the chain does not verify to the root`);
    }
  });
  const credential = credentialOf(intermediate, privateKey, chain);
  checkSignsVerifiableLeaves(credential, root, params.trustDomain, nowMs);
  return credential;
}

function parseCertificates(pem: string, what: string): Buffer[] {
  try {
    const certificates = certificatesFromPem(pem);
    for (const der of certificates) readCertificate(der);
    return certificates;
  } catch {
    throw new AuthorityCertificateError('malformed', `${what} is not PEM certificates`);
  }
}

function parseKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new AuthorityCertificateError('malformed', 'the key is not a PEM private key (an encrypted key must be decrypted first)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new AuthorityCertificateError('key_type', `the intermediate key is ${key.asymmetricKeyType}${curve ? ` ${curve}` : ''}: the X509-SVID profile needs EC P-256`);
  }
  return key;
}

/** RFC 5280 4.2.1.9 and 4.2.1.3: a CA allowed to sign certificates; and valid at `nowMs`. */
function checkSigner(fields: CertificateFields, label: string, nowMs: number): void {
  let ca: boolean | undefined;
  let usage: Set<number> | undefined;
  try {
    ca = readBasicConstraints(fields)?.ca;
    usage = readKeyUsage(fields);
  } catch {
    throw new AuthorityCertificateError('malformed', `${label} has a malformed basicConstraints or keyUsage extension`);
  }
  if (ca !== true) throw new AuthorityCertificateError('not_ca', `${label} is not a CA certificate (basicConstraints cA is not set)`);
  if (usage && !usage.has(KEY_USAGE.keyCertSign)) throw new AuthorityCertificateError('not_ca', `${label} may not sign certificates (no keyCertSign key usage)`);
  if (nowMs > fields.notAfterMs) throw new AuthorityCertificateError('expired', `${label} expired at ${new Date(fields.notAfterMs).toISOString()}`);
  if (nowMs < fields.notBeforeMs) throw new AuthorityCertificateError('not_yet_valid', `${label} is valid only from ${new Date(fields.notBeforeMs).toISOString()}`);
}

/**
 * Signs a throwaway leaf as an SVID would be signed and verifies its chain the
 * way SDK verifiers do: anything they would refuse (a critical extension they
 * do not process, ...) is refused now.
 */
function checkSignsVerifiableLeaves(credential: CaCredential, root: CaRoot, trustDomain: string, nowMs: number): void {
  const tbs = new LeafTemplate(credential).tbs({
    serial: newSerial(), notBeforeMs: nowMs - 1_000, notAfterMs: Math.min(nowMs + 60_000, credential.notAfterMs),
    subjectPublicKeyInfo: subjectPublicKeyInfoOf(generateP256Key()), spiffeId: caId(trustDomain).toString(),
  });
  const leaf = signCertificate(tbs, credential.privateKey);
  try {
    verifyCertificateChain([leaf, credential.der, ...credential.chain], [new X509Certificate(root.der)], nowMs);
  } catch (err) {
    throw new AuthorityCertificateError('chain', `an SVID it signs would not verify: ${(err as Error).message}`);
  }
}
