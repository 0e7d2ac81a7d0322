/**
 * The gateway's configuration file (JSON): where it listens, how it gets its
 * own SVID, where it keeps its audit log, the upstreams and the routes.
 * `validateGatewayConfig` reports every problem at once; nothing below it reads
 * files or the environment except the upstream secrets (upstreams.ts), which
 * are read when the routes are (re)loaded.
 */
import { TesseraError } from '../agent-sdk/errors.js';
import { parseScope } from '../agent-sdk/scope.js';
import { parseTrustDomain } from '../agent-sdk/spiffe-id.js';
import { SpiffeId } from '../agent-sdk/spiffe-id.js';
import { type PathPattern, parsePathPattern } from './path-pattern.js';
import { isHostPort } from '../ca/host-port.js';

/** How the gateway authenticates to an upstream; agents never see it. */
export type UpstreamCredential =
  /** A secret sent in a header (e.g. `authorization: Bearer <secret>`), read from a file or an environment variable. */
  | { readonly kind: 'header'; readonly header: string; readonly prefix: string; readonly secretFile?: string; readonly secretEnv?: string }
  /** The gateway's own SVID over mutual TLS; the upstream must present `id`. */
  | { readonly kind: 'mtls'; readonly id: SpiffeId }
  | { readonly kind: 'none' };

export interface UpstreamConfig {
  /** `http://host:port` or `https://host:port` (no path: the request path is forwarded as is). */
  readonly url: URL;
  readonly credential: UpstreamCredential;
}

/** A JSON-RPC condition for MCP routes: the message's method and, for `tools/call`, the tool's name. */
export interface JsonRpcMatch {
  readonly method: string;
  readonly tool?: string;
}

export interface LineageConditions {
  readonly sponsor?: string;
  readonly maxDepth?: number;
}

export interface RouteConfig {
  /** A name for logs and the audit record. */
  readonly name: string;
  /** The exact Host (lowercase, port included when not 443); any host when absent. */
  readonly host?: string;
  readonly methods: readonly string[];
  readonly path: PathPattern;
  /** For MCP endpoints: the JSON-RPC message this route admits (the body is parsed). */
  readonly jsonRpc?: JsonRpcMatch;
  readonly upstream: string;
  /** The scope the task token must cover; absent: any valid token bound to the connection. */
  readonly scope?: string;
  readonly lineage?: LineageConditions;
}

export interface GatewayLimits {
  readonly maxBodyBytes: number;
  /** The whole request, from the first byte to the last byte of the response. */
  readonly requestTimeoutMs: number;
  /** Waiting for the upstream's response headers. */
  readonly upstreamTimeoutMs: number;
}

/** The part of the config a reload replaces. */
export interface RouteTable {
  readonly upstreams: ReadonlyMap<string, UpstreamConfig>;
  readonly routes: readonly RouteConfig[];
  readonly limits: GatewayLimits;
}

export interface GatewayConfig extends RouteTable {
  /** `host:port` of the mTLS listener. */
  readonly listen: string;
  readonly trustDomain: string;
  /** The CA the gateway attests to and follows revocations from. */
  readonly ca: { readonly address: string; readonly mtlsAddress: string; readonly bundleFile: string };
  /**
   * How the gateway attests as orchestrator `name`: a one-time join token (file or environment
   * variable), or x509pop with a certificate whose subject CN is `name` (PEM chain, leaf first, and its key),
   * which also works for every restart.
   */
  readonly identity: {
    readonly name: string; readonly joinTokenFile?: string; readonly joinTokenEnv?: string;
    readonly x509pop?: { readonly certFile: string; readonly keyFile: string };
  };
  /** The `aud` agents' task tokens must carry; default: the gateway's own SPIFFE ID. */
  readonly audience?: string;
  /** Where the gateway's audit log (LevelDB) lives. */
  readonly dataDir: string;
  readonly checkpoint: { readonly everyRecords: number; readonly everyMs: number };
  /** `host:port` of a plain-HTTP listener serving the metrics at GET /metrics (Prometheus text); none when absent. `--metrics-listen` wins. */
  readonly metricsListen?: string;
}

const DEFAULT_LIMITS: GatewayLimits = { maxBodyBytes: 1 << 20, requestTimeoutMs: 30_000, upstreamTimeoutMs: 15_000 };
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const HEADER_NAME = /^[a-z0-9-]{1,64}$/;
const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const HOST = /^[a-z0-9.-]{1,253}(:[0-9]{1,5})?$/;

/**
 * Checks a parsed config file and returns the typed config.
 *
 * @throws {TesseraError} `ERR_CONFIG_INVALID` naming every problem found.
 * @example const config = validateGatewayConfig(JSON.parse(await readFile(file, 'utf8')));
 */
export function validateGatewayConfig(raw: unknown): GatewayConfig {
  const problems: string[] = [];
  const c = object(raw, 'config', problems);
  const table = checkRouteTable(c, problems);
  const ca = object(c.ca, 'ca', problems);
  const identity = object(c.identity, 'identity', problems);
  const checkpoint = c.checkpoint === undefined ? {} : object(c.checkpoint, 'checkpoint', problems);
  let trustDomain = 'tessera.local';
  try {
    trustDomain = parseTrustDomain(str(c.trustDomain ?? 'tessera.local', 'trustDomain', problems));
  } catch {
    problems.push('trustDomain is not a trust domain name');
  }
  const joinTokenFile = optionalStr(identity.joinTokenFile, 'identity.joinTokenFile', problems);
  const joinTokenEnv = optionalStr(identity.joinTokenEnv, 'identity.joinTokenEnv', problems);
  let x509pop: { certFile: string; keyFile: string } | undefined;
  if (identity.x509pop !== undefined) {
    const pop = object(identity.x509pop, 'identity.x509pop', problems);
    x509pop = { certFile: str(pop.certFile, 'identity.x509pop.certFile', problems), keyFile: str(pop.keyFile, 'identity.x509pop.keyFile', problems) };
  }
  if ([joinTokenFile, joinTokenEnv, x509pop].filter((v) => v !== undefined).length !== 1) {
    problems.push('identity needs exactly one of joinTokenFile, joinTokenEnv, x509pop');
  }
  const name = str(identity.name ?? 'gateway', 'identity.name', problems);
  if (!NAME.test(name)) problems.push('identity.name must be a lowercase name');
  const config: GatewayConfig = {
    ...table,
    listen: hostPort(c.listen ?? '127.0.0.1:8443', 'listen', problems),
    trustDomain,
    ca: {
      address: str(ca.address, 'ca.address', problems),
      mtlsAddress: str(ca.mtlsAddress, 'ca.mtlsAddress', problems),
      bundleFile: str(ca.bundleFile, 'ca.bundleFile', problems),
    },
    identity: { name, ...(joinTokenFile !== undefined && { joinTokenFile }), ...(joinTokenEnv !== undefined && { joinTokenEnv }), ...(x509pop && { x509pop }) },
    ...(c.audience !== undefined && { audience: str(c.audience, 'audience', problems) }),
    dataDir: str(c.dataDir, 'dataDir', problems),
    ...(c.metricsListen !== undefined && { metricsListen: hostPort(c.metricsListen, 'metricsListen', problems) }),
    checkpoint: {
      everyRecords: int(checkpoint.everyRecords ?? 1000, 'checkpoint.everyRecords', 1, 1_000_000, problems),
      everyMs: int(checkpoint.everyMs ?? 60_000, 'checkpoint.everyMs', 100, 86_400_000, problems),
    },
  };
  if (problems.length > 0) throw new TesseraError('ERR_CONFIG_INVALID', `gateway config: ${problems.join('; ')}`);
  return config;
}

/**
 * Checks only what a reload replaces (upstreams, routes, limits).
 *
 * @throws {TesseraError} `ERR_CONFIG_INVALID` naming every problem found.
 */
export function validateRouteTable(raw: unknown): RouteTable {
  const problems: string[] = [];
  const table = checkRouteTable(object(raw, 'config', problems), problems);
  if (problems.length > 0) throw new TesseraError('ERR_CONFIG_INVALID', `gateway config: ${problems.join('; ')}`);
  return table;
}

function checkRouteTable(c: Record<string, unknown>, problems: string[]): RouteTable {
  const upstreams = new Map<string, UpstreamConfig>();
  for (const [name, value] of Object.entries(object(c.upstreams, 'upstreams', problems))) {
    const upstream = checkUpstream(value, `upstreams.${name}`, problems);
    if (upstream) upstreams.set(name, upstream);
  }
  const routes = array(c.routes, 'routes', problems).map((value, i) => checkRoute(value, i, upstreams, problems));
  const names = routes.map((r) => r.name);
  if (new Set(names).size !== names.length) problems.push('route names must be unique');
  const l = c.limits === undefined ? {} : object(c.limits, 'limits', problems);
  const limits: GatewayLimits = {
    maxBodyBytes: int(l.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes, 'limits.maxBodyBytes', 0, 1 << 30, problems),
    requestTimeoutMs: int(l.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs, 'limits.requestTimeoutMs', 100, 3_600_000, problems),
    upstreamTimeoutMs: int(l.upstreamTimeoutMs ?? DEFAULT_LIMITS.upstreamTimeoutMs, 'limits.upstreamTimeoutMs', 100, 3_600_000, problems),
  };
  return { upstreams, routes, limits };
}

function checkUpstream(value: unknown, at: string, problems: string[]): UpstreamConfig | undefined {
  const u = object(value, at, problems);
  let url: URL;
  try {
    url = new URL(str(u.url, `${at}.url`, problems));
  } catch {
    problems.push(`${at}.url is not a URL`);
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash || url.username) {
    problems.push(`${at}.url must be http(s)://host[:port] with no path`);
  }
  const cred = u.credential === undefined ? { kind: 'none' } : object(u.credential, `${at}.credential`, problems);
  let credential: UpstreamCredential = { kind: 'none' };
  if (cred.kind === 'header') {
    const header = str(cred.header ?? 'authorization', `${at}.credential.header`, problems).toLowerCase();
    if (!HEADER_NAME.test(header)) problems.push(`${at}.credential.header is not a header name`);
    const secretFile = optionalStr(cred.secretFile, `${at}.credential.secretFile`, problems);
    const secretEnv = optionalStr(cred.secretEnv, `${at}.credential.secretEnv`, problems);
    if ((secretFile === undefined) === (secretEnv === undefined)) problems.push(`${at}.credential needs exactly one of secretFile, secretEnv`);
    credential = {
      kind: 'header', header, prefix: str(cred.prefix ?? 'Bearer ', `${at}.credential.prefix`, problems),
      ...(secretFile !== undefined && { secretFile }), ...(secretEnv !== undefined && { secretEnv }),
    };
  } else if (cred.kind === 'mtls') {
    if (url.protocol !== 'https:') problems.push(`${at}: an mtls credential needs an https url`);
    try {
      credential = { kind: 'mtls', id: SpiffeId.parse(str(cred.id, `${at}.credential.id`, problems)) };
    } catch {
      problems.push(`${at}.credential.id is not a SPIFFE ID`);
    }
  } else if (cred.kind !== 'none') {
    problems.push(`${at}.credential.kind must be header, mtls or none`);
  }
  return { url, credential };
}

function checkRoute(value: unknown, i: number, upstreams: ReadonlyMap<string, UpstreamConfig>, problems: string[]): RouteConfig {
  const at = `routes[${i}]`;
  const r = object(value, at, problems);
  const name = str(r.name, `${at}.name`, problems);
  if (!NAME.test(name)) problems.push(`${at}.name must be a lowercase name`);
  const host = optionalStr(r.host, `${at}.host`, problems);
  if (host !== undefined && !HOST.test(host)) problems.push(`${at}.host must be a lowercase host[:port]`);
  const methods = array(r.methods ?? ['GET'], `${at}.methods`, problems).map((m) => String(m));
  if (methods.length === 0 || !methods.every((m) => METHODS.has(m))) problems.push(`${at}.methods must name HTTP methods in uppercase`);
  let path: PathPattern = parsePathPattern('/**');
  try {
    path = parsePathPattern(str(r.path, `${at}.path`, problems));
  } catch (err) {
    problems.push(`${at}.path: ${(err as Error).message}`);
  }
  const upstream = str(r.upstream, `${at}.upstream`, problems);
  if (!upstreams.has(upstream)) problems.push(`${at}.upstream names no upstream`);
  let scope: string | undefined;
  if (r.scope !== undefined) {
    try {
      scope = parseScope(str(r.scope, `${at}.scope`, problems));
    } catch {
      problems.push(`${at}.scope is not a scope (action:resource[:id])`);
    }
  }
  let jsonRpc: JsonRpcMatch | undefined;
  if (r.jsonRpc !== undefined) {
    const j = object(r.jsonRpc, `${at}.jsonRpc`, problems);
    const tool = optionalStr(j.tool, `${at}.jsonRpc.tool`, problems);
    jsonRpc = { method: str(j.method, `${at}.jsonRpc.method`, problems), ...(tool !== undefined && { tool }) };
    if (tool !== undefined && jsonRpc.method !== 'tools/call') problems.push(`${at}.jsonRpc.tool needs method tools/call`);
  }
  let lineage: LineageConditions | undefined;
  if (r.lineage !== undefined) {
    const l = object(r.lineage, `${at}.lineage`, problems);
    const sponsor = optionalStr(l.sponsor, `${at}.lineage.sponsor`, problems);
    lineage = {
      ...(sponsor !== undefined && { sponsor }),
      ...(l.maxDepth !== undefined && { maxDepth: int(l.maxDepth, `${at}.lineage.maxDepth`, 0, 16, problems) }),
    };
  }
  return {
    name, methods, path, upstream,
    ...(host !== undefined && { host }), ...(scope !== undefined && { scope }), ...(jsonRpc && { jsonRpc }), ...(lineage && { lineage }),
  };
}

function object(v: unknown, at: string, problems: string[]): Record<string, unknown> {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  problems.push(`${at} must be an object`);
  return {};
}

function array(v: unknown, at: string, problems: string[]): unknown[] {
  if (Array.isArray(v)) return v;
  problems.push(`${at} must be a list`);
  return [];
}

function str(v: unknown, at: string, problems: string[]): string {
  if (typeof v === 'string' && v !== '') return v;
  problems.push(`${at} must be a non-empty string`);
  return '';
}

function hostPort(v: unknown, at: string, problems: string[]): string {
  const value = str(v, at, problems);
  if (value !== '' && !isHostPort(value)) problems.push(`${at} must be host:port with a port from 0 to 65535`);
  return value;
}

function optionalStr(v: unknown, at: string, problems: string[]): string | undefined {
  return v === undefined ? undefined : str(v, at, problems);
}

function int(v: unknown, at: string, min: number, max: number, problems: string[]): number {
  if (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max) return v as number;
  problems.push(`${at} must be an integer from ${min} to ${max}`);
  return min;
}
