import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import { validateConfig } from '../../ca/config.js';
import { checkAgentRequest, matchesTask, openPolicy, parsePolicy } from '../../ca/policy/policy.js';

const config = validateConfig({ dataDir: '/tmp/unused' });
const policyOf = (value: unknown) => parsePolicy(Buffer.from(JSON.stringify(value)), config);
const request = { orchestrator: 'orch-a', task: 'research-1', scopes: ['search:query'], ttlMs: 0, depth: 0 };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TesseraError);
    return (err as TesseraError).code;
  }
  return 'none';
};

describe('policy', () => {
  const policy = policyOf({
    orchestrators: {
      'orch-a': { tasks: ['research-*', 'build'], scopes: ['search:query', 'read:files:*'], maxSvidTtl: '10m', maxRenewals: 3, maxLifetime: '2h', maxDelegationDepth: 2 },
      '*': { tasks: ['sandbox'], scopes: [] },
    },
  });

  it('ok/within the ceiling: default TTL from the config, caps from the entry', () => {
    const { entry, ttlMs } = checkAgentRequest(policy, request);
    expect(ttlMs).toBe(5 * 60_000);
    expect(entry).toMatchObject({ maxSvidTtlMs: 600_000, maxRenewals: 3, maxLifetimeMs: 7_200_000, maxDelegationDepth: 2 });
    expect(checkAgentRequest(policy, { ...request, task: 'build', scopes: ['read:files:42'], ttlMs: 600_000, depth: 2 }).ttlMs).toBe(600_000);
    expect(checkAgentRequest(policy, { ...request, orchestrator: 'orch-z', task: 'sandbox', scopes: [] }).entry.scopes).toEqual([]);
  });

  it('fail/beyond the ceiling: task id, scope, TTL, depth, unknown orchestrator -> ERR_POLICY_DENIED', () => {
    for (const r of [
      { ...request, task: 'build-2' }, { ...request, task: 'xresearch-1' }, { ...request, scopes: ['write:files:1'] },
      { ...request, scopes: ['read:files'] }, { ...request, scopes: ['search:*'] }, { ...request, ttlMs: 600_001 },
      { ...request, depth: 3 }, { ...request, orchestrator: 'orch-z' },
    ]) expect(code(() => checkAgentRequest(policy, r)), JSON.stringify(r)).toBe('ERR_POLICY_DENIED');
    const strict = policyOf({ orchestrators: { 'orch-a': { tasks: ['*'], scopes: [] } } });
    expect(code(() => checkAgentRequest(strict, { ...request, orchestrator: 'orch-b' }))).toBe('ERR_POLICY_DENIED');
  });

  it('ok/the configuration stays the hard cap; the open policy allows any task and scope', () => {
    const wide = policyOf({ orchestrators: { '*': { tasks: ['*'], scopes: ['*:*'], maxSvidTtl: '7d', maxLifetime: '90d', maxRenewals: 1e9 } } });
    expect(wide.forOrchestrator('x')).toMatchObject({ maxSvidTtlMs: config.ttl.agentMaxMs, maxLifetimeMs: config.limits.agentMaxLifetimeMs, maxRenewals: 1000 });
    const open = openPolicy(config);
    expect(checkAgentRequest(open, { ...request, scopes: ['anything:at:all', 'x:y'], depth: 5 }).ttlMs).toBe(config.ttl.agentMs);
    expect(code(() => checkAgentRequest(open, { ...request, depth: 6 }))).toBe('ERR_POLICY_DENIED');
  });

  it('fail/an invalid file names every problem at once -> ERR_POLICY_INVALID', () => {
    const err = (() => {
      try {
        policyOf({ orchestrators: { 'bad/name': { tasks: ['a/b'], scopes: ['Read:x'], maxSvidTtl: 'soon', maxDelegationDepth: 99, extra: 1 } }, more: 1 });
      } catch (e) {
        return e as TesseraError;
      }
    })();
    expect(err?.code).toBe('ERR_POLICY_INVALID');
    for (const p of ['bad/name', 'tasks', 'scopes', 'maxSvidTtl', 'maxDelegationDepth', 'extra', 'more']) expect(err?.message).toContain(p);
    expect(code(() => parsePolicy(Buffer.from('{'), config))).toBe('ERR_POLICY_INVALID');
  });

  it('ok/task patterns: * matches any run, nothing else is special', () => {
    expect(matchesTask('*', 'anything')).toBe(true);
    expect(matchesTask('research-*', 'research-')).toBe(true);
    expect(matchesTask('research-*', 'research')).toBe(false);
    expect(matchesTask('a*b*c', 'abc')).toBe(true);
    expect(matchesTask('a*b*c', 'aXbYc')).toBe(true);
    expect(matchesTask('a*b*c', 'acb')).toBe(false);
    expect(matchesTask('a*a', 'a')).toBe(false);
    expect(matchesTask('build', 'Build')).toBe(false);
    expect(matchesTask('r.n', 'rxn')).toBe(false);
  });
});
