/**
 * The upstreams of a route table, ready to forward to: a keep-alive agent each
 * and the credential the gateway attaches. Header secrets are read here, when
 * a table is (re)loaded, from a file or an environment variable; they live
 * only in this process and never reach an agent, a log or the audit log. An
 * mTLS upstream gets the gateway's own SVID on every new connection (so
 * rotation is picked up) and must present the configured SPIFFE ID.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { authorizeId } from '../agent-sdk/authorizer.js';
import type { X509BundleSource } from '../agent-sdk/bundle.js';
import { TesseraError } from '../agent-sdk/errors.js';
import type { X509SvidSource } from '../agent-sdk/svid.js';
import type { RouteTable, UpstreamConfig } from './config.js';
import { mtlsAgent } from './mtls-agent.js';

export interface Upstream {
  readonly url: URL;
  readonly agent: http.Agent;
  /** [header name, value]; the value is a secret. */
  readonly credential?: readonly [string, string];
}

/**
 * Opens every upstream of `table`.
 *
 * @throws {TesseraError} `ERR_CONFIG_INVALID` when a secret cannot be read (the message names the upstream, never the secret).
 * @example const upstreams = openUpstreams(table, source, process.env);
 */
export function openUpstreams(table: RouteTable, identity: X509SvidSource & X509BundleSource, env: NodeJS.ProcessEnv): Map<string, Upstream> {
  const opened = new Map<string, Upstream>();
  for (const [name, config] of table.upstreams) opened.set(name, openUpstream(name, config, identity, env));
  return opened;
}

/** Closes the idle connections of upstreams no longer in use (requests in flight finish). */
export function closeUpstreams(upstreams: ReadonlyMap<string, Upstream>): void {
  for (const upstream of upstreams.values()) upstream.agent.destroy();
}

function openUpstream(name: string, config: UpstreamConfig, identity: X509SvidSource & X509BundleSource, env: NodeJS.ProcessEnv): Upstream {
  const c = config.credential;
  if (c.kind === 'mtls') {
    return { url: config.url, agent: mtlsAgent(identity, identity, authorizeId(c.id)) };
  }
  const agent = config.url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  if (c.kind === 'none') return { url: config.url, agent };
  return { url: config.url, agent, credential: [c.header, c.prefix + readSecret(name, c.secretFile, c.secretEnv, env)] };
}

function readSecret(name: string, file: string | undefined, variable: string | undefined, env: NodeJS.ProcessEnv): string {
  let secret: string | undefined;
  try {
    secret = file !== undefined ? readFileSync(file, 'utf8').trim() : env[variable!];
  } catch {
    secret = undefined;
  }
  // A header value must not smuggle a line break into the upstream request.
  if (!secret || /[\r\n\0]/.test(secret)) throw new TesseraError('ERR_CONFIG_INVALID', `the secret of upstream ${name} is missing or not a header value`);
  return secret;
}
