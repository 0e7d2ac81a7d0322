import { TesseraError } from '../../agent-sdk/errors.js';
import type { AdminServiceHandlers } from '../../agent-sdk/gen/tessera/v1/AdminService.js';
import type { AgentInfo } from '../../agent-sdk/gen/tessera/v1/AgentInfo.js';
import type { AgentStatus__Output } from '../../agent-sdk/gen/tessera/v1/AgentStatus.js';
import type { RevokeRequest__Output } from '../../agent-sdk/gen/tessera/v1/RevokeRequest.js';
import { revocationEntryToWire } from '../../agent-sdk/revocation-wire.js';
import { checkAudited } from '../issuance/context.js';
import { type AgentStatus, type AgentView, getAgent, listAgents } from '../revocation/inventory.js';
import { type RevocationContext, type RevokeTarget, revoke } from '../revocation/revoke.js';
import { banOrchestrator, unbanOrchestrator } from '../revocation/ban.js';
import { revokeCascade } from '../revocation/cascade.js';
import { type HandlerDeps, unaryHandler } from './handler.js';

const SERVICE = '/tessera.v1.AdminService';

const STATUS_WIRE: Record<AgentStatus, AgentStatus__Output> = {
  active: 'AGENT_STATUS_ACTIVE', released: 'AGENT_STATUS_RELEASED', revoked: 'AGENT_STATUS_REVOKED', expired: 'AGENT_STATUS_EXPIRED',
};
const STATUS_OF = new Map(Object.entries(STATUS_WIRE).map(([k, v]) => [v as string, k as AgentStatus]));

/** Revoke, ListAgents, GetAgent and the bans: the operator's side of revocation and the inventory. */
export function revocationAdminHandlers(
  deps: HandlerDeps, rctx: RevocationContext,
): Pick<AdminServiceHandlers, 'Revoke' | 'ListAgents' | 'GetAgent' | 'BanOrchestrator' | 'UnbanOrchestrator'> {
  return {
    Revoke: unaryHandler(deps, `${SERVICE}/Revoke`, async (req) => {
      const target = await checkAudited(rctx.journal, { operation: 'revoke' }, () => {
        if (req.cascade && req.target !== 'agent') throw new TesseraError('ERR_INVALID_ARGUMENT', 'cascade applies to an orchestrator named by agent');
        return targetOf(req);
      });
      const options = { cause: 'operator' as const, reason: req.reason };
      const entries = target.kind === 'agent' && req.cascade ? await revokeCascade(rctx, target.spiffeId, options) : await revoke(rctx, target, options);
      return { entries: entries.map(revocationEntryToWire) };
    }),
    BanOrchestrator: unaryHandler(deps, `${SERVICE}/BanOrchestrator`, async (req) => {
      const { banned, entries } = await banOrchestrator(rctx, { orchestrator: req.orchestrator, reason: req.reason });
      return { banned, entries: entries.map(revocationEntryToWire) };
    }),
    UnbanOrchestrator: unaryHandler(deps, `${SERVICE}/UnbanOrchestrator`, async (req) => ({
      lifted: await unbanOrchestrator(rctx, { orchestrator: req.orchestrator }),
    })),
    ListAgents: unaryHandler(deps, `${SERVICE}/ListAgents`, async (req) => {
      const status = STATUS_OF.get(req.status);
      const agents = await checkAudited(rctx.journal, { operation: 'agents.list' }, () => listAgents(rctx, rctx.feed.list, {
        ...(req.orchestrator && { orchestrator: req.orchestrator }),
        ...(req.task && { task: req.task }),
        ...(status && { status }),
        ...(req.afterSpiffeId && { after: req.afterSpiffeId }),
        limit: Math.min(req.limit > 0 ? req.limit : 100, 1000),
        includeOrchestrators: req.includeOrchestrators,
      }));
      return { agents: agents.map(agentInfo) };
    }),
    GetAgent: unaryHandler(deps, `${SERVICE}/GetAgent`, async (req) => {
      const { agent, descendants } = await checkAudited(rctx.journal, { operation: 'agents.get' }, () => getAgent(rctx, rctx.feed.list, req.spiffeId));
      return { agent: agentInfo(agent), descendants: descendants.map(agentInfo) };
    }),
  };
}

function targetOf(req: RevokeRequest__Output): RevokeTarget {
  switch (req.target) {
    case 'serial':
      return { kind: 'serial', serial: req.serial ?? '' };
    case 'jti':
      return { kind: 'jti', jti: req.jti ?? '' };
    case 'agent':
      return { kind: 'agent', spiffeId: req.agent ?? '' };
    case 'chain':
      return { kind: 'chain', spiffeId: req.chain ?? '' };
    case 'task': {
      const [orchestrator, task, ...rest] = (req.task ?? '').split('/');
      if (!orchestrator || !task || rest.length > 0) throw new TesseraError('ERR_INVALID_ARGUMENT', 'a task is named <orchestrator>/<task>');
      return { kind: 'task', orchestrator, task };
    }
    default:
      throw new TesseraError('ERR_INVALID_ARGUMENT', 'name one of serial, jti, agent, task or chain');
  }
}

function agentInfo(view: AgentView): AgentInfo {
  return { ...view, scopes: [...view.scopes], delegationChain: [...view.delegationChain], status: STATUS_WIRE[view.status] };
}
