/**
 * The issuance policy: per orchestrator, which tasks it may spawn agents for,
 * the scope ceiling of those tasks, and how long, how often and how deep its
 * agents may live, renew and delegate. The configuration's TTLs and limits
 * stay the hard caps; a policy only narrows them.
 *
 * The file (JSON, see docs/tokens-and-delegation.md):
 *
 *   { "orchestrators": {
 *       "orch-a": { "tasks": ["research-*"], "scopes": ["search:query", "read:files:*"],
 *                   "maxSvidTtl": "10m", "maxRenewals": 100, "maxLifetime": "2h", "maxDelegationDepth": 2 },
 *       "*":      { "tasks": [], "scopes": [] } } }
 *
 * An orchestrator the file does not name (and no "*" entry) may spawn nothing.
 * Without a policy file the CA runs the built-in open policy (openPolicy).
 */
import { createHash } from 'node:crypto';
import { TesseraError } from '../../agent-sdk/errors.js';
import { MAX_LINEAGE_DEPTH } from '../../agent-sdk/lineage.js';
import { isScope, scopesCover } from '../../agent-sdk/scope.js';
import { parsePathSegment } from '../../agent-sdk/spiffe-id.js';
import { type CaConfig, parseDuration } from '../config.js';
import { parseJsonFile } from '../json-file.js';

/** What one orchestrator's agents may get, with the configuration's caps applied. */
export interface OrchestratorPolicy {
  /** Task id patterns: SPIFFE path-segment characters, `*` matching any run of them. */
  readonly tasks: readonly string[];
  /** The scope ceiling: every task scope must be covered by these (scopesCover). */
  readonly scopes: readonly string[];
  /** The longest SVID an agent gets; a spawn asking for more is refused. */
  readonly maxSvidTtlMs: number;
  /** The SVID lifetime when a spawn asks for none. */
  readonly defaultSvidTtlMs: number;
  readonly maxRenewals: number;
  /** How long an agent identity lives in all, from its first SVID. */
  readonly maxLifetimeMs: number;
  /** How many delegation hops below an orchestrator-spawned agent (0: no delegation). */
  readonly maxDelegationDepth: number;
}

/** A parsed, validated policy. */
export interface Policy {
  /** 'file' for a policy file, 'open' for the built-in policy used without one. */
  readonly source: 'file' | 'open';
  /** SHA-256 (hex) of the file's bytes, or of "open". */
  readonly digest: string;
  /** The entry for `orchestrator`: its own, else the "*" entry, else undefined (nothing allowed). */
  forOrchestrator(orchestrator: string): OrchestratorPolicy | undefined;
}

/** The default maximum delegation depth (DESIGN flow 6). */
export const DEFAULT_MAX_DELEGATION_DEPTH = 5;
const FIELDS = ['tasks', 'scopes', 'maxSvidTtl', 'maxRenewals', 'maxLifetime', 'maxDelegationDepth'];

/**
 * The policy without a policy file: every orchestrator may spawn any task with
 * any scopes, the configuration's TTLs and limits apply, delegation goes 5 deep.
 * Narrowing still holds everywhere (tokens within task scopes, sub-agents within
 * their parent); only the ceiling is open. Production should set a policy file.
 *
 * @example const policy = openPolicy(config);
 */
export function openPolicy(config: CaConfig): Policy {
  const entry = capped(config, { tasks: ['*'], scopes: ['*:*', '*:*:*'] });
  return { source: 'open', digest: sha256('open'), forOrchestrator: () => entry };
}

/**
 * Parses a policy file's bytes, reporting every problem at once.
 *
 * @throws {TesseraError} `ERR_POLICY_INVALID` listing each problem on its own line.
 * @example const policy = parsePolicy(await readFile(path), config);
 */
export function parsePolicy(bytes: Uint8Array, config: CaConfig, file = 'policy'): Policy {
  const problems: string[] = [];
  const input = parseJsonFile(Buffer.from(bytes).toString('utf8'), file, 'ERR_POLICY_INVALID');
  const top = isObject(input) ? input : (problems.push('the policy must be a JSON object'), {});
  for (const key of Object.keys(top)) if (key !== 'orchestrators') problems.push(`${key}: unknown setting`);
  const list = isObject(top.orchestrators) ? top.orchestrators : (problems.push('orchestrators: must be an object'), {});
  const entries = new Map<string, OrchestratorPolicy>();
  for (const [name, value] of Object.entries(list)) {
    const at = `orchestrators.${name}`;
    if (name !== '*' && !isSegment(name)) problems.push(`${at}: not an orchestrator name (one SPIFFE path segment) or "*"`);
    const entry = parseEntry(value, at, config, problems);
    if (entry) entries.set(name, entry);
  }
  if (problems.length) throw new TesseraError('ERR_POLICY_INVALID', `invalid policy ${file}:\n  ${problems.join('\n  ')}`);
  const fallback = entries.get('*');
  return { source: 'file', digest: sha256(bytes), forOrchestrator: (o) => entries.get(o) ?? fallback };
}

function parseEntry(value: unknown, at: string, config: CaConfig, problems: string[]): OrchestratorPolicy | undefined {
  if (!isObject(value)) return void problems.push(`${at}: must be an object`);
  for (const key of Object.keys(value)) if (!FIELDS.includes(key)) problems.push(`${at}.${key}: unknown setting`);
  const strings = (key: string): string[] => {
    const v = value[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return (problems.push(`${at}.${key}: must be a list of strings`), []);
    return v as string[];
  };
  const tasks = strings('tasks');
  for (const t of tasks) if (!isTaskPattern(t)) problems.push(`${at}.tasks: ${JSON.stringify(t)} is not a task id pattern`);
  const scopes = strings('scopes');
  for (const s of scopes) if (!isScope(s)) problems.push(`${at}.scopes: ${JSON.stringify(s)} is not a canonical scope`);
  const duration = (key: string): number | undefined => {
    if (value[key] === undefined) return undefined;
    const ms = parseDuration(value[key]);
    if (Number.isNaN(ms) || ms < 1000) problems.push(`${at}.${key}: must be a duration of at least 1s, such as "5m"`);
    return ms;
  };
  const count = (key: string, max: number): number | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) problems.push(`${at}.${key}: must be an integer from 0 to ${max}`);
    return v as number;
  };
  return capped(config, {
    tasks, scopes: scopes.filter(isScope),
    maxSvidTtlMs: duration('maxSvidTtl'), maxLifetimeMs: duration('maxLifetime'),
    maxRenewals: count('maxRenewals', Number.MAX_SAFE_INTEGER), maxDelegationDepth: count('maxDelegationDepth', MAX_LINEAGE_DEPTH),
  });
}

function capped(config: CaConfig, e: {
  tasks: string[]; scopes: string[]; maxSvidTtlMs?: number; maxLifetimeMs?: number; maxRenewals?: number; maxDelegationDepth?: number;
}): OrchestratorPolicy {
  const maxSvidTtlMs = Math.min(e.maxSvidTtlMs ?? Infinity, config.ttl.agentMaxMs);
  return {
    tasks: e.tasks,
    scopes: [...new Set(e.scopes)].sort(),
    maxSvidTtlMs,
    defaultSvidTtlMs: Math.min(config.ttl.agentMs, maxSvidTtlMs),
    maxRenewals: Math.min(e.maxRenewals ?? Infinity, config.limits.agentMaxRenewals),
    maxLifetimeMs: Math.min(e.maxLifetimeMs ?? Infinity, config.limits.agentMaxLifetimeMs),
    maxDelegationDepth: e.maxDelegationDepth ?? DEFAULT_MAX_DELEGATION_DEPTH,
  };
}

const openPolicies = new WeakMap<CaConfig, Policy>();

/**
 * The policy in force for a CA context: its PolicySource's, else the open policy.
 *
 * @example const entry = currentPolicy(ctx).forOrchestrator('orch-a');
 */
export function currentPolicy(ctx: { readonly config: CaConfig; readonly policy?: { readonly current: Policy } }): Policy {
  if (ctx.policy) return ctx.policy.current;
  let open = openPolicies.get(ctx.config);
  if (!open) openPolicies.set(ctx.config, (open = openPolicy(ctx.config)));
  return open;
}

/** What a spawn or delegation asks for, already in canonical form. */
export interface AgentRequest {
  readonly orchestrator: string;
  readonly task: string;
  readonly scopes: readonly string[];
  /** The SVID lifetime asked for; 0 for the default. */
  readonly ttlMs: number;
  /** 0 for a spawn, the sub-agent's depth for a delegation. */
  readonly depth: number;
}

/**
 * Checks a spawn or delegation against the orchestrator's ceiling and returns
 * its entry and the SVID lifetime to use.
 *
 * @throws {TesseraError} `ERR_POLICY_DENIED` naming the rule (orchestrator, task
 *   id, scope ceiling, TTL or depth), never echoing the request.
 * @example const { ttlMs } = checkAgentRequest(policy, { orchestrator, task, scopes, ttlMs: 0, depth: 0 });
 */
export function checkAgentRequest(policy: Policy, request: AgentRequest): { entry: OrchestratorPolicy; ttlMs: number } {
  const deny = (why: string): never => {
    throw new TesseraError('ERR_POLICY_DENIED', `the policy does not allow ${why}`);
  };
  const entry = policy.forOrchestrator(request.orchestrator) ?? deny('this orchestrator to spawn agents');
  if (!entry.tasks.some((pattern) => matchesTask(pattern, request.task))) deny('this task id for this orchestrator');
  if (!scopesCover(entry.scopes, request.scopes)) deny('these scopes: they exceed the orchestrator\'s scope ceiling');
  if (request.ttlMs > entry.maxSvidTtlMs) deny(`an SVID lifetime above ${entry.maxSvidTtlMs / 1000} s`);
  if (request.depth > entry.maxDelegationDepth) deny(`delegation deeper than ${entry.maxDelegationDepth}`);
  return { entry, ttlMs: request.ttlMs || entry.defaultSvidTtlMs };
}

/**
 * Whether a task id matches a pattern: literal characters, `*` for any run
 * (possibly empty). Never throws.
 *
 * @example matchesTask('research-*', 'research-7') // true
 */
export function matchesTask(pattern: string, task: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === task;
  const [first, ...rest] = parts as [string, ...string[]];
  const last = rest.pop()!;
  if (!task.startsWith(first) || !task.endsWith(last) || task.length < first.length + last.length) return false;
  let at = first.length;
  const end = task.length - last.length;
  for (const middle of rest) {
    const found = task.indexOf(middle, at);
    if (found === -1 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

function isTaskPattern(pattern: string): boolean {
  const literal = pattern.replaceAll('*', '');
  return pattern.length > 0 && pattern.length <= 255 && (literal === '' || /^[A-Za-z0-9._-]+$/.test(literal)) && pattern !== '.' && pattern !== '..';
}

function isSegment(name: string): boolean {
  try {
    parsePathSegment(name);
    return true;
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
