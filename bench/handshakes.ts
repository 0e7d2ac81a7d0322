/**
 * Full mutual-TLS handshakes per second through the SDK helpers
 * (createMtlsServer + connectMtls: OpenSSL's chain check, then the X509-SVID
 * check and the authorizer on both sides) against raw node:tls with the same
 * certificates and the same TLS settings (client certificate required, no
 * session resumption), in the same process, alternating rounds. The raw
 * reference shares one client SecureContext, as the SDK does; raw node:tls with
 * cert/key/ca passed to every tls.connect (a new context per connection, which
 * costs more than the handshake on OpenSSL 3.0) is shown too. Plus the cost of
 * the SDK's per-connection peer check on its own, for a returning peer and for a
 * new one.
 */
import { constants } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { authorizeId } from '../agent-sdk/authorizer.js';
import { systemClock } from '../agent-sdk/clock.js';
import { connectMtls, createMtlsServer, peerId } from '../agent-sdk/tls.js';
import { chainFromPeerCertificate, derToPem, restrictBundles, verifyPeerSocket } from '../agent-sdk/tls-material.js';
import { verifyX509Svid } from '../agent-sdk/verify.js';
import type { BenchContext, BenchResult } from './bench.js';
import { row } from './report.js';
import { closedLoop, cpuMicros, nowMs, timeSync } from './stats.js';
import { TRUST_DOMAIN, createBenchPki } from './svids.js';

/** Handshakes in flight at once; one process, so this only hides the loopback round trips. */
const IN_FLIGHT = 8;

export async function handshakesBenchmark(ctx: BenchContext): Promise<BenchResult> {
  // Many short rounds in alternating order (ABBA), so drift on a shared machine
  // (someone else's burst, a GC) does not land on one side only.
  const roundMs = ctx.quick ? 500 : 1000;
  const rounds = ctx.quick ? 4 : 8;
  const pki = await createBenchPki();
  const serverId = `spiffe://${TRUST_DOMAIN}/service/bench`;
  const clientId = `spiffe://${TRUST_DOMAIN}/agent/bench-orch/bench/00112233445566778899aabbccddeeff`;
  const server = pki.issue(serverId);
  const client = pki.issue(clientId);
  const noTickets = constants.SSL_OP_NO_TICKET;

  // The SDK: every connection is checked as an X509-SVID and authorized, both ways.
  const sdkServer = createMtlsServer(server.source, pki.bundles, authorizeId(clientId), { revocations: null }, (socket) => {
    if (peerId(socket)) socket.end('k');
  });
  // Raw node:tls: OpenSSL's chain check against the same roots, nothing else.
  const pem = (svid: typeof server.svid) => ({
    cert: svid.certificates.map(derToPem).join(''), key: svid.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
  });
  const ca = pki.bundle.toPem();
  const rawServer = tls.createServer({
    ...pem(server.svid), ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', secureOptions: noTickets,
  }, (socket) => socket.end('k'));
  const listen = (s: tls.Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  const [sdkPort, rawPort] = [await listen(sdkServer), await listen(rawServer)];
  const rawClientOptions = { ...pem(client.svid), ca, rejectUnauthorized: true, minVersion: 'TLSv1.2' as const, secureOptions: noTickets };
  const rawContext = tls.createSecureContext(rawClientOptions);

  const untilByte = (socket: tls.TLSSocket) => new Promise<void>((resolve, reject) => {
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
  const sdkHandshake = async () => {
    const socket = await connectMtls({ host: '127.0.0.1', port: sdkPort }, client.source, pki.bundles, authorizeId(serverId), { revocations: null });
    await untilByte(socket);
  };
  // The server's certificate names no host; raw node:tls can only skip the name check.
  const rawHandshake = () => untilByte(tls.connect({
    host: '127.0.0.1', port: rawPort, secureContext: rawContext, rejectUnauthorized: true, checkServerIdentity: () => undefined,
  }));
  const rawPerConnectionHandshake = () => untilByte(tls.connect({
    host: '127.0.0.1', port: rawPort, ...rawClientOptions, checkServerIdentity: () => undefined,
  }));

  try {
    const arm = () => ({ n: 0, ms: 0, cpuUs: 0, failures: 0 });
    const fresh = () => ({ sdk: arm(), raw: arm(), rawPerConnection: arm() });
    const totals = fresh();
    const run = async (name: keyof typeof totals, op: () => Promise<void>, ms: number) => {
      const started = nowMs();
      const cpuBefore = cpuMicros();
      const result = await closedLoop(IN_FLIGHT, started + ms, op);
      totals[name].cpuUs += cpuMicros() - cpuBefore;
      totals[name].n += result.latenciesMs.length;
      totals[name].ms += nowMs() - started;
      totals[name].failures += result.failures;
      if (result.failures) ctx.log(`handshakes: ${name}: ${result.failures} failed, first: ${String(result.firstError)}`);
    };
    ctx.log('handshakes: warming up');
    await run('raw', rawHandshake, 300);
    await run('sdk', sdkHandshake, 300);
    await run('rawPerConnection', rawPerConnectionHandshake, 300);
    Object.assign(totals, fresh());
    for (let i = 0; i < rounds; i++) {
      ctx.log(`handshakes: round ${i + 1} of ${rounds}`);
      const pair: [keyof typeof totals, () => Promise<void>][] = [['raw', rawHandshake], ['sdk', sdkHandshake]];
      for (const [name, op] of i % 2 ? pair.reverse() : pair) await run(name, op, roundMs);
    }
    // Apart from the comparison: a context per connection leaves native garbage behind
    // that would be collected during whichever arm came next.
    await run('rawPerConnection', rawPerConnectionHandshake, roundMs * 2);
    const rate = (t: { n: number; ms: number }) => (t.n * 1000) / t.ms;
    // Handshakes per second of this process's CPU: what one core does, whatever else
    // the machine was doing during either arm.
    const perCpuSecond = (t: { n: number; cpuUs: number }) => (t.n * 1e6) / t.cpuUs;
    const sdkRate = rate(totals.sdk);
    const rawRate = rate(totals.raw);
    const rawPerConnectionRate = rate(totals.rawPerConnection);
    const sdkPerCpu = perCpuSecond(totals.sdk);
    const rawPerCpu = perCpuSecond(totals.raw);

    // The SDK's own per-connection work, as the server does it: a returning peer is
    // recognised from its leaf; a new one costs Node's chain object and a full verification.
    const socket = await connectMtls({ host: '127.0.0.1', port: sdkPort }, client.source, pki.bundles, authorizeId(serverId), { revocations: null });
    const authorizer = authorizeId(serverId);
    const returningUs = timeSync(() => {
      verifyPeerSocket(socket, client.source, pki.bundles, authorizer, undefined, systemClock);
    }, ctx.quick ? 300 : 1000);
    const bundles = restrictBundles(pki.bundles, [TRUST_DOMAIN]);
    const newPeerUs = timeSync(() => {
      verifyX509Svid(chainFromPeerCertificate(socket.getPeerCertificate(true)), bundles);
    }, ctx.quick ? 300 : 1000);
    socket.destroy();

    return {
      rows: [
        row({
          bench: 'handshakes', figure: 'mTLS handshakes per CPU-second, SDK', value: sdkPerCpu, unit: '/s',
          reference: { name: 'raw node:tls, shared context', value: rawPerCpu, unit: '/s' }, ratioTarget: { op: '>=', value: 0.9 },
          note: `both sides of each handshake in one process, ${IN_FLIGHT} in flight, the same peers each time; `
            + `by the wall clock ${sdkRate.toFixed(0)}/s against ${rawRate.toFixed(0)}/s; target: within 10% of raw`,
        }),
        row({
          bench: 'handshakes', figure: 'raw node:tls, cert/key/ca on every connect', value: rawPerConnectionRate, unit: '/s',
          note: 'what passing certificate options to each tls.connect costs: a new SecureContext per connection',
        }),
        row({
          bench: 'handshakes', figure: 'peer ID check, returning peer', value: returningUs, unit: 'µs', target: { op: '<', value: 50 },
          note: 'server side: leaf from the socket, remembered path (exact leaf, same bundle object, still valid), authorizer',
        }),
        row({
          bench: 'handshakes', figure: 'peer ID check, first connection of a peer', value: newPeerUs, unit: 'µs',
          note: 'getPeerCertificate(true) and a full X509-SVID verification: two ECDSA signature checks',
        }),
      ],
      details: {
        roundMs, rounds, inFlight: IN_FLIGHT, totals, sdkPerSecond: sdkRate, rawPerSecond: rawRate, rawPerConnectionPerSecond: rawPerConnectionRate,
        sdkPerCpuSecond: sdkPerCpu, rawPerCpuSecond: rawPerCpu,
        peerCheckReturningUs: returningUs, peerCheckNewUs: newPeerUs,
      },
    };
  } finally {
    await Promise.all([sdkServer, rawServer].map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
