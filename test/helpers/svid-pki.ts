/**
 * SVIDs and bundles for SDK tests, built on the shared certificate helper
 * (pki.ts): a trust domain is a root and an intermediate; an SVID is a leaf
 * signed by the intermediate, with the chain and key shaped as X509Svid. Also a
 * source that can swap its SVID and emit 'update', as X509Source does.
 */
import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach } from 'vitest';
import { authorizeId } from '../../agent-sdk/authorizer.js';
import { X509Bundle } from '../../agent-sdk/bundle.js';
import { connectMtls } from '../../agent-sdk/tls.js';
import { SpiffeId, isSpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { createIntermediate, createLeaf, createRoot, type CertOptions, type TestCert } from './pki.js';

export interface TestTrustDomain {
  readonly name: string;
  readonly root: TestCert;
  readonly intermediate: TestCert;
  readonly bundle: X509Bundle;
}

/** A trust domain with a fresh root and intermediate. */
export async function createTrustDomain(name: string): Promise<TestTrustDomain> {
  const root = await createRoot({ cn: `${name} root` });
  const intermediate = await createIntermediate(root, { cn: `${name} intermediate` });
  return { name, root, intermediate, bundle: new X509Bundle(name, [root.der]) };
}

/**
 * An SVID for `uri` (any string: broken ones are the point of some tests) signed
 * by the trust domain's intermediate; the chain is leaf + intermediate. When the
 * URI is not a SPIFFE ID, `id` falls back to spiffe://<td>/unparsed.
 */
export async function issueSvid(td: TestTrustDomain, uri: string, options: CertOptions = {}): Promise<X509Svid & { leaf: TestCert }> {
  const leaf = await createLeaf(td.intermediate, { uris: [uri], ...options });
  const id = isSpiffeId(uri) ? SpiffeId.parse(uri) : SpiffeId.fromSegments(td.name, 'unparsed');
  return {
    id,
    certificates: [leaf.der, td.intermediate.der],
    privateKey: leaf.privateKey,
    notBeforeMs: Date.parse(leaf.cert.validFrom),
    expiresAtMs: Date.parse(leaf.cert.validTo),
    leaf,
  };
}

/** A source whose SVID and bundles the test swaps; emits 'update' like X509Source. */
export class TestSource extends EventEmitter {
  #svid: X509Svid;
  readonly #bundles = new Map<string, X509Bundle>();

  constructor(svid: X509Svid, bundles: X509Bundle[]) {
    super();
    this.#svid = svid;
    for (const b of bundles) this.#bundles.set(b.trustDomain, b);
  }

  getX509Svid(): X509Svid {
    return this.#svid;
  }

  getX509BundleForTrustDomain(trustDomain: string): X509Bundle | undefined {
    return this.#bundles.get(trustDomain);
  }

  /** Replaces the SVID and emits 'update'. */
  rotate(svid: X509Svid): void {
    this.#svid = svid;
    this.emit('update');
  }
}

/** The trust domain and peers of the mTLS tests (tls-matrix, grpc-matrix, tls-fast-path). */
export const MTLS_TD = 'td.test';
export const MTLS_SERVER_ID = `spiffe://${MTLS_TD}/service/echo`;
export const MTLS_CLIENT_ID = `spiffe://${MTLS_TD}/agent/orch-a/t1/i1`;

/**
 * The PKI of the mTLS tests: `td.test` with a server and a client SVID, and a
 * second trust domain named `otherName` with its own root (the same name makes an impostor).
 */
export async function createMtlsPki(otherName: string): Promise<{ td: TestTrustDomain; other: TestTrustDomain; serverSvid: X509Svid; clientSvid: X509Svid }> {
  const td = await createTrustDomain(MTLS_TD);
  return { td, other: await createTrustDomain(otherName), serverSvid: await issueSvid(td, MTLS_SERVER_ID), clientSvid: await issueSvid(td, MTLS_CLIENT_ID) };
}

/** Cleanups a test registers, run in reverse order after each test of the file that calls this. */
export function closeAfterEach(): (() => Promise<void> | void)[] {
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });
  return closers;
}

/**
 * Whether this Node reports a client's whole chain to a plain `node:tls` server
 * (`getPeerCertificate(true)`): Node 24.21.0 and 26.8.x report only the leaf
 * (nodejs/node#65579). Asked of the runtime with raw `node:tls`, no SDK code.
 */
export async function nodeReportsClientChain(td: TestTrustDomain, server: X509Svid, client: X509Svid): Promise<boolean> {
  const pem = (svid: X509Svid) => ({
    cert: svid.certificates.map((der) => new X509Certificate(der).toString()).join(''),
    key: svid.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    ca: td.root.cert.toString(),
  });
  const listener = tls.createServer({ ...pem(server), requestCert: true, rejectUnauthorized: true });
  const sawIssuer = new Promise<boolean>((resolve) => listener.once('secureConnection', (socket: tls.TLSSocket) => {
    resolve(socket.getPeerCertificate(true).issuerCertificate !== undefined);
    socket.destroy();
  }));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const socket = tls.connect({ ...pem(client), host: '127.0.0.1', port: (listener.address() as AddressInfo).port, checkServerIdentity: () => undefined });
  socket.on('error', () => {});
  try {
    return await sawIssuer;
  } finally {
    socket.destroy();
    await new Promise((resolve) => listener.close(resolve));
  }
}

/**
 * Connects to the MTLS_SERVER_ID server on `port` as `client` (no revocation
 * list) and resolves with everything it sent, trimmed; rejects when it hangs up
 * without an answer.
 */
export async function callMtlsServer(port: number, client: X509Svid, bundle: X509Bundle): Promise<string> {
  const socket = await connectMtls(
    { host: '127.0.0.1', port }, { getX509Svid: () => client }, { getX509BundleForTrustDomain: () => bundle }, authorizeId(MTLS_SERVER_ID),
    { revocations: null },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('end', () => (text ? resolve(text.trim()) : reject(new Error('closed without an answer'))));
    socket.on('error', reject);
  });
}

/** Everything a connection receives until it closes; '' when it could not be opened at all. */
export function textUntilClose(connecting: Promise<tls.TLSSocket>): Promise<string> {
  return connecting.then(
    (socket) => new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('error', () => {});
      socket.once('close', () => resolve(text));
    }),
    () => '',
  );
}
