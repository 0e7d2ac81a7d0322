/**
 * Forwards an allowed request to its upstream and streams the answer back.
 * The outgoing headers are built, not filtered from what the agent sent:
 * end-to-end headers pass, except the agent's Authorization (its task token is
 * for the gateway only) and any `x-tessera-*` header (only the gateway says who
 * the agent is); hop-by-hop headers stay on their hop. Then the upstream's
 * credential and the agent's verified identity are added.
 */
import http from 'node:http';
import https from 'node:https';
import { TesseraError } from '../agent-sdk/errors.js';
import type { Upstream } from './upstreams.js';

/** The verified facts about the agent the upstream receives, as `x-tessera-*` headers. */
export interface AgentIdentity {
  readonly id: string;
  readonly task?: string;
  readonly orchestrator?: string;
  readonly sponsor?: string;
  readonly depth?: number;
}

export const IDENTITY_HEADER_PREFIX = 'x-tessera-';
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host',
]);

/**
 * Sends the request to `upstream` with `body` (a buffer already read) or the
 * request stream itself, counting bytes against `maxBodyBytes`. Resolves once
 * the response has been streamed to `res`.
 *
 * @throws (rejects) {TesseraError} `ERR_TIMEOUT` (no response headers within
 *   `timeoutMs`), `ERR_UNAVAILABLE` (connection failed or broke off before the
 *   response), `ERR_LIMIT_EXCEEDED` (the streamed body grew too large). After
 *   the response started, failures only end the response.
 */
export function forward(params: {
  req: http.IncomingMessage; res: http.ServerResponse; upstream: Upstream; agent: AgentIdentity;
  body: Buffer | undefined; maxBodyBytes: number; timeoutMs: number;
}): Promise<void> {
  const { req, res, upstream, agent, body, maxBodyBytes, timeoutMs } = params;
  const headers = outgoingHeaders(req, upstream, agent, body);
  const request = upstream.url.protocol === 'https:' ? https.request : http.request;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (err: TesseraError) => {
      if (settled) return;
      settled = true;
      outgoing.destroy();
      reject(err);
    };
    const outgoing = request({
      protocol: upstream.url.protocol, hostname: upstream.url.hostname, port: upstream.url.port, agent: upstream.agent,
      method: req.method, path: req.url, headers,
    });
    const timer = setTimeout(() => fail(new TesseraError('ERR_TIMEOUT', 'the upstream did not answer in time')), timeoutMs);
    // The agent went away (or the request timed out) before the answer was complete: stop the upstream call too.
    res.once('close', () => {
      if (!res.writableFinished) {
        clearTimeout(timer);
        outgoing.destroy();
      }
    });
    outgoing.on('error', () => fail(new TesseraError('ERR_UNAVAILABLE', 'the upstream could not be reached')));
    outgoing.on('response', (upstreamRes) => {
      clearTimeout(timer);
      if (settled) return upstreamRes.resume();
      settled = true;
      res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders(upstreamRes));
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
      res.on('close', () => {
        upstreamRes.destroy();
        resolve();
      });
    });
    if (body !== undefined) {
      outgoing.end(body);
      return;
    }
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBodyBytes) {
        clearTimeout(timer);
        fail(new TesseraError('ERR_LIMIT_EXCEEDED', `the request body is larger than ${maxBodyBytes} bytes`));
      }
    });
    req.pipe(outgoing);
  });
}

function outgoingHeaders(req: http.IncomingMessage, upstream: Upstream, agent: AgentIdentity, body: Buffer | undefined): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name.startsWith(IDENTITY_HEADER_PREFIX)) continue;
    headers[name] = value;
  }
  if (body !== undefined) headers['content-length'] = String(body.length);
  else if (req.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = 'chunked';
  headers.host = upstream.url.host;
  if (upstream.credential) headers[upstream.credential[0]] = upstream.credential[1];
  headers[`${IDENTITY_HEADER_PREFIX}agent-id`] = agent.id;
  if (agent.task !== undefined) headers[`${IDENTITY_HEADER_PREFIX}task`] = agent.task;
  if (agent.orchestrator !== undefined) headers[`${IDENTITY_HEADER_PREFIX}orchestrator`] = agent.orchestrator;
  if (agent.sponsor !== undefined) headers[`${IDENTITY_HEADER_PREFIX}sponsor`] = agent.sponsor;
  if (agent.depth !== undefined) headers[`${IDENTITY_HEADER_PREFIX}delegation-depth`] = String(agent.depth);
  return headers;
}

function responseHeaders(res: http.IncomingMessage): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  return headers;
}
