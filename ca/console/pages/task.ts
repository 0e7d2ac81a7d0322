import { type SafeHtml, html } from '../html.js';
import type { IdentityRow } from '../data/agents.js';
import { badge, idLink, timeLeft, when } from './layout.js';

/**
 * A task's delegation tree: the agents its orchestrator spawned at the top,
 * each delegate under its delegator, with when it got its identity, its scopes
 * and its depth. An agent whose delegator is not listed is shown at the top.
 */
export function delegationTree(rows: readonly IdentityRow[], nowMs: number): SafeHtml {
  const agents = rows.filter((r) => r.kind === 'agent');
  const ids = new Set(agents.map((r) => r.spiffeId));
  const children = new Map<string, IdentityRow[]>();
  for (const r of agents) {
    const parent = r.parent && ids.has(r.parent) ? r.parent : '';
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const branch = (parent: string): SafeHtml => {
    const below = children.get(parent) ?? [];
    if (below.length === 0) return html``;
    return html`<ul class="tree">${below.map((r) => html`<li data-spiffe-id="${r.spiffeId}" data-state="${r.state}" data-depth="${r.depth}">
<div class="node">${badge(r.state)} ${idLink(r.spiffeId)}
<span class="meta">depth ${r.depth} · scopes <b class="scopes">${r.scopes.join(' ') || 'none'}</b> · ${r.parent ? html`delegated by ${idLink(r.parent)}` : html`spawned by the orchestrator for <span class="sponsor">${r.sponsor}</span>`}
 · ${r.state === 'spawned' ? 'ticket not redeemed' : html`identity since ${when(r.issuedAtMs)}`}${['revoked', 'released'].includes(r.state) ? '' : html` · ${timeLeft(r.expiresAtMs, nowMs)} left`}</span></div>
${branch(r.spiffeId)}</li>`)}</ul>`;
  };
  return agents.length === 0 ? html`<p class="empty">This task has no agents.</p>` : branch('');
}
