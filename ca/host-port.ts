/**
 * Whether `value` is `host:port` with a port from 0 (any free one) to 65535,
 * an IPv6 host in brackets: what the CLI's and the gateway config's listen
 * addresses accept, checked before anything binds.
 *
 * @example isHostPort('127.0.0.1:9090') // true; isHostPort('localhost:70000') // false
 */
export function isHostPort(value: string): boolean {
  const port = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value)?.[2];
  return port !== undefined && Number(port) <= 65_535;
}
