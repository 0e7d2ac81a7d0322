/**
 * The gateway: an HTTPS reverse proxy that agents reach over mutual TLS with
 * their SVID. The composition root of gateway/: the listener (the SDK's mTLS
 * hook, agents only, revoked peers cut off), the route table (hot-reloaded),
 * the per-request decision, the audit log and the forwarding.
 *
 *   request -> checkRequest -> candidateRoutes -> (MCP: read body, jsonRpcCalls)
 *           -> routesFor -> authorizeRequest -> audit 'allowed' (durable) -> forward
 *   any refusal -> audit 'denied' (durable) -> 4xx with { error: { code, message } }
 */
import { once } from 'node:events';
import https from 'node:https';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { authorizeMatch } from '../agent-sdk/authorizer.js';
import { type Clock, systemClock } from '../agent-sdk/clock.js';
import { type ErrorCode, TesseraError } from '../agent-sdk/errors.js';
import type { SpiffeId } from '../agent-sdk/spiffe-id.js';
import { hookMtlsServer, peerId } from '../agent-sdk/tls.js';
import { spiffeIdFromCertificate } from '../agent-sdk/verify.js';
import type { X509Source } from '../agent-sdk/x509-source.js';
import type { Logger } from '../ca/log.js';
import { serveMetrics } from '../ca/metrics/metrics-server.js';
import { type Peer, authorizeRequest, peerOf } from './authorize.js';
import { type GatewayConfig, type RouteConfig, type RouteTable, validateRouteTable } from './config.js';
import { DecisionLog, type DecisionEvent } from './decision-log.js';
import { forward } from './forward.js';
import { HTTP_STATUS_OF } from './http-status.js';
import { jsonRpcCalls } from './json-rpc.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { checkRequest } from './request-safety.js';
import { candidateRoutes, needsBody, routesFor } from './routes.js';
import { type Upstream, closeUpstreams, openUpstreams } from './upstreams.js';
import { VerifiedTokens } from './verified-tokens.js';

export interface GatewayDeps {
  /** The gateway's own SVID, bundle and revocation list (an attested X509Source). */
  readonly identity: X509Source;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Where `secretEnv` upstream credentials are read; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** `host:port` to serve the metrics on; default the config's `metricsListen` (`tessera gateway --metrics-listen` wins). */
  readonly metricsListen?: string;
}

interface LoadedTable {
  readonly table: RouteTable;
  readonly upstreams: ReadonlyMap<string, Upstream>;
}

export class Gateway {
  readonly metrics: GatewayMetrics;
  readonly #server: https.Server;
  #metricsEndpoint: { address: string; close(): Promise<void> } | undefined;
  readonly #identity: X509Source;
  readonly #audit: DecisionLog;
  readonly #log: Logger;
  readonly #env: NodeJS.ProcessEnv;
  readonly #audience: string;
  readonly #clock: Clock;
  readonly #verifiedTokens = new VerifiedTokens();
  #loaded: LoadedTable;
  #closing: Promise<void> | undefined;

  private constructor(server: https.Server, deps: GatewayDeps, audit: DecisionLog, metrics: GatewayMetrics, loaded: LoadedTable, audience: string) {
    this.#server = server;
    this.metrics = metrics;
    this.#identity = deps.identity;
    this.#audit = audit;
    this.#log = deps.log;
    this.#env = deps.env ?? process.env;
    this.#loaded = loaded;
    this.#audience = audience;
    this.#clock = deps.clock ?? systemClock;
  }

  /**
   * Opens the audit log, the upstreams and the mTLS listener; resolves once listening.
   *
   * @throws {TesseraError} ERR_CONFIG_INVALID (an upstream secret cannot be read),
   *   ERR_AUDIT_CHAIN_BROKEN (the log in dataDir does not verify at its tail); listen errors.
   * @example const gateway = await Gateway.start(config, { identity: source, log });
   */
  static async start(config: GatewayConfig, deps: GatewayDeps): Promise<Gateway> {
    const identity = deps.identity;
    const clock = deps.clock ?? systemClock;
    const loaded = { table: config, upstreams: openUpstreams(config, identity, deps.env ?? process.env) };
    const metrics = new GatewayMetrics(() => identity.getX509Svid().expiresAtMs, () => clock.now());
    metrics.routesLoaded('applied', config.routes.length);
    const audit = await DecisionLog.open(`${config.dataDir}/audit`, identity, clock, config.checkpoint, metrics);
    const server = https.createServer({ requestTimeout: config.limits.requestTimeoutMs });
    hookMtlsServer(server, identity, identity, authorizeMatch(`spiffe://${identity.getX509Svid().id.trustDomain}/agent/*/*/*`), { clock });
    const gateway = new Gateway(server, deps, audit, metrics, loaded, config.audience ?? identity.getX509Svid().id.toString());
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => void gateway.#handle(req, res));
    server.on('peerRejected', (err: TesseraError, socket: TLSSocket) => gateway.#refusedConnection(err, socket));
    server.on('clientError', (err: Error & { code?: string }, socket) => gateway.#malformed(err, socket as TLSSocket));
    const [host, port] = splitHostPort(config.listen);
    server.listen(port, host);
    await once(server, 'listening');
    const metricsListen = deps.metricsListen ?? config.metricsListen;
    if (metricsListen) {
      try {
        gateway.#metricsEndpoint = await serveMetrics(metrics, metricsListen, deps.log);
      } catch (err) {
        await gateway.close();
        throw err;
      }
    }
    return gateway;
  }

  /** `host:port` the gateway listens on. */
  get address(): string {
    const { address, port } = this.#server.address() as AddressInfo;
    return `${address}:${port}`;
  }

  /** `host:port` of the metrics listener, when configured. */
  get metricsAddress(): string | undefined {
    return this.#metricsEndpoint?.address;
  }

  /** The gateway's SPIFFE ID. */
  get id(): SpiffeId {
    return this.#identity.getX509Svid().id;
  }

  /** The audience agents' task tokens must name. */
  get audience(): string {
    return this.#audience;
  }

  /**
   * Replaces the routes, upstreams and limits with those of `raw` (a parsed
   * config file). A bad one changes nothing: the current table stays in force
   * and the problem is logged. Requests in flight finish on the table they started with.
   *
   * @returns whether the new table is in force. Never throws.
   */
  reload(raw: unknown): boolean {
    let next: LoadedTable;
    try {
      if (raw instanceof TesseraError) throw raw; // the file could not be read (watchConfigFile)
      const table = validateRouteTable(raw);
      next = { table, upstreams: openUpstreams(table, this.#identity, this.#env) };
    } catch (err) {
      this.#log.error({ code: err instanceof TesseraError ? err.code : 'ERR_INTERNAL', reason: (err as Error).message }, 'gateway config reload refused; the current routes stay in force');
      this.metrics.routesLoaded('refused');
      return false;
    }
    const previous = this.#loaded;
    this.#loaded = next;
    // Their connections may still carry requests of the old table: close them once those are over.
    setTimeout(() => closeUpstreams(previous.upstreams), previous.table.limits.requestTimeoutMs).unref();
    this.metrics.routesLoaded('applied', next.table.routes.length);
    this.#log.info({ routes: next.table.routes.length }, 'gateway routes reloaded');
    return true;
  }

  /** Stops listening, closes every connection and writes the audit log's last checkpoint. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const closed = once(this.#server, 'close');
      this.#server.close();
      this.#server.closeAllConnections();
      await closed;
      await this.#metricsEndpoint?.close();
      closeUpstreams(this.#loaded.upstreams);
      await this.#audit.close();
    })();
    return this.#closing;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrivedMs = performance.now();
    let peer: Peer;
    try {
      peer = peerOf(req.socket as TLSSocket);
    } catch {
      req.socket.destroy(); // the hook refused it; never answer an unverified peer
      return;
    }
    const { table, upstreams } = this.#loaded;
    const timer = setTimeout(() => res.destroy(), table.limits.requestTimeoutMs);
    res.once('close', () => clearTimeout(timer));
    let routes: RouteConfig[] = [];
    let body: Buffer | undefined;
    try {
      const { host, segments } = checkRequest(req);
      const candidates = candidateRoutes(table, host, req.method ?? '', segments);
      // An MCP request's routes are those of its messages: none is named before the body is read.
      const mcp = needsBody(candidates);
      if (!mcp) routes = routesFor(candidates);
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > table.limits.maxBodyBytes) throw new TesseraError('ERR_LIMIT_EXCEEDED', `the request body is larger than ${table.limits.maxBodyBytes} bytes`);
      if (mcp) {
        body = await readBody(req, table.limits.maxBodyBytes);
        routes = routesFor(candidates, jsonRpcCalls(body));
      }
      await authorizeRequest({
        peer, authorization: req.headers.authorization, routes, audience: this.#audience,
        bundle: this.#identity, revocations: this.#identity.revocations, verified: this.#verifiedTokens, clock: this.#clock,
      });
    } catch (err) {
      await this.#refuse(res, peer, routes, err, arrivedMs);
      return;
    }
    try {
      await this.#decide(peer, routes, 'allowed');
      this.metrics.decided('allowed', (performance.now() - arrivedMs) / 1000);
    } catch {
      // Fail closed: nothing is forwarded whose decision is not durable.
      this.#respond(res, 'ERR_INTERNAL', 'the decision could not be audited');
      return;
    }
    const upstream = upstreams.get(routes[0]!.upstream)!;
    try {
      await forward({ req, res, upstream, agent: peer.identity, body, maxBodyBytes: table.limits.maxBodyBytes, timeoutMs: table.limits.upstreamTimeoutMs });
    } catch (err) {
      const error = asTesseraError(err);
      await this.#decide(peer, routes, 'error', error.code, 'gateway.upstream').catch(() => {});
      this.#respond(res, error.code, error.message);
    }
  }

  async #refuse(res: http.ServerResponse, peer: Peer, routes: readonly RouteConfig[], err: unknown, arrivedMs: number): Promise<void> {
    const error = asTesseraError(err);
    if (error.code === 'ERR_INTERNAL') this.#log.error({ err: error.cause ?? error }, 'gateway request failed');
    const outcome = error.code === 'ERR_INTERNAL' ? 'error' : 'denied';
    await this.#decide(peer, routes, outcome, error.code).then(() => this.metrics.decided(outcome, (performance.now() - arrivedMs) / 1000), () => {});
    this.#respond(res, error.code, error.code === 'ERR_INTERNAL' ? 'internal error' : error.message);
  }

  /** Audits one decision (the metrics count it once its record is durable). */
  #decide(peer: Peer | undefined, routes: readonly RouteConfig[], outcome: 'allowed' | 'denied' | 'error', reason?: ErrorCode, operation: DecisionEvent['operation'] = 'gateway.request'): Promise<void> {
    const route = routes.length > 0 ? [...new Set(routes.map((r) => r.name))].join(' ') : undefined;
    const scope = [...new Set(routes.flatMap((r) => (r.scope ? [r.scope] : [])))].join(' ');
    const i = peer?.identity;
    return this.#audit.record({
      operation,
      ...(i && { caller: i.id }),
      ...(i?.task !== undefined && { task: i.task }),
      ...(i?.orchestrator !== undefined && { orchestrator: i.orchestrator }),
      ...(i?.sponsor !== undefined && { sponsor: i.sponsor }),
      ...(i?.depth !== undefined && { depth: i.depth }),
      ...(peer?.chainHash !== undefined && { chainHash: peer.chainHash }),
      ...(route !== undefined && { route }),
      ...(scope !== '' && { scope }),
    }, outcome, reason);
  }

  #respond(res: http.ServerResponse, code: ErrorCode, message: string): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: { code, message } });
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    // A refused request's body may be unread or its framing in doubt: do not reuse the connection.
    if (HTTP_STATUS_OF[code] === 400 || HTTP_STATUS_OF[code] === 413) headers.connection = 'close';
    if (HTTP_STATUS_OF[code] === 401) headers['www-authenticate'] = 'Bearer';
    res.writeHead(HTTP_STATUS_OF[code], headers).end(body);
  }

  /** A handshake refused by the SDK hook (or an open connection cut off on revocation). */
  #refusedConnection(err: TesseraError, socket: TLSSocket): void {
    let caller: string | undefined;
    try {
      // An open connection cut off on revocation had a verified peer.
      caller = peerId(socket).toString();
    } catch {
      // A new handshake refused on revocation: the chain verified before the revocation check, so the ID is the CA's word.
      // The SDK reports before it destroys the socket, so the certificate is still there to read.
      if (err.code === 'ERR_REVOKED') caller = revokedPeerId(socket);
    }
    this.#audit.record({ operation: 'gateway.connect', ...(caller && { caller }) }, 'denied', err.code).catch(() => {});
  }

  /** A request Node's HTTP parser refused (smuggling attempts end here: CL with TE, bad chunking...). */
  #malformed(err: Error & { code?: string }, socket: TLSSocket): void {
    let peer: Peer | undefined;
    try {
      peer = peerOf(socket);
    } catch {
      peer = undefined;
    }
    if (peer && err.code !== 'ECONNRESET') {
      void this.#decide(peer, [], 'denied', 'ERR_INVALID_ARGUMENT').catch(() => {});
      const body = JSON.stringify({ error: { code: 'ERR_INVALID_ARGUMENT', message: 'request refused: malformed HTTP' } });
      if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    }
    socket.destroy();
  }
}

function revokedPeerId(socket: TLSSocket): string | undefined {
  try {
    return spiffeIdFromCertificate(socket.getPeerCertificate().raw).toString();
  } catch {
    return undefined;
  }
}

/** Reads a whole body up to `maxBytes`. @throws {TesseraError} ERR_LIMIT_EXCEEDED, ERR_INVALID_ARGUMENT when the body breaks off. */
async function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new TesseraError('ERR_LIMIT_EXCEEDED', `the request body is larger than ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (err) {
    throw err instanceof TesseraError ? err : new TesseraError('ERR_INVALID_ARGUMENT', 'the request body broke off');
  }
  return Buffer.concat(chunks);
}

function asTesseraError(err: unknown): TesseraError {
  return err instanceof TesseraError ? err : new TesseraError('ERR_INTERNAL', 'gateway failure', { cause: err });
}

function splitHostPort(listen: string): [string, number] {
  const i = listen.lastIndexOf(':');
  const port = Number(listen.slice(i + 1));
  if (i <= 0 || !Number.isSafeInteger(port) || port < 0 || port > 65535) throw new TesseraError('ERR_CONFIG_INVALID', 'listen must be host:port');
  return [listen.slice(0, i).replace(/^\[|\]$/g, ''), port];
}
