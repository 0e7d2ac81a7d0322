import { isIP } from 'node:net';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';

/** The read-only web console (docs/console.md). */
export interface ConsoleConfig {
  /** host:port; port 0 picks one. Loopback only, unless `operators` names who may connect over mutual TLS. */
  readonly address: string;
  /**
   * SPIFFE IDs (of this trust domain) allowed to see the console. When set, the
   * console serves HTTPS with the CA's own SVID and requires a client SVID of one of them.
   */
  readonly operators: readonly string[];
  /** Open live-update streams (one per open page); beyond it a page gets 503 and no live updates. */
  readonly maxEventStreams: number;
}

export const CONSOLE_DEFAULTS = { maxEventStreams: 64 } as const;

/**
 * Whether `host` (as written in host:port, IPv6 in brackets) can only be
 * reached from this machine: localhost, 127.0.0.0/8 or ::1.
 *
 * @example isLoopbackHost('[::1]') // true
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return isIP(bare) === 6 && (bare === '::1' || bare === '0:0:0:0:0:0:0:1');
}

/**
 * The `console` section of the configuration, checked: every problem is
 * pushed to `problems` (validateConfig reports them together). A listener off
 * loopback without operators is one of them: the console never serves plain
 * HTTP beyond this machine.
 */
export function validateConsole(input: unknown, trustDomain: string, problems: string[]): ConsoleConfig | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) {
    problems.push('console: must be an object');
    return null;
  }
  const { address, operators = [], maxEventStreams = CONSOLE_DEFAULTS.maxEventStreams, ...rest } = input as Record<string, unknown>;
  for (const key of Object.keys(rest)) problems.push(`console.${key}: unknown setting`);
  const hostPort = typeof address === 'string' ? /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(address) : null;
  if (!hostPort || Number(hostPort[2]) > 65_535) problems.push('console.address: must be host:port with a port from 0 to 65535');
  const ids: string[] = [];
  if (!Array.isArray(operators)) problems.push('console.operators: must be a list of SPIFFE IDs');
  else {
    for (const id of operators) {
      try {
        const parsed = SpiffeId.parse(String(id));
        if (!parsed.memberOf(trustDomain)) throw new Error(`not of the trust domain ${trustDomain}`);
        ids.push(parsed.toString());
      } catch (err) {
        problems.push(`console.operators: ${String(id)}: ${(err as Error).message}`);
      }
    }
  }
  if (hostPort && !isLoopbackHost(hostPort[1]!) && Array.isArray(operators) && operators.length === 0) {
    problems.push(`console.address: ${String(address)} is not loopback; a console reachable from other machines needs console.operators (served over mutual TLS only)`);
  }
  if (!Number.isSafeInteger(maxEventStreams) || (maxEventStreams as number) < 1 || (maxEventStreams as number) > 100_000) {
    problems.push('console.maxEventStreams: must be an integer from 1 to 100000');
  }
  return { address: String(address), operators: ids, maxEventStreams: maxEventStreams as number };
}
