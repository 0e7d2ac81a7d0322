import { TesseraError } from '../../agent-sdk/errors.js';
import type { AgentInfo__Output } from '../../agent-sdk/gen/tessera/v1/AgentInfo.js';
import { AdminClient, type RevokeTargetRequest } from '../admin-client.js';
import type { Output } from './commands.js';

const TARGETS = ['serial', 'jti', 'agent', 'task', 'chain'] as const;
const STATUSES = ['active', 'released', 'revoked', 'expired'] as const;
const PAGE = 1000;

/**
 * `tessera revoke --serial S | --jti J | --agent ID | --task O/T | --chain ID [--reason TEXT]`:
 * prints the committed entries as one JSON object once they are durable; none
 * when the target was already revoked.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT unless exactly one target is given; whatever the CA refuses with.
 */
export async function revokeCommand(
  socket: string, options: Partial<Record<(typeof TARGETS)[number] | 'reason', string>> & { cascade?: boolean }, io: Output,
): Promise<number> {
  const given = TARGETS.filter((t) => options[t] !== undefined);
  if (given.length !== 1) throw new TesseraError('ERR_INVALID_ARGUMENT', 'name exactly one of --serial, --jti, --agent, --task, --chain');
  const kind = given[0]!;
  const target = { [kind]: options[kind]! } as RevokeTargetRequest;
  const admin = new AdminClient(socket);
  try {
    const entries = await admin.revoke({ ...target, ...(options.reason !== undefined && { reason: options.reason }), ...(options.cascade && { cascade: true }) });
    io.out(JSON.stringify({
      entries: entries.map((e) => ({
        sequence: e.sequence, kind: e.kind, target: e.target, coveredIds: e.coveredIds, cause: e.cause,
        revokedAt: new Date(e.revokedAtMs).toISOString(), expiresAt: new Date(e.expiresAtMs).toISOString(),
      })),
      ...(entries.length === 0 && { note: 'already revoked: nothing committed' }),
    }));
    return 0;
  } finally {
    admin.close();
  }
}

/**
 * `tessera agents list [--orchestrator O] [--task T] [--status S] [--limit N] [--orchestrators] [--json]`:
 * one agent instance per line, in SPIFFE ID order; with `orchestrators`, the orchestrators after them.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT for an unknown status or a bad limit; whatever the CA refuses with.
 */
export async function listAgentsCommand(
  socket: string, params: { orchestrator?: string; task?: string; status?: string; limit: number; json: boolean; orchestrators?: boolean }, io: Output,
): Promise<number> {
  if (params.status !== undefined && !(STATUSES as readonly string[]).includes(params.status)) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', `--status is one of ${STATUSES.join(', ')}`);
  }
  if (!Number.isSafeInteger(params.limit) || params.limit < 1) throw new TesseraError('ERR_INVALID_ARGUMENT', '--limit must be a positive integer');
  const admin = new AdminClient(socket);
  try {
    let after = '';
    for (let left = params.limit; left > 0;) {
      const page = await admin.listAgents({
        orchestrator: params.orchestrator ?? '', task: params.task ?? '', afterSpiffeId: after, limit: Math.min(left, PAGE),
        includeOrchestrators: params.orchestrators ?? false,
        status: params.status ? `AGENT_STATUS_${params.status.toUpperCase()}` as 'AGENT_STATUS_ACTIVE' : 'AGENT_STATUS_UNSPECIFIED',
      });
      for (const agent of page) io.out(params.json ? JSON.stringify(plain(agent)) : line(agent));
      if (page.length < Math.min(left, PAGE)) break;
      left -= page.length;
      after = page.at(-1)!.spiffeId;
    }
    return 0;
  } finally {
    admin.close();
  }
}

/**
 * `tessera agents show SPIFFE_ID [--json]`: one identity, its ancestors and its
 * delegation tree.
 *
 * @throws {TesseraError} ERR_NOT_FOUND, ERR_SPIFFE_ID_INVALID; whatever the CA refuses with.
 */
export async function showAgentCommand(socket: string, spiffeId: string, params: { json: boolean }, io: Output): Promise<number> {
  const admin = new AdminClient(socket);
  try {
    const { agent, descendants } = await admin.getAgent(spiffeId);
    if (!agent) throw new TesseraError('ERR_NOT_FOUND', 'no such identity');
    if (params.json) {
      io.out(JSON.stringify({ agent: plain(agent), descendants: descendants.map(plain) }));
      return 0;
    }
    const p = plain(agent);
    for (const [k, v] of Object.entries(p)) {
      if (k === 'delegationChain' || v === '' || (Array.isArray(v) && v.length === 0)) continue;
      io.out(`${k.padEnd(18)} ${Array.isArray(v) ? v.join(', ') : String(v)}`);
    }
    for (const ancestor of agent.delegationChain) io.out(`${'ancestor'.padEnd(18)} ${ancestor}`);
    io.out('delegation tree:');
    printTree(agent, descendants, io);
    return 0;
  } finally {
    admin.close();
  }
}

function printTree(root: AgentInfo__Output, descendants: AgentInfo__Output[], io: Output): void {
  const children = new Map<string, AgentInfo__Output[]>();
  for (const d of descendants) children.set(d.parent, [...(children.get(d.parent) ?? []), d]);
  const walk = (node: AgentInfo__Output, prefix: string, last: boolean, top: boolean) => {
    io.out(`${top ? '' : `${prefix}${last ? '└─ ' : '├─ '}`}${node.spiffeId}  ${status(node)}  depth ${node.depth}`);
    const kids = children.get(node.spiffeId) ?? [];
    kids.forEach((kid, i) => walk(kid, top ? '' : `${prefix}${last ? '   ' : '│  '}`, i === kids.length - 1, false));
  };
  walk(root, '', true, true);
}

function status(agent: AgentInfo__Output): string {
  return agent.status.replace('AGENT_STATUS_', '').toLowerCase();
}

/** The JSON form: times as ISO strings, the status as a word. */
function plain(agent: AgentInfo__Output): Record<string, unknown> {
  const iso = (ms: number) => (ms ? new Date(ms).toISOString() : '');
  return {
    spiffeId: agent.spiffeId, status: status(agent), kind: agent.kind, orchestrator: agent.orchestrator, task: agent.task,
    sponsor: agent.sponsor, parent: agent.parent, depth: agent.depth, delegationChain: agent.delegationChain, scopes: agent.scopes,
    issuedAt: iso(agent.issuedAtMs), expiresAt: iso(agent.expiresAtMs), renewals: agent.renewals, serial: agent.serial,
    revocationSequence: agent.revocationSequence, revokedAt: iso(agent.revokedAtMs), revocationReason: agent.revocationReason,
  };
}

function line(agent: AgentInfo__Output): string {
  const fields = [
    agent.kind === 'orchestrator' ? 'orchestrator' : `task=${agent.orchestrator}/${agent.task}`,
    agent.kind !== 'orchestrator' && `sponsor=${agent.sponsor}`, `depth=${agent.depth}`,
    agent.parent && `parent=${agent.parent}`, `scopes=${agent.scopes.join(',') || '-'}`,
    `issued=${new Date(agent.issuedAtMs).toISOString()}`, `expires=${new Date(agent.expiresAtMs).toISOString()}`, `renewals=${agent.renewals}`,
  ].filter(Boolean);
  return `${status(agent).padEnd(8)} ${agent.spiffeId} ${fields.join(' ')}`;
}
