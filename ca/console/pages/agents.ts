import { type SafeHtml, html, query } from '../html.js';
import type { IdentityRow } from '../data/agents.js';
import { badge, idLink, timeLeft } from './layout.js';

const STATES = ['spawned', 'active', 'renewed', 'revoked', 'released', 'expired'] as const;

/** The identities table: counts by state, then one row per identity (orchestrators and agents). */
export function identitiesTable(rows: readonly IdentityRow[], nowMs: number, more: boolean): SafeHtml {
  const count = (state: string) => rows.filter((r) => r.state === state).length;
  return html`<p class="counts">${STATES.map((s) => html`<span class="count" data-state="${s}">${badge(s)} <b>${count(s)}</b></span> `)}</p>
<table class="identities">
<thead><tr><th>State</th><th>Kind</th><th>SPIFFE ID</th><th>Task</th><th>Sponsor</th><th>Scopes</th><th>Depth</th><th>Time left</th><th>Renewals</th></tr></thead>
<tbody>
${rows.map((r) => html`<tr data-spiffe-id="${r.spiffeId}" data-state="${r.state}">
<td>${badge(r.state)}</td><td>${r.kind}</td><td>${idLink(r.spiffeId)}</td>
<td>${r.task ? html`<a href="/task${query({ orchestrator: r.orchestrator, task: r.task })}">${r.task}</a>` : '–'}</td>
<td class="sponsor">${r.sponsor || '–'}</td><td>${r.scopes.join(' ') || '–'}</td><td>${r.kind === 'agent' ? r.depth : '–'}</td>
<td>${['revoked', 'released'].includes(r.state) ? '–' : timeLeft(r.expiresAtMs, nowMs)}</td><td>${r.state === 'spawned' ? '–' : r.renewals}</td>
</tr>
`)}</tbody>
</table>
${rows.length === 0 ? html`<p class="empty">No identities yet.</p>` : ''}
${more ? html`<p class="more">Only the first identities are listed; narrow to a task to see the rest.</p>` : ''}`;
}

/** The main figures of the CA's metrics registry, when it keeps one. */
export function figures(values: ReadonlyArray<[string, number]>): SafeHtml {
  if (values.length === 0) return html``;
  return html`<dl class="figures">${values.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>`;
}
