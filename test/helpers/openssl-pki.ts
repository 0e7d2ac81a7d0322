/**
 * CA certificates and keys made by the openssl command, as an operator makes
 * an offline root or an upstream CA does: independent of Tessera's own
 * certificate code, so a test of what the CA accepts is not a test of itself.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of a certificate and its key, and the certificate's PEM. */
export interface OpensslCert {
  readonly certFile: string;
  readonly keyFile: string;
  readonly pem: string;
}

export interface OpensslCertOptions {
  /** The signer; omitted for a self-signed root. */
  readonly issuer?: OpensslCert;
  /** openssl curve name; default prime256v1 (P-256). */
  readonly curve?: string;
  /** basicConstraints pathlen. */
  readonly pathLength?: number;
  /** false makes an end-entity certificate (cA=false, digitalSignature). */
  readonly ca?: boolean;
  readonly days?: number;
}

/**
 * Makes `<name>-key.pem` and `<name>-cert.pem` in `dir` with openssl: a new EC
 * key, and a certificate self-signed or signed by `issuer`.
 *
 * @example const root = await opensslCert(dir, 'root'); const ca = await opensslCert(dir, 'ca', { issuer: root, pathLength: 0 });
 */
export async function opensslCert(dir: string, name: string, options: OpensslCertOptions = {}): Promise<OpensslCert> {
  const keyFile = join(dir, `${name}-key.pem`);
  const certFile = join(dir, `${name}-cert.pem`);
  const configFile = join(dir, `${name}.cnf`);
  const ca = options.ca ?? true;
  await writeFile(configFile, [
    '[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', 'O = Operator', `CN = ${name}`, '[ext]',
    ca ? `basicConstraints = critical,CA:TRUE${options.pathLength === undefined ? '' : `,pathlen:${options.pathLength}`}` : 'basicConstraints = critical,CA:FALSE',
    ca ? 'keyUsage = critical,keyCertSign,cRLSign' : 'keyUsage = critical,digitalSignature',
    'subjectKeyIdentifier = hash',
    ...(options.issuer ? ['authorityKeyIdentifier = keyid:always'] : []),
    '',
  ].join('\n'));
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${options.curve ?? 'prime256v1'}`, '-out', keyFile]);
  const days = String(options.days ?? 30);
  if (options.issuer) {
    const csr = join(dir, `${name}.csr`);
    await run('openssl', ['req', '-new', '-key', keyFile, '-config', configFile, '-out', csr]);
    await run('openssl', ['x509', '-req', '-in', csr, '-CA', options.issuer.certFile, '-CAkey', options.issuer.keyFile, '-set_serial', `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`,
      '-days', days, '-extfile', configFile, '-extensions', 'ext', '-out', certFile]);
  } else {
    await run('openssl', ['req', '-x509', '-new', '-key', keyFile, '-config', configFile, '-extensions', 'ext', '-days', days, '-out', certFile]);
  }
  return { certFile, keyFile, pem: await readFile(certFile, 'utf8') };
}

/** Writes PEM certificates one after another into `dir/name`; returns the path. */
export async function pemFile(dir: string, name: string, ...certs: OpensslCert[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, certs.map((c) => c.pem).join(''));
  return path;
}

/** `openssl verify` of `leafPem` through `untrusted` intermediates to `rootFile`; resolves with its output. @throws when it does not verify. */
export async function opensslVerify(dir: string, rootFile: string, leafPem: string, untrustedPem: string): Promise<string> {
  const leaf = join(dir, 'verify-leaf.pem');
  const untrusted = join(dir, 'verify-untrusted.pem');
  await writeFile(leaf, leafPem);
  await writeFile(untrusted, untrustedPem);
  const { stdout } = await run('openssl', ['verify', '-CAfile', rootFile, '-untrusted', untrusted, leaf]);
  return stdout;
}
