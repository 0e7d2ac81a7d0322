import { type SafeHtml, html } from '../html.js';
import type { RevocationRow } from '../data/revocations.js';
import { idLink, when } from './layout.js';

/** Every revocation, newest first, with what it covered. */
export function revocationsTable(rows: readonly RevocationRow[]): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">Nothing has been revoked.</p>`;
  return html`<table class="revocations">
<thead><tr><th>Seq</th><th>Kind</th><th>Target</th><th>Cause</th><th>Reason</th><th>Revoked at</th><th>Entry kept until</th><th>Identities it ended</th></tr></thead>
<tbody>
${rows.map(({ sequence, entry, covered }) => html`<tr data-sequence="${sequence}">
<td>${sequence}</td><td>${entry?.kind ?? '–'}</td><td class="target">${entry ? entry.target : 'pruned (everything it covered has expired)'}</td>
<td>${entry?.cause ?? '–'}</td><td class="reason">${entry?.reason ?? ''}</td><td>${when(entry?.revokedAtMs ?? 0)}</td><td>${when(entry?.expiresAtMs ?? 0)}</td>
<td><ul class="covered">${covered.map((id) => html`<li>${idLink(id)}</li>`)}</ul></td>
</tr>
`)}</tbody>
</table>`;
}
