import { formatLeft } from '../assets/time-left.js';
import { type SafeHtml, html } from '../html.js';

export type Section = 'agents' | 'revocations' | 'audit' | 'search' | 'authorities';

const NAV: ReadonlyArray<[Section, string, string]> = [
  ['agents', '/', 'Agents'],
  ['revocations', '/revocations', 'Revocations'],
  ['audit', '/audit', 'Audit log'],
  ['search', '/search', 'Who authorised this?'],
  ['authorities', '/authorities', 'Authorities'],
];

/**
 * A whole page: navigation, the live indicator the script keeps, and `body` in
 * `<main id="content">`, which the script replaces when the CA reports a change.
 * `nowMs` is the CA's clock, so time left counts from it, not the browser's.
 */
export function page(params: { title: string; section: Section | undefined; trustDomain: string; nowMs: number; body: SafeHtml }): string {
  const { title, section, trustDomain, nowMs, body } = params;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Tessera console · ${trustDomain}</title>
<link rel="stylesheet" href="/assets/console.css">
<script type="module" src="/assets/console.js"></script>
</head>
<body>
<header>
<span class="brand">Tessera</span> <span class="td">${trustDomain}</span>
<nav>${NAV.map(([key, href, label]) => html`<a href="${href}"${key === section ? html` aria-current="page"` : ''}>${label}</a>`)}</nav>
<span id="live" data-state="connecting">connecting</span>
</header>
<main id="content" data-now="${nowMs}">
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.toString();
}

/** A time as UTC ISO 8601, or a dash for none. */
export function when(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace('.000Z', 'Z') : '–';
}

/** Time left until `expiresAtMs`, counted down by the script every second. */
export function timeLeft(expiresAtMs: number, nowMs: number): SafeHtml {
  return html`<span class="left" data-expires-at="${expiresAtMs}">${formatLeft(expiresAtMs - nowMs)}</span>`;
}

/** A state as a badge the stylesheet colours. */
export function badge(state: string): SafeHtml {
  return html`<span class="state state-${state}">${state}</span>`;
}

/** A SPIFFE ID linked to its "who authorised this?" page. */
export function idLink(spiffeId: string): SafeHtml {
  return spiffeId ? html`<a class="id" href="/search?q=${encodeURIComponent(spiffeId)}">${spiffeId}</a>` : html`–`;
}

/** An error page's body: the client-safe message of a refusal. */
export function problem(message: string): SafeHtml {
  return html`<p class="problem" role="alert">${message}</p>`;
}
