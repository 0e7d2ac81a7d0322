/**
 * The trust bundle in the SPIFFE bundle format, served on the https_web bundle
 * endpoint (with a server certificate from a test-made web PKI), read by
 * independent parsers: openssl on each x5c certificate, jose on each key (a
 * task token the CA minted verifies with the jwt-svid key it names).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSpiffeBundle, toSpiffeBundle } from '../../agent-sdk/spiffe-bundle.js';
import { derToPem } from '../../agent-sdk/tls-material.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { createLeaf, createRoot } from '../helpers/pki.js';
import { type World, spawnAgent, startWorld } from '../helpers/revocation-world.js';

let ca: TestCa | undefined;
let world: World | undefined;
afterEach(async () => {
  await ca?.close();
  await world?.close();
  ca = world = undefined;
});

/** A web PKI for the bundle endpoint: a root the fetcher trusts and a server certificate for 127.0.0.1. */
async function webPki(dir: string) {
  const root = await createRoot({ cn: 'Test Web Root' });
  const server = await createLeaf(root, {
    cn: 'bundle.test', extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }])],
  });
  const certFile = join(dir, 'web-cert.pem');
  const keyFile = join(dir, 'web-key.pem');
  await writeFile(certFile, derToPem(server.der));
  await writeFile(keyFile, server.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return { rootPem: derToPem(root.der), certFile, keyFile };
}

function fetchBundle(address: string, rootPem: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(`https://${address}/`, { ca: rootPem }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
    }).on('error', reject);
  });
}

describe('SPIFFE bundle', () => {
  it('ok/the bundle endpoint serves a JWKS that openssl and jose read, and the SDK parses it back', async () => {
    world = await startWorld();
    const dir = world.t.dataDir;
    const web = await webPki(dir);
    ca = await startTestCa({ config: { bundleEndpoint: { address: '127.0.0.1:0', certFile: web.certFile, keyFile: web.keyFile } } });
    const got = await fetchBundle(ca.ca.bundleEndpointAddress!, web.rootPem);
    expect(got.status).toBe(200);
    expect(got.type).toBe('application/json');
    const doc = JSON.parse(got.body) as { keys: Array<Record<string, unknown>>; spiffe_sequence: number; spiffe_refresh_hint: number };
    expect(doc.spiffe_sequence).toBe(ca.ca.authority.bundle.sequenceNumber);
    expect(doc.spiffe_refresh_hint).toBeGreaterThan(0);
    const x509Keys = doc.keys.filter((k) => k.use === 'x509-svid');
    const jwtKeys = doc.keys.filter((k) => k.use === 'jwt-svid');
    expect(x509Keys).toHaveLength(1);
    expect(jwtKeys).toHaveLength(1);

    // openssl reads the x5c certificate: the root of the trust domain.
    const der = Buffer.from((x509Keys[0]!.x5c as string[])[0]!, 'base64');
    const openssl = execFile('openssl', ['x509', '-inform', 'DER', '-noout', '-subject', '-ext', 'subjectAltName']);
    const out = new Promise<string>((resolve, reject) => {
      let text = '';
      openssl.stdout!.on('data', (c: Buffer) => (text += c.toString()));
      openssl.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`openssl exited ${code}`))));
    });
    openssl.stdin!.end(der);
    expect(await out).toContain('URI:spiffe://tessera.local');
    expect(der.equals(ca.ca.authority.bundle.authorities[0]!)).toBe(true);

    // jose imports every key; a task token of the trust domain verifies with the jwt-svid key its kid names.
    for (const key of doc.keys) await importJWK(key as Parameters<typeof importJWK>[0], 'ES256');
    const agent = await spawnAgent(world, 'task-1');
    const { token } = await agent.caClient.mintJwtSvid({ audience: 'spiffe://tessera.local/service/search', scopes: ['search:query'] });
    const worldDoc = toSpiffeBundle(world.t.ca.authority.bundle, world.t.ca.authority.jwtBundle);
    const named = worldDoc.keys.find((k) => (k as { kid?: string }).kid === decodeProtectedHeader(token).kid)!;
    await jwtVerify(token, await importJWK(named as Parameters<typeof importJWK>[0], 'ES256'));

    const parsed = parseSpiffeBundle('tessera.local', got.body);
    expect(parsed.x509.authorities.map((a) => a.toString('base64'))).toEqual(ca.ca.authority.bundle.authorities.map((a) => a.toString('base64')));
    expect([...parsed.jwt.authorities.keys()]).toEqual([...ca.ca.authority.jwtBundle!.authorities.keys()]);
    expect(parsed.x509.sequenceNumber).toBe(doc.spiffe_sequence);
  });

  it.each([
    ['not JSON', '{'],
    ['no keys', '{}'],
    ['an x509-svid key without x5c', JSON.stringify({ keys: [{ use: 'x509-svid', kty: 'EC' }] })],
    ['a jwt-svid key without kid', JSON.stringify({ keys: [{ use: 'jwt-svid', kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] })],
    ['a negative sequence', JSON.stringify({ keys: [], spiffe_sequence: -1 })],
  ])('fail/%s is ERR_BUNDLE_INVALID', (_name, text) => {
    expect(() => parseSpiffeBundle('other.example', text)).toThrow(expect.objectContaining({ code: 'ERR_BUNDLE_INVALID' }));
  });

  it('fail/an x509-svid key whose parameters are not its certificate\'s key', async () => {
    const t = (ca = await startTestCa());
    const doc = toSpiffeBundle(t.ca.authority.bundle, t.ca.authority.jwtBundle);
    const jwtKey = doc.keys.find((k) => (k as { use?: string }).use === 'jwt-svid')!;
    const swapped = doc.keys.map((k) => ((k as { use?: string }).use === 'x509-svid' ? { ...k, x: jwtKey.x, y: jwtKey.y } : k));
    expect(() => parseSpiffeBundle('tessera.local', { ...doc, keys: swapped })).toThrow(expect.objectContaining({ code: 'ERR_BUNDLE_INVALID' }));
  });
});
