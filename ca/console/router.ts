/**
 * The console's pages: GET only, each one read from the CA's state at the
 * moment of the request and rendered on the server. A refusal shows its
 * client-safe message with the status CONSOLE_STATUS gives its code; anything
 * else is logged and shown as an internal error.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ErrorCode, TesseraError } from '../../agent-sdk/errors.js';
import type { Logger } from '../log.js';
import { STYLESHEET } from './assets/stylesheet.js';
import { listIdentities } from './data/agents.js';
import { type ChainVerification, auditPage } from './data/audit.js';
import { listRevocations } from './data/revocations.js';
import { whoAuthorised } from './data/search.js';
import type { ConsoleEvents } from './events.js';
import { SECURITY_HEADERS } from './headers.js';
import { type SafeHtml, html } from './html.js';
import { figures, identitiesTable } from './pages/agents.js';
import { auditLog } from './pages/audit.js';
import { authoritiesPage } from './pages/authorities.js';
import { type Section, page, problem } from './pages/layout.js';
import { revocationsTable } from './pages/revocations.js';
import { authorisation, searchForm } from './pages/search.js';
import { delegationTree } from './pages/task.js';
import { PageCache, type RenderedPage } from './page-cache.js';
import type { ConsoleSources } from './sources.js';

/** The one place a refusal's code becomes the console's HTTP status; other codes are 500. */
const CONSOLE_STATUS: Partial<Record<ErrorCode, number>> = {
  ERR_INVALID_ARGUMENT: 400,
  ERR_SPIFFE_ID_INVALID: 400,
  ERR_NOT_FOUND: 404,
};

/** The browser's modules, read once: served as they are, under /assets/. */
const SCRIPTS = new Map(['console.js', 'time-left.js'].map((name) => [`/assets/${name}`, readFileSync(new URL(`./assets/${name}`, import.meta.url))]));

interface Rendered {
  readonly title: string;
  readonly section: Section | undefined;
  readonly body: SafeHtml;
  readonly status?: number;
}

type Page = (sources: ConsoleSources, params: URLSearchParams) => Promise<Rendered>;

/** The figures the agents page shows from the metrics registry: [label, metric name]. */
const FIGURES: ReadonlyArray<[string, string]> = [
  ['X509-SVIDs issued', 'tessera_x509_svids_issued_total'],
  ['renewed', 'tessera_x509_svids_renewed_total'],
  ['task tokens', 'tessera_jwt_svids_issued_total'],
  ['denials', 'tessera_denials_total'],
  ['revocations', 'tessera_revocations_total'],
];

/** Routes a request to its page; `events` serves /events. */
export function consoleRouter(sources: ConsoleSources, events: ConsoleEvents, chain: ChainVerification, log: Logger) {
  const pages: Record<string, Page> = {
    '/': async (s) => {
      const { rows, more } = await listIdentities(s);
      return { title: 'Agents and orchestrators', section: 'agents', body: html`${await figuresOf(s)}${identitiesTable(rows, s.ctx.clock.now(), more)}` };
    },
    '/task': async (s, q) => {
      const orchestrator = required(q, 'orchestrator');
      const task = required(q, 'task');
      const { rows } = await listIdentities(s, { orchestrator, task });
      return { title: `Task ${task} of ${orchestrator}`, section: undefined, body: html`<h2>Delegation tree</h2>${delegationTree(rows, s.ctx.clock.now())}<h2>Identities</h2>${identitiesTable(rows, s.ctx.clock.now(), false)}` };
    },
    '/revocations': async (s) => ({ title: 'Revocations', section: 'revocations', body: revocationsTable(await listRevocations(s)) }),
    '/audit': async (s, q) => {
      const before = q.get('before');
      if (before !== null && !/^[1-9]\d{0,15}$/.test(before)) throw new TesseraError('ERR_INVALID_ARGUMENT', 'before must be a record sequence number');
      return { title: 'Audit log', section: 'audit', body: auditLog(await auditPage(s, chain, before === null ? {} : { before: Number(before) })) };
    },
    '/search': async (s, q) => {
      const query = q.get('q') ?? '';
      const title = 'Who authorised this?';
      if (!query.trim()) return { title, section: 'search', body: searchForm('') };
      try {
        return { title, section: 'search', body: html`${searchForm(query)}${authorisation(await whoAuthorised(s, query))}` };
      } catch (err) {
        // The form stays, with what was asked, above the refusal.
        const status = refusalStatus(err);
        if (status === undefined) throw err;
        return { title, section: 'search', body: html`${searchForm(query)}${problem((err as TesseraError).message)}`, status };
      }
    },
    '/authorities': async (s) => ({
      title: 'Authorities and trust bundle', section: 'authorities',
      body: authoritiesPage({
        x509: s.authorities.list('x509'), jwt: s.authorities.list('jwt'), roots: s.ctx.authority.bundle.certificates,
        federated: s.ctx.authority.federatedBundles.map((b) => ({ trustDomain: b.x509.trustDomain, roots: b.x509.authorities.length })),
      }),
    }),
  };

  const cache = new PageCache();
  const trustDomain = sources.ctx.authority.trustDomain;
  const renderPage = async (url: URL, nowMs: number): Promise<RenderedPage> => {
    const render = pages[url.pathname];
    const { title, section, body, status } = await (render
      ? render(sources, url.searchParams)
      : Promise.resolve({ title: 'Not found', section: undefined, body: problem('There is no such page.'), status: 404 })
    ).catch((err: unknown): Rendered => {
      const refused = refusalStatus(err);
      if (refused !== undefined) return { title: 'Refused', section: undefined, body: problem((err as TesseraError).message), status: refused };
      log.error({ err, path: url.pathname }, 'a console page failed');
      return { title: 'Internal error', section: undefined, body: problem('The page could not be read; the CA log says why.'), status: 500 };
    });
    return { status: status ?? 200, html: page({ title, section, trustDomain, nowMs, body }) };
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('the console is read-only\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://console');
    if (url.pathname === '/events') return events.serve(req, res);
    const script = SCRIPTS.get(url.pathname);
    if (script) return asset(res, 'text/javascript; charset=utf-8', script);
    if (url.pathname === '/assets/console.css') return asset(res, 'text/css; charset=utf-8', STYLESHEET);
    const nowMs = sources.ctx.clock.now();
    cache.get(url.pathname + url.search, sources.ctx.journal.head().seq, nowMs, () => renderPage(url, nowMs)).then(({ status, html }) => {
      res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : html);
    }, () => res.destroy());
  };
}

/** The status of a refusal the console shows with its message, undefined for any other failure. */
function refusalStatus(err: unknown): number | undefined {
  return err instanceof TesseraError ? CONSOLE_STATUS[err.code] : undefined;
}

function asset(res: ServerResponse, type: string, body: string | Buffer): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type }).end(body);
}

function required(q: URLSearchParams, name: string): string {
  const value = q.get(name);
  if (!value) throw new TesseraError('ERR_INVALID_ARGUMENT', `${name} is required`);
  return value;
}

async function figuresOf(sources: ConsoleSources): Promise<SafeHtml> {
  const { metrics } = sources;
  if (!metrics) return html``;
  const values: Array<[string, number]> = [];
  for (const [label, name] of FIGURES) {
    const metric = metrics.registry.getSingleMetric(name);
    if (metric) values.push([label, (await metric.get()).values.reduce((sum, v) => sum + v.value, 0)]);
  }
  return figures(values);
}
