/**
 * The `federation` section of the CA's configuration: the trust domains it
 * federates with, each from its https_web bundle endpoint (fetched, then
 * refreshed at its hint) or from a SPIFFE bundle file (read at every start).
 * The CA applies it at start (FederatedBundles.applyConfig): entries set with
 * `tessera bundle set` stay as they are, and a trust domain removed from the
 * file is no longer trusted.
 *
 *   "federation": [
 *     { "trustDomain": "partner.example", "bundleEndpointUrl": "https://partner.example/bundle" },
 *     { "trustDomain": "lab.internal", "bundleFile": "/etc/tessera/lab.bundle.json" }
 *   ]
 */
import { parseTrustDomain } from '../../agent-sdk/spiffe-id.js';

/** One federated trust domain as configured: exactly one of the endpoint URL and the file. */
export type FederationEntry =
  | { readonly trustDomain: string; readonly bundleEndpointUrl: string }
  | { readonly trustDomain: string; readonly bundleFile: string };

/**
 * Reads the `federation` section, appending what is wrong to `problems`
 * (config.ts reports every problem at once). Never throws.
 *
 * @example const federation = parseFederationConfig(input.federation, problems);
 */
export function parseFederationConfig(input: unknown, problems: string[]): FederationEntry[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) {
    problems.push('federation: must be a list of { trustDomain, bundleEndpointUrl | bundleFile }');
    return [];
  }
  const entries: FederationEntry[] = [];
  const seen = new Set<string>();
  input.forEach((raw: unknown, i) => {
    const name = `federation[${i}]`;
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const unknown = Object.keys(entry).filter((k) => !['trustDomain', 'bundleEndpointUrl', 'bundleFile'].includes(k));
    if (unknown.length) problems.push(`${name}: unknown key ${unknown.join(', ')}`);
    let trustDomain: string;
    try {
      trustDomain = parseTrustDomain(String(entry.trustDomain ?? ''));
    } catch {
      problems.push(`${name}.trustDomain: must be a trust domain name such as "partner.example"`);
      return;
    }
    if (seen.has(trustDomain)) problems.push(`${name}.trustDomain: ${trustDomain} is listed twice`);
    seen.add(trustDomain);
    const { bundleEndpointUrl: url, bundleFile: file } = entry;
    if ((url === undefined) === (file === undefined)) problems.push(`${name}: give bundleEndpointUrl or bundleFile, one of them`);
    else if (url !== undefined && (typeof url !== 'string' || !url.startsWith('https://'))) problems.push(`${name}.bundleEndpointUrl: must be an https URL (the https_web profile)`);
    else if (file !== undefined && (typeof file !== 'string' || file === '')) problems.push(`${name}.bundleFile: must be a path`);
    else entries.push(url !== undefined ? { trustDomain, bundleEndpointUrl: url as string } : { trustDomain, bundleFile: file as string });
  });
  return entries;
}
