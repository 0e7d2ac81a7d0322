/**
 * Full mutual-TLS handshakes per second through the SDK helpers
 * (createMtlsServer + connectMtls: OpenSSL's chain check, then the X509-SVID
 * check and the authorizer on both sides) against raw node:tls with the same
 * certificates and the same TLS settings (client certificate required, no
 * session resumption), in the same process, alternating rounds. Plus the cost
 * of the SDK's per-connection peer check on its own.
 */
import { constants } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { authorizeId } from '../agent-sdk/authorizer.js';
import { systemClock } from '../agent-sdk/clock.js';
import { connectMtls, createMtlsServer, peerId } from '../agent-sdk/tls.js';
import { derToPem, verifyPeerCertificate } from '../agent-sdk/tls-material.js';
import type { BenchContext, BenchResult } from './bench.js';
import { row } from './report.js';
import { closedLoop, nowMs, timeSync } from './stats.js';
import { TRUST_DOMAIN, createBenchPki } from './svids.js';

/** Handshakes in flight at once; one process, so this only hides the loopback round trips. */
const IN_FLIGHT = 8;

export async function handshakesBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const roundMs = ctx.quick ? 1000 : 3000;
  const rounds = ctx.quick ? 2 : 3;
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
  const rawHandshake = () => {
    // The server's certificate names no host; raw node:tls can only skip the name check.
    const socket = tls.connect({ host: '127.0.0.1', port: rawPort, ...rawClientOptions, checkServerIdentity: () => undefined });
    return untilByte(socket);
  };

  try {
    const totals = { sdk: { n: 0, ms: 0, failures: 0 }, raw: { n: 0, ms: 0, failures: 0 } };
    const run = async (name: 'sdk' | 'raw', op: () => Promise<void>, ms: number) => {
      const started = nowMs();
      const result = await closedLoop(IN_FLIGHT, started + ms, op);
      totals[name].n += result.latenciesMs.length;
      totals[name].ms += nowMs() - started;
      totals[name].failures += result.failures;
      if (result.failures) ctx.log(`handshakes: ${name}: ${result.failures} failed, first: ${String(result.firstError)}`);
    };
    ctx.log('handshakes: warming up');
    await run('raw', rawHandshake, 300);
    await run('sdk', sdkHandshake, 300);
    Object.assign(totals, { sdk: { n: 0, ms: 0, failures: 0 }, raw: { n: 0, ms: 0, failures: 0 } });
    for (let i = 0; i < rounds; i++) {
      ctx.log(`handshakes: round ${i + 1} of ${rounds}`);
      await run('raw', rawHandshake, roundMs);
      await run('sdk', sdkHandshake, roundMs);
    }
    const rate = (t: { n: number; ms: number }) => (t.n * 1000) / t.ms;
    const sdkRate = rate(totals.sdk);
    const rawRate = rate(totals.raw);

    // The SDK's own per-connection work on the server side: read the peer chain from
    // the socket, verify it as an X509-SVID against the bundle, run the authorizer.
    const socket = await connectMtls({ host: '127.0.0.1', port: sdkPort }, client.source, pki.bundles, authorizeId(serverId), { revocations: null });
    const peerCert = socket.getPeerCertificate(true);
    const authorizer = authorizeId(serverId);
    const checkUs = timeSync(() => {
      verifyPeerCertificate(socket.getPeerCertificate(true), client.source, pki.bundles, authorizer, undefined, systemClock);
    }, ctx.quick ? 300 : 1000);
    const verifyOnlyUs = timeSync(() => {
      verifyPeerCertificate(peerCert, client.source, pki.bundles, authorizer, undefined, systemClock);
    }, ctx.quick ? 300 : 1000);
    socket.destroy();

    return {
      rows: [
        row({
          bench: 'handshakes', figure: 'mTLS handshakes/s, SDK', value: sdkRate, unit: '/s',
          reference: { name: 'raw node:tls', value: rawRate, unit: '/s' }, ratioTarget: { op: '>=', value: 0.9 },
          note: `client and server in one process, ${IN_FLIGHT} in flight; target: within 10% of raw`,
        }),
        row({
          bench: 'handshakes', figure: 'peer ID check per connection', value: checkUs, unit: 'µs', target: { op: '<=', value: 50 },
          note: `getPeerCertificate(true) + X509-SVID verification + authorizer; the verification alone ${verifyOnlyUs.toFixed(0)} µs`,
        }),
      ],
      details: { roundMs, rounds, inFlight: IN_FLIGHT, totals, sdkPerSecond: sdkRate, rawPerSecond: rawRate, peerCheckUs: checkUs, verifyOnlyUs },
    };
  } finally {
    await Promise.all([sdkServer, rawServer].map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
