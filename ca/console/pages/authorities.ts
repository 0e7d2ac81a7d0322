import type { X509Certificate } from 'node:crypto';
import type { AuthorityView } from '../../authority/authorities.js';
import { type SafeHtml, html } from '../html.js';
import { badge, when } from './layout.js';

/** The signing authorities with their lifecycle, the trust bundle's roots, and the federated trust domains. */
export function authoritiesPage(params: {
  x509: readonly AuthorityView[]; jwt: readonly AuthorityView[]; roots: readonly X509Certificate[]; federated: readonly { trustDomain: string; roots: number }[];
}): SafeHtml {
  const table = (rows: readonly AuthorityView[]) => html`<table class="authorities"><thead><tr><th>State</th><th>Id</th><th>Not before</th><th>Not after</th><th>State since</th></tr></thead>
<tbody>${rows.map((a) => html`<tr data-id="${a.id}" data-state="${a.state}"><td>${badge(a.state)}</td><td><code>${a.id}</code></td><td>${when(a.notBeforeMs)}</td><td>${when(a.notAfterMs)}</td><td>${when(a.changedAtMs)}</td></tr>`)}</tbody></table>`;
  return html`<h2>X.509 intermediates</h2>${table(params.x509)}
<h2>JWT signing keys</h2>${table(params.jwt)}
<h2>Trust bundle</h2>
<table class="bundle"><thead><tr><th>Subject</th><th>Serial</th><th>Valid from</th><th>Valid to</th><th>SHA-256 fingerprint</th></tr></thead>
<tbody>${params.roots.map((c) => html`<tr><td>${c.subject}</td><td><code>${c.serialNumber.toLowerCase()}</code></td><td>${c.validFrom}</td><td>${c.validTo}</td><td><code>${c.fingerprint256}</code></td></tr>`)}</tbody></table>
<h2>Federated trust domains</h2>
${params.federated.length === 0 ? html`<p class="empty">None.</p>` : html`<ul>${params.federated.map((f) => html`<li>${f.trustDomain}: ${f.roots} root(s)</li>`)}</ul>`}`;
}
