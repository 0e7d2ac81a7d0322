import { X509Certificate, type KeyObject } from 'node:crypto';
import { KEY_USAGE, OID, readBasicConstraints, readCertificate, readKeyUsage, type CertificateFields } from './certificate.js';
import { SvidError } from './errors.js';

/** The most certificates a presented chain may hold (leaf and intermediates, a root if sent). */
export const MAX_CHAIN_CERTS = 8;
/** The most certificates a verified path may hold, leaf and root included. */
export const MAX_PATH_CERTS = 8;
/** The largest single DER certificate accepted; real ones are 0.5-2 KiB. */
export const MAX_CERT_BYTES = 16 * 1024;

// Path building tries alternatives (cross-signed intermediates, several roots with one
// name), so a hostile chain could make it walk many branches. Each signature check is
// memoised per (child, issuer) pair, and the walk gives up after this many steps.
const MAX_BUILD_STEPS = 64;

// RFC 5280 4.2: a certificate with a critical extension we do not process must be
// rejected. Subject alternative names and extended key usage are checked by callers
// (the SVID rules); name constraints and policies are not enforced here, so a critical
// one fails closed instead of being silently ignored.
const PROCESSED_CRITICAL = new Set<string>([OID.basicConstraints, OID.keyUsage, OID.subjectAltName, OID.extKeyUsage]);

interface Node {
  readonly fields: CertificateFields;
  /** The DER, for presented certificates; roots carry their Node certificate instead. */
  readonly der?: Uint8Array;
  cert?: X509Certificate;
  publicKey?: KeyObject;
  readonly isRoot: boolean;
  /** Position in the presented chain, or in `roots`, for messages. */
  readonly label: string;
}

// Roots are long-lived objects shared across calls: parse their fields once.
const rootCache = new WeakMap<X509Certificate, Node>();

/**
 * Verifies a presented X.509 chain against trust roots and returns the path it
 * found, leaf first, root last. Synchronous; does one signature check per link.
 *
 * The path is built by issuer/subject name match (compared byte for byte, the
 * strict reading of RFC 5280 7.1), and every link is checked: the signature with
 * the issuer's key, every certificate's validity at `nowMs`, every issuer a CA
 * (basicConstraints cA=true) with keyCertSign when key usage is present, every
 * pathLenConstraint, no unprocessed critical extension, a leaf that is not a CA.
 * The path ends at a certificate from `roots` itself: a self-signed certificate in
 * `chain` is only ever an intermediate candidate, never an anchor. Certificates in
 * `chain` that the path does not need are ignored.
 *
 * It checks no names, SANs, extended key usages or leaf key usages: callers add
 * the rules of their profile (X509-SVID, x509pop).
 *
 * @param chain DER certificates, the leaf first, then intermediates in any order.
 * @param roots The trust anchors of the leaf's own trust domain only.
 * @param nowMs The time to check validity at, in milliseconds since the epoch.
 * @returns The verified path as Node certificates, leaf first; the last entry is
 *   one of the `roots` objects.
 * @throws {SvidError} `ERR_SVID_EXPIRED` when a certificate on the path has expired;
 *   `ERR_SVID_INVALID` for anything else wrong with the chain; `ERR_BUNDLE_INVALID`
 *   when `roots` is empty or holds a malformed certificate.
 * @throws {TypeError} when `nowMs` is not a finite number.
 * @example
 * const path = verifyCertificateChain(svid.certificates, bundle.certificates, clock.now());
 * const leaf = path[0]!;
 */
export function verifyCertificateChain(chain: readonly Uint8Array[], roots: readonly X509Certificate[], nowMs: number): X509Certificate[] {
  if (!Number.isFinite(nowMs)) throw new TypeError('nowMs must be a finite number');
  if (chain.length === 0) throw new SvidError('ERR_SVID_INVALID', 'certificate chain is empty');
  if (chain.length > MAX_CHAIN_CERTS) throw new SvidError('ERR_SVID_INVALID', `certificate chain has more than ${MAX_CHAIN_CERTS} certificates`);
  if (roots.length === 0) throw new SvidError('ERR_BUNDLE_INVALID', 'no trust roots to verify against');

  const presented = chain.map((der, i) => presentedNode(der, i));
  const anchors = roots.map(rootNode);
  const leaf = presented[0]!;

  // RFC 5280 4.2.1.9 / X509-SVID 4.3: an end-entity certificate must not be a CA, and
  // 4.2.1.3: keyCertSign may only be asserted together with cA.
  if (readBasicConstraintsSafe(leaf)?.ca === true) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate is a CA');
  if (readKeyUsageSafe(leaf)?.has(KEY_USAGE.keyCertSign)) throw new SvidError('ERR_SVID_INVALID', 'leaf certificate asserts keyCertSign');
  checkCertificate(leaf, nowMs);

  return new PathBuilder(presented, anchors, nowMs).build(leaf).map(certificateOf);
}

/** Walks issuers depth-first, keeping the most telling failure for the message. */
class PathBuilder {
  readonly #presented: Node[];
  readonly #anchors: Node[];
  readonly #nowMs: number;
  readonly #signatures = new Map<Node, Map<Node, boolean>>();
  #steps = 0;
  #failure: { rank: number; error: SvidError } = {
    rank: 0,
    error: new SvidError('ERR_SVID_INVALID', 'certificate chain does not lead to a trusted root'),
  };

  constructor(presented: Node[], anchors: Node[], nowMs: number) {
    this.#presented = presented;
    this.#anchors = anchors;
    this.#nowMs = nowMs;
  }

  build(leaf: Node): Node[] {
    const path = this.#extend([leaf]);
    if (!path) throw this.#failure.error;
    return path;
  }

  #extend(path: Node[]): Node[] | undefined {
    const child = path[path.length - 1]!;
    if (path.length >= MAX_PATH_CERTS) {
      this.#fail(1, new SvidError('ERR_SVID_INVALID', `certificate path is longer than ${MAX_PATH_CERTS} certificates`));
      return undefined;
    }
    // Anchors first: once a trusted root signs, the path is complete, whatever else was sent.
    const candidates = [...this.#anchors, ...this.#presented.slice(1).filter((n) => !path.includes(n))];
    for (const issuer of candidates) {
      if (!child.fields.issuer.equals(issuer.fields.subject)) continue;
      if (++this.#steps > MAX_BUILD_STEPS) throw new SvidError('ERR_SVID_INVALID', 'certificate chain is too complex to verify');
      if (!this.#verifySignature(child, issuer)) {
        this.#fail(1, new SvidError('ERR_SVID_INVALID', `signature of ${child.label} does not verify with ${issuer.label}`));
        continue;
      }
      try {
        checkIssuer(issuer, path);
        checkCertificate(issuer, this.#nowMs);
      } catch (err) {
        if (!(err instanceof SvidError)) throw err;
        this.#fail(2, err);
        continue;
      }
      const next = [...path, issuer];
      if (issuer.isRoot) return next;
      const done = this.#extend(next);
      if (done) return done;
    }
    return undefined;
  }

  #verifySignature(child: Node, issuer: Node): boolean {
    let byIssuer = this.#signatures.get(child);
    if (!byIssuer) this.#signatures.set(child, (byIssuer = new Map()));
    let ok = byIssuer.get(issuer);
    if (ok === undefined) {
      try {
        issuer.publicKey ??= certificateOf(issuer).publicKey;
        ok = certificateOf(child).verify(issuer.publicKey);
      } catch {
        ok = false; // an unsupported or mismatched key type is simply not the issuer
      }
      byIssuer.set(issuer, ok);
    }
    return ok;
  }

  /** A failure from a link whose signature verified says more than a name match that did not. */
  #fail(rank: number, error: SvidError): void {
    if (rank > this.#failure.rank) this.#failure = { rank, error };
  }
}

/** RFC 5280 6.1.4 (k), (l), (m), (n): what makes a certificate fit to issue the one below it. */
function checkIssuer(issuer: Node, path: readonly Node[]): void {
  const constraints = readBasicConstraintsSafe(issuer);
  if (constraints?.ca !== true) throw new SvidError('ERR_SVID_INVALID', `${issuer.label} is not a CA (basicConstraints cA is not set)`);
  const usage = readKeyUsageSafe(issuer);
  if (usage !== undefined && !usage.has(KEY_USAGE.keyCertSign)) {
    throw new SvidError('ERR_SVID_INVALID', `${issuer.label} lacks the keyCertSign key usage`);
  }
  if (constraints.pathLength !== undefined) {
    // pathLenConstraint counts the non-self-issued intermediates below the issuer, the
    // leaf excluded (RFC 5280 4.2.1.9). Like most verifiers, and stricter than 6.1,
    // a root's own constraint is honoured too.
    let below = 0;
    for (const node of path.slice(1)) if (!node.fields.issuer.equals(node.fields.subject)) below++;
    if (below > constraints.pathLength) throw new SvidError('ERR_SVID_INVALID', `${issuer.label} pathLenConstraint is exceeded`);
  }
}

/** Checks that hold for every certificate on the path. */
function checkCertificate(node: Node, nowMs: number): void {
  // RFC 5280 4.1.2.5: both bounds are inclusive.
  if (nowMs < node.fields.notBeforeMs) throw new SvidError('ERR_SVID_INVALID', `${node.label} is not yet valid`);
  if (nowMs > node.fields.notAfterMs) throw new SvidError('ERR_SVID_EXPIRED', `${node.label} has expired`);
  for (const [id, ext] of node.fields.extensions) {
    if (ext.critical && !PROCESSED_CRITICAL.has(id)) throw new SvidError('ERR_SVID_INVALID', `${node.label} has an unsupported critical extension ${id}`);
  }
}

function presentedNode(der: Uint8Array, index: number): Node {
  const label = index === 0 ? 'leaf certificate' : `chain certificate ${index}`;
  if (!(der instanceof Uint8Array)) throw new SvidError('ERR_SVID_INVALID', `${label} is not DER bytes`);
  if (der.length > MAX_CERT_BYTES) throw new SvidError('ERR_SVID_INVALID', `${label} is larger than ${MAX_CERT_BYTES} bytes`);
  try {
    return { fields: readCertificate(der), der, isRoot: false, label };
  } catch {
    throw new SvidError('ERR_SVID_INVALID', `${label} is not a well-formed DER certificate`);
  }
}

function rootNode(root: X509Certificate, index: number): Node {
  let node = rootCache.get(root);
  if (!node) {
    try {
      node = { fields: readCertificate(root.raw), cert: root, isRoot: true, label: 'trust root' };
    } catch {
      throw new SvidError('ERR_BUNDLE_INVALID', `trust root ${index} is not a well-formed certificate`);
    }
    rootCache.set(root, node);
  }
  return node;
}

function certificateOf(node: Node): X509Certificate {
  if (!node.cert) {
    try {
      node.cert = new X509Certificate(node.der!);
    } catch {
      throw new SvidError('ERR_SVID_INVALID', `${node.label} cannot be parsed`);
    }
  }
  return node.cert;
}

function readBasicConstraintsSafe(node: Node): ReturnType<typeof readBasicConstraints> {
  try {
    return readBasicConstraints(node.fields);
  } catch {
    throw new SvidError('ERR_SVID_INVALID', `${node.label} has a malformed basicConstraints extension`);
  }
}

function readKeyUsageSafe(node: Node): Set<number> | undefined {
  try {
    return readKeyUsage(node.fields);
  } catch {
    throw new SvidError('ERR_SVID_INVALID', `${node.label} has a malformed keyUsage extension`);
  }
}
