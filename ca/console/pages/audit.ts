import type { AuditRecord } from '../../audit/record.js';
import { type AuditPage, PAGE_SIZE } from '../data/audit.js';
import { type SafeHtml, html, query } from '../html.js';
import { when } from './layout.js';

/** One page of the audit log, the verdict on the whole chain first. */
export function auditLog(p: AuditPage): SafeHtml {
  const v = p.verification;
  const verdict = v.ok
    ? html`<p id="chain-status" class="verdict ok" data-ok="true">Chain verified: ${v.records} records, ${v.checkpoints} signed checkpoints${v.sealed ? html`, ${v.sealed} break(s) an operator sealed` : ''}.</p>`
    : html`<p id="chain-status" class="verdict broken" data-ok="false" role="alert">Chain BROKEN at record ${v.firstBadSequence}: ${v.reason} (${v.records} records verified before it).</p>`;
  const first = p.rows[0]?.seq ?? 0;
  return html`${verdict}
<table class="audit">
<thead><tr><th>Seq</th><th>Time</th><th>Operation</th><th>Outcome</th><th>Caller</th><th>Subject</th><th>Task</th><th>Sponsor</th><th>Serial / token id</th><th>Previous hash</th><th>Hash</th><th>Chain</th><th>Checkpoint</th></tr></thead>
<tbody>
${p.rows.map((row) => {
    const intact = row.hashOk && row.linkOk;
    const firstBad = !v.ok && v.firstBadSequence === row.seq;
    const r = row.record;
    return html`<tr data-seq="${row.seq}" data-chain="${intact ? 'ok' : 'broken'}"${firstBad || !intact ? html` class="broken"` : ''}>
<td>${row.seq}</td>${r ? recordCells(r) : html`<td colspan="8">malformed record</td>`}
<td>${shortHash(r?.prevHash)}</td><td>${shortHash(r?.hash)}</td>
<td class="link">${intact ? '✓ linked' : !row.hashOk ? '✗ hash does not match its content' : '✗ does not link to the previous record'}${firstBad ? html` <b>first bad record (${v.reason})</b>` : ''}</td>
<td>${row.checkpoint ? (row.checkpoint.valid ? html`<span class="signed">✓ signed ${when(row.checkpoint.timeMs)}</span>` : html`<span class="bad">✗ signature or hash invalid</span>`) : ''}</td>
</tr>
`;
  })}</tbody>
</table>
<nav class="pages">${first < p.head ? html`<a rel="prev" href="/audit${query({ before: Math.min(first + PAGE_SIZE + 1, p.head + 1) })}">newer</a>` : ''}
${p.older ? html`<a rel="next" href="/audit${query({ before: p.older })}">older</a>` : ''}</nav>`;
}

/** The cells a record shows from time to serial (shared by the search page). */
export function recordCells(r: AuditRecord): SafeHtml {
  return html`<td>${when(r.timeMs)}</td><td>${r.operation}</td><td class="outcome-${r.outcome}">${r.outcome}${r.reason ? html` <span class="reason">${r.reason}</span>` : ''}</td>
<td>${r.caller ?? ''}</td><td>${r.subject ?? ''}</td><td>${r.task ?? ''}</td><td class="sponsor">${r.sponsor ?? ''}</td><td>${r.serial ?? ''}</td>`;
}

function shortHash(hash: string | undefined): SafeHtml {
  return hash ? html`<code title="${hash}">${hash.slice(0, 12)}…</code>` : html``;
}
