import type { AgentView } from '../../revocation/inventory.js';
import type { Authorisation } from '../data/search.js';
import { type SafeHtml, html } from '../html.js';
import { recordCells } from './audit.js';
import { badge, idLink, when } from './layout.js';

/** The search form, filled with the last query. */
export function searchForm(q: string): SafeHtml {
  return html`<form class="search" action="/search" method="get">
<label for="q">Agent SPIFFE ID, certificate serial or task token id</label>
<input id="q" name="q" value="${q}" size="80" autocomplete="off" spellcheck="false">
<button type="submit">Who authorised this?</button>
</form>`;
}

/** The answer: the chain of authority from the human sponsor down to the subject, then the evidence. */
export function authorisation(a: Authorisation): SafeHtml {
  const hop = (v: AgentView, role: string) => html`<li data-spiffe-id="${v.spiffeId}">${badge(v.status === 'active' && v.renewals > 0 ? 'renewed' : v.status)} ${role} ${idLink(v.spiffeId)}
<span class="meta">scopes <b class="scopes">${v.scopes.join(' ') || 'none'}</b>${v.kind === 'agent' ? html` · depth ${v.depth}` : ''} · since ${when(v.issuedAtMs)}</span></li>`;
  const chain = [...a.delegators].reverse();
  return html`<p class="matched">Matched by ${a.matchedBy.replace('_', ' ')}.</p>
<ol class="authority" id="authority-chain">
${a.subject.kind === 'agent' ? html`<li class="human">Human sponsor <b class="sponsor" id="sponsor">${a.sponsor}</b></li>` : ''}
${a.orchestrator ? hop(a.orchestrator, 'spawned through orchestrator') : ''}
${chain.map((v, i) => hop(v, i === 0 ? 'first agent' : 'delegated to'))}
${hop(a.subject, chain.length === 0 && a.subject.kind === 'agent' ? 'agent' : a.subject.kind === 'agent' ? 'delegated to' : 'orchestrator')}
</ol>
${lineage(a.lineage)}
<h2>Audit records</h2>
<table class="audit"><thead><tr><th>Seq</th><th>Time</th><th>Operation</th><th>Outcome</th><th>Caller</th><th>Subject</th><th>Task</th><th>Sponsor</th><th>Serial / token id</th></tr></thead>
<tbody>${a.records.map((r) => html`<tr data-seq="${r.seq}"><td><a href="/audit?before=${r.seq + 1}">${r.seq}</a></td>${recordCells(r)}</tr>`)}</tbody></table>`;
}

function lineage(l: Authorisation['lineage']): SafeHtml {
  if (!l) return html``;
  if ('invalid' in l) return html`<p class="verdict broken" id="lineage-status" data-ok="false">The stored lineage does not verify: ${l.invalid}</p>`;
  if (l.hops.length === 0) return html`<p class="verdict ok" id="lineage-status" data-ok="true">Spawned by its orchestrator: no delegation.</p>`;
  return html`<p class="verdict ok" id="lineage-status" data-ok="true">Every delegation record is signed by its delegator's key and links to the one before.</p>
<table class="lineage"><thead><tr><th>Depth</th><th>Delegator</th><th>Delegate</th><th>Scopes</th><th>Delegated at</th><th>Until</th></tr></thead>
<tbody>${l.hops.map((h) => html`<tr><td>${h.depth}</td><td>${idLink(h.delegator)}</td><td>${idLink(h.delegate)}</td><td>${h.scopes.join(' ')}</td><td>${when(h.delegatedAtMs)}</td><td>${when(h.notAfterMs)}</td></tr>`)}</tbody></table>`;
}
