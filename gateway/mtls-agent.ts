/**
 * A keep-alive https.Agent whose every new connection presents the current
 * SVID (read when the connection opens, so rotation is picked up) and accepts
 * only a server the authorizer admits (SDK `mtlsClientOptions`: X509-SVID
 * check, no session resumption). Used by the gateway towards mTLS upstreams and
 * by agents towards the gateway.
 */
import https from 'node:https';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { Authorizer } from '../agent-sdk/authorizer.js';
import type { X509BundleSource } from '../agent-sdk/bundle.js';
import type { X509SvidSource } from '../agent-sdk/svid.js';
import { mtlsClientOptions } from '../agent-sdk/tls.js';

/** @example https.request(url, { agent: mtlsAgent(source, source, authorizeId(serverId)) }) */
export function mtlsAgent(svid: X509SvidSource, bundle: X509BundleSource, authorizer: Authorizer): https.Agent {
  const agent = new https.Agent({ keepAlive: true });
  agent.createConnection = ({ servername, ...options }: tls.ConnectionOptions) => tls.connect({
    ...options,
    // SNI carries host names only (RFC 6066 3); the server is identified by its SPIFFE ID, not by name.
    ...(servername && !isIP(servername) && { servername }),
    ...mtlsClientOptions(svid, bundle, authorizer),
  });
  return agent;
}
