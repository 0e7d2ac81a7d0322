/**
 * The console's listener without a browser: loopback only unless operators are
 * named, then mutual TLS for exactly them; Host names checked against DNS
 * rebinding; read-only, with the security headers on every response; and a
 * bounded number of live streams.
 */
import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { authorizeId } from '../../agent-sdk/authorizer.js';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { caId } from '../../agent-sdk/tessera-id.js';
import { mtlsClientOptions } from '../../agent-sdk/tls.js';
import { validateConfig } from '../../ca/config.js';
import { CONTENT_SECURITY_POLICY } from '../../ca/console/headers.js';
import { type CaProcess, startCaProcess, tessera } from '../helpers/ca-process.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { auditAfter } from '../helpers/task-agents.js';

let t: TestCa | undefined;
let proc: CaProcess | undefined;
const dirs: string[] = [];
const sockets: http.ClientRequest[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await proc?.stop();
  proc = undefined;
  await t?.close();
  t = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-console-'));
  dirs.push(dir);
  return dir;
};

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One plain HTTP request to the console. */
function get(url: string, options: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', agent: false, ...(options.host && { headers: { host: options.host } }) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

/** Opens GET /events and resolves with its status once the first bytes (or the refusal) arrived; the stream stays open. */
function openStream(url: string): Promise<{ status: number; first: string; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL('/events', url), { agent: false }, (res) => {
      res.setEncoding('utf8').once('data', (first: string) => resolve({ status: res.statusCode!, first, req }));
    });
    sockets.push(req);
    req.on('error', reject);
  });
}

describe('console listener', () => {
  it('fail/a listener off loopback without operators is refused, by config check and by ca start before it makes anything', async () => {
    for (const address of ['0.0.0.0:8080', '[::]:8080', '192.0.2.7:0', 'console.example:443']) {
      expect(() => validateConfig({ dataDir: '/x', console: { address } })).toThrow(
        expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining(`console.address: ${address} is not loopback; a console reachable from other machines needs console.operators`) }),
      );
    }
    for (const address of ['127.0.0.1:0', 'localhost:8080', '[::1]:0', '127.8.9.10:1']) {
      expect(validateConfig({ dataDir: '/x', console: { address } }).console).toEqual({ address, operators: [], maxEventStreams: 64 });
    }
    expect(() => validateConfig({ dataDir: '/x', console: { address: '0.0.0.0:1', operators: ['spiffe://other.example/service/x'], extra: 1 } })).toThrow(
      /console.extra: unknown setting\n {2}console.operators: spiffe:\/\/other.example\/service\/x: not of the trust domain tessera.local/,
    );

    const dataDir = join(await tempDir(), 'data');
    const configFile = `${dataDir}.json`;
    await writeFile(configFile, JSON.stringify({ console: { address: '0.0.0.0:9000' } }));
    const checked = await tessera('config', 'check', '--config', configFile, '--data-dir', dataDir);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('console.address: 0.0.0.0:9000 is not loopback');
    const refused = await tessera('ca', 'start', '--data-dir', dataDir, '--console-listen', '0.0.0.0:0', '--listen', '127.0.0.1:0', '--mtls-listen', '127.0.0.1:0');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('console.address: 0.0.0.0:0 is not loopback');
    await expect(rm(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('ok/ca start --console-listen serves the pages on loopback with the security headers; only GET, only to loopback Host names', async () => {
    proc = await startCaProcess({ dataDir: join(await tempDir(), 'data'), args: ['--console-listen', '127.0.0.1:0'] });
    const url = proc.consoleUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const path of ['/', '/audit', '/revocations', '/authorities', '/search', '/assets/console.js', '/assets/time-left.js', '/assets/console.css']) {
      const answer = await get(new URL(path, url).href);
      expect(answer.status, path).toBe(200);
      expect(answer.headers).toMatchObject({
        'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store',
      });
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect((await get(new URL('/assets/console.js', url).href)).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const page = await get(url);
    expect(page.body).not.toMatch(/<script>|<style>| on[a-z]+=/i);
    expect((await get(new URL('/nothing', url).href)).status).toBe(404);
    expect((await get(new URL('/audit?before=abc', url).href)).status).toBe(400);
    expect(await get(url, { method: 'POST' })).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
    // DNS rebinding: a page of another site that resolves its name to 127.0.0.1 sends its own Host.
    expect((await get(url, { host: 'attacker.example' })).status).toBe(421);
    expect((await get(url, { host: `localhost:${new URL(url).port}` })).status).toBe(200);
  });

  it('fail/a flood of live streams: beyond console.maxEventStreams each gets 503, the pages still answer, a closed stream frees its place', async () => {
    t = await startTestCa({ config: { console: { address: '127.0.0.1:0', maxEventStreams: 3 } } });
    const url = t.ca.consoleUrl!;
    const open = await Promise.all([1, 2, 3].map(() => openStream(url)));
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(open[0]!.first).toMatch(/^retry: 2000\nevent: hello\ndata: \d+\n\n/);
    const flood = await Promise.all(Array.from({ length: 20 }, () => openStream(url)));
    expect(new Set(flood.map((s) => s.status))).toEqual(new Set([503]));
    expect(flood[0]!.first).toContain('too many live pages open (at most 3)');
    expect((await get(url)).status).toBe(200);
    open[0]!.req.destroy();
    await expect.poll(async () => {
      const next = await openStream(url);
      next.req.destroy();
      return next.status;
    }).toBe(200);
  });

  it('ok/with operators: mutual TLS, an operator SVID sees the console; another SVID of the trust domain is refused and audited; no client certificate, no handshake', async () => {
    const operator = 'spiffe://tessera.local/service/console-operator';
    t = await startTestCa({ config: { console: { address: '0.0.0.0:0', operators: [operator] } } });
    const url = new URL(t.ca.consoleUrl!);
    expect(url.protocol).toBe('https:');
    const port = Number(url.port);
    const bundle = { getX509BundleForTrustDomain: (td: string) => (td === 'tessera.local' ? t!.ca.authority.bundle : undefined) };
    const svidOf = async (id: string): Promise<X509Svid> => {
      const privateKey = generateP256Key();
      const minted = await t!.admin.mintX509Svid({ spiffeId: id, publicKey: createPublicKey(privateKey).export({ format: 'der', type: 'spki' }) });
      return { id: SpiffeId.parse(id), certificates: minted.certificates, privateKey, notBeforeMs: Date.now(), expiresAtMs: Number(minted.expiresAtMs) };
    };
    const request = (tlsOptions: https.RequestOptions) => new Promise<number>((resolve, reject) => {
      https.request({ host: '127.0.0.1', port, path: '/audit', agent: false, ...tlsOptions }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode!));
      }).on('error', reject).end();
    });
    const asCa = authorizeId(caId('tessera.local'));

    const svid = await svidOf(operator);
    expect(await request(mtlsClientOptions({ getX509Svid: () => svid }, bundle, asCa))).toBe(200);

    const other = await svidOf('spiffe://tessera.local/service/billing');
    await expect(request(mtlsClientOptions({ getX509Svid: () => other }, bundle, asCa))).rejects.toThrow();
    await expect.poll(async () => (await auditAfter(t!, 0)).filter((r) => r.operation === 'console.access'), { timeout: 5000 })
      .toEqual([expect.objectContaining({ outcome: 'denied', reason: 'ERR_PEER_UNAUTHORIZED' })]);

    const rootPem = t.ca.authority.bundle.certificates[0]!.toString();
    await expect(request({ ca: rootPem, checkServerIdentity: () => undefined })).rejects.toThrow();
    await expect(get(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
