/**
 * The agent's half: a `fetch` that reaches services through the gateway over
 * mutual TLS with the agent's SVID, and sends on every request a task token
 * bound to the certificate of that connection. Connections are pooled per
 * certificate: after a rotation new requests go over new connections that
 * present the new SVID, with tokens minted for it. Takes the place of the
 * global fetch, e.g. in the MCP SDK's StreamableHTTPClientTransport (`fetch` option).
 */
import https from 'node:https';
import { Readable } from 'node:stream';
import { authorizeId } from '../agent-sdk/authorizer.js';
import { JwtSvidSource } from '../agent-sdk/jwt-source.js';
import { certificateThumbprint } from '../agent-sdk/jwt-svid.js';
import type { SpiffeId } from '../agent-sdk/spiffe-id.js';
import type { X509Source } from '../agent-sdk/x509-source.js';
import { mtlsAgent } from './mtls-agent.js';

export interface GatewayFetchOptions {
  /** The gateway's SPIFFE ID: the server must present it. */
  readonly gatewayId: SpiffeId | string;
  /** The audience of the task tokens (the gateway's, by default its SPIFFE ID). */
  readonly audience?: string;
  /** The scopes each token carries: a subset of the task's. */
  readonly scopes: readonly string[];
  /** Shares a token cache with other callers; default a new one for `source`. */
  readonly tokens?: JwtSvidSource;
}

const RETIRE_AFTER_MS = 60_000;

export type GatewayFetch = ((url: string | URL, init?: RequestInit) => Promise<Response>) & { close(): void };

/**
 * @throws (the returned fetch rejects) {TesseraError} when no token can be minted; network errors as Node reports them.
 * @example
 * const fetch = gatewayFetch(source, { gatewayId, scopes: ['search:query'] });
 * const res = await fetch(`https://${gatewayAddress}/search?q=x`, { headers: { host: 'tools.local' } });
 */
export function gatewayFetch(source: X509Source, options: GatewayFetchOptions): GatewayFetch {
  const tokens = options.tokens ?? new JwtSvidSource(source);
  const audience = options.audience ?? options.gatewayId.toString();
  const authorizer = authorizeId(options.gatewayId);
  let pool: { thumbprint: string; agent: https.Agent } | undefined;
  const agentFor = (thumbprint: string) => {
    if (pool?.thumbprint !== thumbprint) {
      // Requests still running on the old certificate's connections finish; the gateway closes those connections when that certificate expires.
      const retired = pool?.agent;
      if (retired) setTimeout(() => retired.destroy(), RETIRE_AFTER_MS).unref();
      pool = { thumbprint, agent: mtlsAgent(source, source, authorizer) };
    }
    return pool.agent;
  };

  const fetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const thumbprint = certificateThumbprint(source.getX509Svid().certificates[0]!);
    const { token } = await tokens.fetchJwtSvid({ audience, scopes: options.scopes });
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    const body = init.body === undefined || init.body === null ? undefined : Buffer.from(await new Response(init.body).arrayBuffer());
    if (body) headers.set('content-length', String(body.length));
    return new Promise<Response>((resolve, reject) => {
      const req = https.request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers), agent: agentFor(thumbprint) });
      const abort = () => req.destroy(init.signal?.reason instanceof Error ? init.signal.reason : new Error('aborted'));
      init.signal?.addEventListener('abort', abort, { once: true });
      req.on('error', reject);
      req.on('response', (res) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, v);
        }
        const empty = res.statusCode === 204 || res.statusCode === 304 || init.method === 'HEAD';
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream), { status: res.statusCode ?? 500, headers: responseHeaders }));
      });
      req.end(body);
    });
  };
  return Object.assign(fetch, { close: () => pool?.agent.destroy() });
}
