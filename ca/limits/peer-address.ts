import { isIPv4, isIPv6 } from 'node:net';

/**
 * The rate-limit key of a caller on the public listener, from grpc-js's
 * `call.getPeer()` ("<address>:<port>"): an IPv4 address as is (an IPv4-mapped
 * IPv6 address too), an IPv6 address cut to its /64 prefix (one host usually
 * holds a whole /64, so keying by full address would let it take 2^64
 * buckets), and 'unknown' for anything else. The port is dropped: a client
 * gets a new one with every connection.
 *
 * @example addressKeyOf('[2001:db8::7]:4431') // '2001:db8:0:0::/64'; addressKeyOf('10.0.0.7:5000') // '10.0.0.7'
 */
export function addressKeyOf(peer: string): string {
  const host = hostOf(peer);
  if (isIPv4(host)) return host;
  if (!isIPv6(host)) return 'unknown';
  const groups = ipv6Groups(host);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

function hostOf(peer: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(peer);
  // grpc-js writes "<address>:<port>" (for IPv6 too, unbracketed: "::1:5000"), so a trailing ":digits" is the port.
  const host = bracketed ? bracketed[1]! : (/^(.*):\d{1,5}$/.exec(peer)?.[1] ?? peer);
  return host.split('%')[0]!;
}

/** The eight 16-bit groups of a valid IPv6 address (net.isIPv6 checked it). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}
