import { join } from 'node:path';
import { TesseraError } from '../agent-sdk/errors.js';
import { parseTrustDomain } from '../agent-sdk/spiffe-id.js';

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
  };
  readonly audit: { readonly checkpointEveryRecords: number; readonly checkpointEveryMs: number };
  /** PEM roots that x509pop orchestrator certificates must chain to; x509pop is off when empty. */
  readonly x509popRootsPem: string;
  /**
   * The policy file (JSON, ca/policy/policy.ts); '' for none, which means the
   * built-in open policy: any task, any scopes, these TTLs and limits.
   */
  readonly policyFile: string;
  /** How often the policy file is checked for changes. */
  readonly policyPollMs: number;
}

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
  },
  audit: { checkpointEveryRecords: 1000, checkpointEveryMs: MINUTE },
  policyPollMs: 2000,
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
  const address = (v: unknown, name: string, fallback: string): string => {
    const a = text(v, name, fallback);
    if (a && !/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(a)) problems.push(`${name}: must be host:port`);
    return a;
  };
  for (const key of Object.keys(input)) {
    if (!['trustDomain', 'dataDir', 'publicAddress', 'mtlsAddress', 'adminSocket', 'ttl', 'limits', 'audit', 'x509popRootsPem', 'policyFile', 'policyPoll'].includes(key)) {
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
  };
  const auditIn = section('audit');
  const audit = {
    checkpointEveryRecords: count(auditIn, 'checkpointEveryRecords', 'audit.checkpointEveryRecords', DEFAULTS.audit.checkpointEveryRecords),
    checkpointEveryMs: duration(auditIn, 'checkpointEvery', 'audit.checkpointEvery', DEFAULTS.audit.checkpointEveryMs),
  };
  const x509popRootsPem = input.x509popRootsPem === undefined ? '' : text(input.x509popRootsPem, 'x509popRootsPem');
  const policyFile = input.policyFile === undefined ? '' : text(input.policyFile, 'policyFile');
  const policyPollMs = duration(input, 'policyPoll', 'policyPoll', DEFAULTS.policyPollMs, 50);

  const config: CaConfig = {
    trustDomain,
    dataDir,
    publicAddress: address(input.publicAddress, 'publicAddress', DEFAULTS.publicAddress),
    mtlsAddress: address(input.mtlsAddress, 'mtlsAddress', DEFAULTS.mtlsAddress),
    adminSocket: text(input.adminSocket, 'adminSocket', dataDir ? join(dataDir, 'admin.sock') : 'admin.sock'),
    ttl,
    limits,
    audit,
    x509popRootsPem,
    policyFile,
    policyPollMs,
  };
  if (problems.length) throw new TesseraError('ERR_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
