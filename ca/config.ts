import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { TesseraError } from '../agent-sdk/errors.js';
import { parseTrustDomain } from '../agent-sdk/spiffe-id.js';
import { type ConsoleConfig, validateConsole } from './console/config.js';
import { type FederationEntry, parseFederationConfig } from './federation/federation-config.js';

/** The CA's configuration: plain, validated values; nothing below main.ts reads the environment. */
export interface CaConfig {
  readonly trustDomain: string;
  /** Holds the store, the CA keys (mode 0600) and the admin socket. */
  readonly dataDir: string;
  /** host:port of the public TLS listener (attestation, activation, bundle). Port 0 picks one. */
  readonly publicAddress: string;
  /** host:port of the mutual-TLS listener (spawn, renewal). Port 0 picks one. */
  readonly mtlsAddress: string;
  /** The admin API's Unix socket. */
  readonly adminSocket: string;
  /**
   * Where the state lives: '' for the embedded level store in dataDir, or a
   * postgresql:// URL for a database several replicas share (docs/ha.md).
   * May hold a password: never logged.
   */
  readonly store: string;
  readonly ttl: {
    readonly agentMs: number;
    readonly agentMaxMs: number;
    readonly orchestratorMs: number;
    readonly spawnTicketMs: number;
    readonly joinTokenMs: number;
    readonly caServerMs: number;
    readonly rootMs: number;
    readonly intermediateMs: number;
  };
  readonly limits: {
    readonly agentMaxRenewals: number;
    readonly agentMaxLifetimeMs: number;
    readonly orchestratorMaxRenewals: number;
    readonly orchestratorMaxLifetimeMs: number;
    /** The largest gRPC message the CA accepts (grpc.max_receive_message_length); grpc-js refuses a larger one itself. */
    readonly maxMessageBytes: number;
    readonly maxCsrBytes: number;
    /** The attestation payload of an Attest stream's first message (a plugin may cap it lower). */
    readonly maxAttestationPayloadBytes: number;
    /** From opening an Attest stream to its first message. */
    readonly attestationFirstMessageTimeoutMs: number;
    /** From opening an Attest stream to its result, every challenge included. */
    readonly attestationTimeoutMs: number;
    /** How long a node attestor waits for the answer to one challenge (x509pop). */
    readonly challengeTimeoutMs: number;
    /** HTTP/2 streams one connection may have open at once (grpc.max_concurrent_streams); clients queue the rest. */
    readonly maxConcurrentStreams: number;
    /** Open WatchRevocations streams, in all and per SPIFFE ID. */
    readonly maxRevocationFollowers: number;
    readonly maxRevocationFollowersPerIdentity: number;
    /** Open TCP connections to the public and mutual-TLS listeners together, and per remote address (ca/limits/connection-gate.ts). */
    readonly maxConnections: number;
    readonly maxConnectionsPerAddress: number;
  };
  /** Token buckets per caller (see ca/limits/); `null` turns a class off. */
  readonly rateLimits: RateLimits;
  readonly audit: {
    readonly checkpointEveryRecords: number;
    readonly checkpointEveryMs: number;
    /** A file outside the data directory (another disk) each signed checkpoint is also appended to; see ca/audit/anchor.ts. */
    readonly anchorFile?: string;
  };
  /** PEM roots that x509pop orchestrator certificates must chain to; x509pop is off when empty. */
  readonly x509popRootsPem: string;
  /**
   * The policy file (JSON, ca/policy/policy.ts); '' for none, which means the
   * built-in open policy: any task, any scopes, these TTLs and limits.
   */
  readonly policyFile: string;
  /** How often the policy file is checked for changes. */
  readonly policyPollMs: number;
  /** Worker threads that verify CSR signatures (ca/authority/csr-checker.ts); 0 verifies them on the main thread. */
  readonly csrWorkers: number;
  /**
   * The authority schedule (docs/authorities.md): prepare the next intermediate and
   * JWT key at `prepareAt`, activate it at `activateAt` of the active one's life; checked every `checkEveryMs`.
   */
  readonly authorities: { readonly prepareAt: number; readonly activateAt: number; readonly checkEveryMs: number };
  /**
   * The SPIFFE bundle endpoint (https_web, ca/bundle-endpoint.ts): host:port and the PEM files of
   * the web PKI server certificate chain and key the operator provides; null when off.
   */
  readonly bundleEndpoint: { readonly address: string; readonly certFile: string; readonly keyFile: string } | null;
  /** PEM roots for fetching other trust domains' bundle endpoints (`tessera bundle set --url`); '' for Node's web roots. */
  readonly federationWebRootsFile: string;
  /** The read-only web console (ca/console/, docs/console.md); null when off. */
  readonly console: ConsoleConfig | null;
  /** The trust domains federated from the config file (ca/federation/federation-config.ts). */
  readonly federation: readonly FederationEntry[];
}

/** A token bucket: `burst` calls at once, then `perSecond` on average. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * The rate-limited groups of calls (METHOD_RULES names one per method). The
 * key is the caller's SPIFFE ID on the mutual-TLS listener and its remote
 * address on the public one (attest, activate).
 */
export type RateClass = 'attest' | 'activate' | 'spawn' | 'renew' | 'token' | 'delegate' | 'release';
export const RATE_CLASSES: readonly RateClass[] = ['attest', 'activate', 'spawn', 'renew', 'token', 'delegate', 'release'];

export type RateLimits = { readonly [C in RateClass]: RateLimit | null } & {
  /** New TCP connections per remote address to the TLS listeners, before any handshake. */
  readonly connect: RateLimit | null;
  /** A burst of refusals ends after this long without one; while it lasts, a summary is audited at most this often. */
  readonly auditIntervalMs: number;
  /** Keys remembered per class; beyond it the least recently seen is forgotten (its bucket starts full again). */
  readonly maxKeys: number;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The defaults of DESIGN.md. */
export const DEFAULTS = {
  trustDomain: 'tessera.local',
  publicAddress: '127.0.0.1:8443',
  mtlsAddress: '127.0.0.1:8444',
  ttl: {
    agentMs: 5 * MINUTE,
    agentMaxMs: HOUR,
    orchestratorMs: HOUR,
    spawnTicketMs: 30_000,
    joinTokenMs: 10 * MINUTE,
    caServerMs: DAY,
    rootMs: 3650 * DAY,
    intermediateMs: 365 * DAY,
  },
  limits: {
    agentMaxRenewals: 1000,
    agentMaxLifetimeMs: DAY,
    orchestratorMaxRenewals: 10_000,
    orchestratorMaxLifetimeMs: 30 * DAY,
    maxMessageBytes: 256 * 1024,
    // A P-256 CSR is about 200 bytes.
    maxCsrBytes: 4096,
    // x509pop's own cap; a chain of a few certificates.
    maxAttestationPayloadBytes: 64 * 1024,
    attestationFirstMessageTimeoutMs: 10_000,
    attestationTimeoutMs: MINUTE,
    challengeTimeoutMs: 30_000,
    // RFC 9113 6.5.2 recommends no fewer than 100; an SDK client needs a handful.
    maxConcurrentStreams: 100,
    maxRevocationFollowers: 10_000,
    // An X509Source holds one, two while it moves to a new SVID.
    maxRevocationFollowersPerIdentity: 8,
    // Every X509Source keeps a connection; an orchestrator host's agents share its address.
    maxConnections: 50_000,
    maxConnectionsPerAddress: 4096,
  },
  // Generous for real use (an agent renews every few minutes, an orchestrator host attests
  // rarely), tight enough that one caller or address cannot take the CA's signing and fsync capacity.
  rateLimits: {
    attest: { perSecond: 5, burst: 100 },
    activate: { perSecond: 200, burst: 1000 },
    spawn: { perSecond: 100, burst: 1000 },
    renew: { perSecond: 1, burst: 60 },
    token: { perSecond: 20, burst: 200 },
    delegate: { perSecond: 10, burst: 100 },
    // ReleaseIdentity and CompleteTask: once per agent and once per task.
    release: { perSecond: 50, burst: 500 },
    // A TLS handshake costs the CA more CPU than an issuance.
    connect: { perSecond: 100, burst: 1000 },
    auditIntervalMs: MINUTE,
    maxKeys: 100_000,
  },
  audit: { checkpointEveryRecords: 1000, checkpointEveryMs: MINUTE },
  policyPollMs: 2000,
  // The main thread keeps one core for gRPC, TLS and the journal; four workers outpace it.
  csrWorkers: Math.min(4, Math.max(1, availableParallelism() - 1)),
  // SPIRE's schedule: the next authority is in every bundle long before it signs.
  authorities: { prepareAt: 1 / 2, activateAt: 5 / 6, checkEveryMs: MINUTE },
} as const;

/** Parses "250ms", "30s", "5m", "1h", "7d" or a number of milliseconds. Returns NaN when it cannot. */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : Number.NaN;
  if (typeof value !== 'string') return Number.NaN;
  const m = /^(\d{1,12})(ms|s|m|h|d)$/.exec(value);
  if (!m) return Number.NaN;
  const unit = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: DAY }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

type Input = Record<string, unknown>;

/**
 * Builds a CaConfig from loose input (a parsed JSON file merged with flags),
 * filling defaults and reporting every problem at once.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID listing each problem on its own line.
 * @example validateConfig({ dataDir: '/var/lib/tessera', ttl: { agent: '2m' } })
 */
export function validateConfig(input: Input): CaConfig {
  const problems: string[] = [];
  const section = (name: string): Input => {
    const v = input[name];
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push(`${name}: must be an object`);
      return {};
    }
    return v as Input;
  };
  const text = (v: unknown, name: string, fallback?: string): string => {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || v === '') problems.push(`${name}: must be a non-empty string`);
    return typeof v === 'string' ? v : '';
  };
  const duration = (obj: Input, key: string, name: string, fallback: number, min = 1000): number => {
    if (obj[key] === undefined) return fallback;
    const ms = parseDuration(obj[key]);
    if (Number.isNaN(ms)) problems.push(`${name}: must be a duration such as "30s", "5m", "1h"`);
    else if (ms < min) problems.push(`${name}: must be at least ${min} ms`);
    return ms;
  };
  const count = (obj: Input, key: string, name: string, fallback: number): number => {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) problems.push(`${name}: must be a non-negative integer`);
    return typeof v === 'number' ? v : fallback;
  };
  const atLeast = (obj: Input, key: string, name: string, fallback: number, min: number): number => {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) problems.push(`${name}: must be an integer of at least ${min}`);
    return typeof v === 'number' ? v : fallback;
  };
  const address = (v: unknown, name: string, fallback: string): string => {
    const a = text(v, name, fallback);
    const port = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(a)?.[2];
    if (a && (port === undefined || Number(port) > 65_535)) problems.push(`${name}: must be host:port with a port from 0 to 65535`);
    return a;
  };
  for (const key of Object.keys(input)) {
    if (!['trustDomain', 'dataDir', 'publicAddress', 'mtlsAddress', 'adminSocket', 'ttl', 'limits', 'rateLimits', 'audit', 'x509popRootsPem', 'policyFile', 'policyPoll', 'csrWorkers', 'authorities', 'bundleEndpoint', 'federationWebRootsFile', 'store', 'console', 'federation'].includes(key)) {
      problems.push(`${key}: unknown setting`);
    }
  }

  const trustDomain = text(input.trustDomain, 'trustDomain', DEFAULTS.trustDomain);
  try {
    parseTrustDomain(trustDomain);
  } catch (err) {
    problems.push(`trustDomain: ${(err as Error).message}`);
  }
  const dataDir = text(input.dataDir, 'dataDir');
  const ttlIn = section('ttl');
  const d = DEFAULTS.ttl;
  const ttl = {
    agentMs: duration(ttlIn, 'agent', 'ttl.agent', d.agentMs),
    agentMaxMs: duration(ttlIn, 'agentMax', 'ttl.agentMax', d.agentMaxMs),
    orchestratorMs: duration(ttlIn, 'orchestrator', 'ttl.orchestrator', d.orchestratorMs),
    spawnTicketMs: duration(ttlIn, 'spawnTicket', 'ttl.spawnTicket', d.spawnTicketMs),
    joinTokenMs: duration(ttlIn, 'joinToken', 'ttl.joinToken', d.joinTokenMs),
    caServerMs: duration(ttlIn, 'caServer', 'ttl.caServer', d.caServerMs),
    rootMs: duration(ttlIn, 'root', 'ttl.root', d.rootMs),
    intermediateMs: duration(ttlIn, 'intermediate', 'ttl.intermediate', d.intermediateMs),
  };
  if (ttl.agentMs > ttl.agentMaxMs) problems.push('ttl.agent: must not exceed ttl.agentMax');
  if (ttl.intermediateMs >= ttl.rootMs) problems.push('ttl.intermediate: must be shorter than ttl.root');
  const limitsIn = section('limits');
  const l = DEFAULTS.limits;
  const limits = {
    agentMaxRenewals: count(limitsIn, 'agentMaxRenewals', 'limits.agentMaxRenewals', l.agentMaxRenewals),
    agentMaxLifetimeMs: duration(limitsIn, 'agentMaxLifetime', 'limits.agentMaxLifetime', l.agentMaxLifetimeMs),
    orchestratorMaxRenewals: count(limitsIn, 'orchestratorMaxRenewals', 'limits.orchestratorMaxRenewals', l.orchestratorMaxRenewals),
    orchestratorMaxLifetimeMs: duration(limitsIn, 'orchestratorMaxLifetime', 'limits.orchestratorMaxLifetime', l.orchestratorMaxLifetimeMs),
    maxMessageBytes: atLeast(limitsIn, 'maxMessageBytes', 'limits.maxMessageBytes', l.maxMessageBytes, 8 * 1024),
    maxCsrBytes: atLeast(limitsIn, 'maxCsrBytes', 'limits.maxCsrBytes', l.maxCsrBytes, 256),
    maxAttestationPayloadBytes: atLeast(limitsIn, 'maxAttestationPayloadBytes', 'limits.maxAttestationPayloadBytes', l.maxAttestationPayloadBytes, 1),
    attestationFirstMessageTimeoutMs: duration(limitsIn, 'attestationFirstMessageTimeout', 'limits.attestationFirstMessageTimeout', l.attestationFirstMessageTimeoutMs, 50),
    attestationTimeoutMs: duration(limitsIn, 'attestationTimeout', 'limits.attestationTimeout', l.attestationTimeoutMs, 50),
    challengeTimeoutMs: duration(limitsIn, 'challengeTimeout', 'limits.challengeTimeout', l.challengeTimeoutMs, 50),
    maxConcurrentStreams: atLeast(limitsIn, 'maxConcurrentStreams', 'limits.maxConcurrentStreams', l.maxConcurrentStreams, 1),
    maxRevocationFollowers: atLeast(limitsIn, 'maxRevocationFollowers', 'limits.maxRevocationFollowers', l.maxRevocationFollowers, 1),
    maxRevocationFollowersPerIdentity: atLeast(limitsIn, 'maxRevocationFollowersPerIdentity', 'limits.maxRevocationFollowersPerIdentity', l.maxRevocationFollowersPerIdentity, 1),
    maxConnections: atLeast(limitsIn, 'maxConnections', 'limits.maxConnections', l.maxConnections, 1),
    maxConnectionsPerAddress: atLeast(limitsIn, 'maxConnectionsPerAddress', 'limits.maxConnectionsPerAddress', l.maxConnectionsPerAddress, 1),
  };
  if (limits.maxCsrBytes + limits.maxAttestationPayloadBytes + 1024 > limits.maxMessageBytes) {
    problems.push('limits.maxMessageBytes: must hold an attestation message (maxCsrBytes + maxAttestationPayloadBytes + 1024)');
  }
  const rateIn = section('rateLimits');
  for (const key of Object.keys(rateIn)) {
    if (![...RATE_CLASSES, 'connect', 'auditInterval', 'maxKeys'].includes(key)) problems.push(`rateLimits.${key}: unknown setting`);
  }
  const r = DEFAULTS.rateLimits;
  const rate = (c: RateClass | 'connect'): RateLimit | null => {
    const v = rateIn[c];
    if (v === undefined) return r[c];
    if (v === 'off') return null;
    const { perSecond, burst, ...rest } = (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : { perSecond: undefined }) as Input;
    const ok = typeof perSecond === 'number' && perSecond > 0 && perSecond <= 1e6 && typeof burst === 'number' && Number.isSafeInteger(burst) &&
      burst >= 1 && burst <= 1e9 && Object.keys(rest).length === 0;
    if (!ok) problems.push(`rateLimits.${c}: must be "off" or { "perSecond": a number above 0, "burst": an integer of at least 1 }`);
    return ok ? { perSecond, burst } : r[c];
  };
  const rateLimits: RateLimits = {
    attest: rate('attest'), activate: rate('activate'), spawn: rate('spawn'), renew: rate('renew'), token: rate('token'), delegate: rate('delegate'), release: rate('release'),
    connect: rate('connect'),
    auditIntervalMs: duration(rateIn, 'auditInterval', 'rateLimits.auditInterval', r.auditIntervalMs),
    maxKeys: atLeast(rateIn, 'maxKeys', 'rateLimits.maxKeys', r.maxKeys, 100),
  };
  const auditIn = section('audit');
  const audit = {
    checkpointEveryRecords: count(auditIn, 'checkpointEveryRecords', 'audit.checkpointEveryRecords', DEFAULTS.audit.checkpointEveryRecords),
    checkpointEveryMs: duration(auditIn, 'checkpointEvery', 'audit.checkpointEvery', DEFAULTS.audit.checkpointEveryMs),
    ...(auditIn.anchorFile !== undefined && { anchorFile: text(auditIn.anchorFile, 'audit.anchorFile') }),
  };
  const store = input.store === undefined ? '' : text(input.store, 'store');
  if (store && !/^postgres(ql)?:\/\//.test(store)) problems.push('store: must be a postgresql:// URL (leave it out for the embedded store)');
  const x509popRootsPem = input.x509popRootsPem === undefined ? '' : text(input.x509popRootsPem, 'x509popRootsPem');
  const policyFile = input.policyFile === undefined ? '' : text(input.policyFile, 'policyFile');
  const policyPollMs = duration(input, 'policyPoll', 'policyPoll', DEFAULTS.policyPollMs, 50);
  const authoritiesIn = section('authorities');
  const fraction = (key: 'prepareAt' | 'activateAt'): number => {
    const v = authoritiesIn[key] ?? DEFAULTS.authorities[key];
    if (typeof v !== 'number' || !(v > 0 && v < 1)) problems.push(`authorities.${key}: must be a number between 0 and 1`);
    return typeof v === 'number' ? v : DEFAULTS.authorities[key];
  };
  const authorities = {
    prepareAt: fraction('prepareAt'),
    activateAt: fraction('activateAt'),
    checkEveryMs: duration(authoritiesIn, 'checkEvery', 'authorities.checkEvery', DEFAULTS.authorities.checkEveryMs, 50),
  };
  if (authorities.prepareAt >= authorities.activateAt) problems.push('authorities.prepareAt: must be below authorities.activateAt');
  const endpointIn = input.bundleEndpoint === undefined ? undefined : section('bundleEndpoint');
  const bundleEndpoint = endpointIn && {
    address: address(endpointIn.address ?? null, 'bundleEndpoint.address', ''),
    certFile: text(endpointIn.certFile, 'bundleEndpoint.certFile'),
    keyFile: text(endpointIn.keyFile, 'bundleEndpoint.keyFile'),
  };

  const config: CaConfig = {
    trustDomain,
    dataDir,
    publicAddress: address(input.publicAddress, 'publicAddress', DEFAULTS.publicAddress),
    mtlsAddress: address(input.mtlsAddress, 'mtlsAddress', DEFAULTS.mtlsAddress),
    adminSocket: text(input.adminSocket, 'adminSocket', dataDir ? join(dataDir, 'admin.sock') : 'admin.sock'),
    store,
    ttl,
    limits,
    rateLimits,
    audit,
    x509popRootsPem,
    policyFile,
    policyPollMs,
    csrWorkers: count(input, 'csrWorkers', 'csrWorkers', DEFAULTS.csrWorkers),
    authorities,
    bundleEndpoint: bundleEndpoint ?? null,
    federationWebRootsFile: input.federationWebRootsFile === undefined ? '' : text(input.federationWebRootsFile, 'federationWebRootsFile'),
    console: validateConsole(input.console, trustDomain, problems),
    federation: parseFederationConfig(input.federation, problems),
  };
  if (problems.length) throw new TesseraError('ERR_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
