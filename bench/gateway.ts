/**
 * What the gateway adds to one request of a returning agent (its mTLS
 * connection open, its task token cached): the same GET to the same upstream,
 * directly (plain HTTP keep-alive, the upstream's secret in the request) and
 * through the gateway (mTLS keep-alive, bound token validated, route and
 * lineage checked, decision audited durably, forwarded with the secret), one
 * request at a time, in alternating rounds (ABBA) in the same process. A real
 * CA in process issues the identities and tokens. CPU is this whole process
 * (agent, gateway and upstream): the added CPU per request is the difference
 * between the two sides, so it also holds the agent's own TLS work.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizeId } from '../agent-sdk/authorizer.js';
import { systemClock } from '../agent-sdk/clock.js';
import { JwtSvidSource } from '../agent-sdk/jwt-source.js';
import { Orchestrator } from '../agent-sdk/orchestrator.js';
import { X509Source } from '../agent-sdk/x509-source.js';
import { AdminClient } from '../ca/admin-client.js';
import { validateConfig } from '../ca/config.js';
import { silentLogger } from '../ca/log.js';
import { CaServer } from '../ca/server.js';
import { validateGatewayConfig } from '../gateway/config.js';
import { Gateway } from '../gateway/gateway.js';
import { mtlsAgent } from '../gateway/mtls-agent.js';
import { joinTokenClient } from '../node-attestor/join-token/client.js';
import type { BenchContext, BenchResult } from './bench.js';
import { row } from './report.js';
import { cpuMicros, nowMs, quantile } from './stats.js';

const SECRET = 'bench-upstream-secret';

export async function gatewayBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const rounds = ctx.quick ? 4 : 8;
  const perRound = ctx.quick ? 150 : 400;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-gateway-'));
  const policyFile = join(dir, 'policy.json');
  await writeFile(policyFile, JSON.stringify({ orchestrators: { orch: { tasks: ['bench'], scopes: ['search:query'] } } }));
  const ca = await CaServer.start(validateConfig({ dataDir: join(dir, 'ca'), publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0', policyFile }), {
    clock: systemClock, log: silentLogger,
  });
  const admin = new AdminClient(ca.adminSocket);
  const endpoints = { address: ca.publicAddress, mtlsAddress: ca.mtlsAddress };
  const bundle = ca.authority.bundle;
  const attest = async (name: string) => joinTokenClient((await admin.createJoinToken({ orchestrator: name })).token);
  const upstream = http.createServer((req, res) => res.end(req.headers.authorization === `Bearer ${SECRET}` ? 'ok' : 'no'));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const gatewaySource = await X509Source.fromAttestation({ attestor: await attest('gateway'), endpoints, bundle });
  const gateway = await Gateway.start(validateGatewayConfig({
    listen: '127.0.0.1:0', ca: { ...endpoints, bundleFile: 'unused' }, identity: { name: 'gateway', joinTokenEnv: 'unused' },
    dataDir: join(dir, 'gateway'),
    upstreams: { tool: { url: upstreamUrl, credential: { kind: 'header', header: 'authorization', secretEnv: 'SECRET' } } },
    routes: [{ name: 'search', methods: ['GET'], path: '/search/*', upstream: 'tool', scope: 'search:query', lineage: { sponsor: 'user:bench', maxDepth: 2 } }],
  }), { identity: gatewaySource, log: silentLogger, env: { SECRET } });
  const orchestrator = await Orchestrator.attest({ attestor: await attest('orch'), endpoints, bundle });
  const agent = await X509Source.fromEnv({ ...(await orchestrator.spawn('bench', { sponsor: 'user:bench', scopes: ['search:query'] })).env });
  // The same plain node:http client on both sides, so the difference is the gateway's (and the agent's TLS).
  const tokens = new JwtSvidSource(agent);
  const gatewayAgent = mtlsAgent(agent, agent, authorizeId(gateway.id));
  const directAgent = new http.Agent({ keepAlive: true });
  const get = (url: string, options: https.RequestOptions) => new Promise<string>((resolve, reject) => {
    (url.startsWith('https:') ? https : http).get(url, options, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  const direct = () => get(`${upstreamUrl}/search/q`, { agent: directAgent, headers: { authorization: `Bearer ${SECRET}` } });
  const gatewayCall = async () => {
    const { token } = await tokens.fetchJwtSvid({ audience: gateway.audience, scopes: ['search:query'] });
    return get(`https://${gateway.address}/search/q`, { agent: gatewayAgent, headers: { authorization: `Bearer ${token}` } });
  };

  const sides = { direct: { latencies: [] as number[], cpuUs: 0, n: 0 }, gateway: { latencies: [] as number[], cpuUs: 0, n: 0 } };
  const run = async (side: keyof typeof sides, call: () => Promise<string>) => {
    const s = sides[side];
    const cpuBefore = cpuMicros();
    for (let i = 0; i < perRound; i++) {
      const started = nowMs();
      if ((await call()) !== 'ok') throw new Error(`${side}: the upstream refused the request`);
      s.latencies.push(nowMs() - started);
    }
    s.cpuUs += cpuMicros() - cpuBefore;
    s.n += perRound;
  };
  try {
    // Warm-up: the connection, the token, the remembered peer path, JIT.
    for (let i = 0; i < 50; i++) await Promise.all([direct(), gatewayCall()]);
    for (let r = 0; r < rounds; r++) {
      const order: (keyof typeof sides)[] = r % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct'];
      for (const side of order) await run(side, side === 'direct' ? direct : gatewayCall);
      ctx.log(`gateway: round ${r + 1}/${rounds}`);
    }
  } finally {
    gatewayAgent.destroy();
    directAgent.destroy();
    agent.close();
    orchestrator.close();
    await gateway.close();
    gatewaySource.close();
    upstream.close();
    admin.close();
    await ca.close();
    await rm(dir, { recursive: true, force: true });
  }
  const p50 = (side: keyof typeof sides) => quantile(sides[side].latencies, 0.5);
  const p99 = (side: keyof typeof sides) => quantile(sides[side].latencies, 0.99);
  const cpuPer = (side: keyof typeof sides) => sides[side].cpuUs / sides[side].n;
  const addedP50 = p50('gateway') - p50('direct');
  const addedCpuUs = cpuPer('gateway') - cpuPer('direct');
  // "5 % CPU" read as: the share of one core the gateway's added work takes at 100 requests/s (a busy agent).
  const cpuShare = (addedCpuUs * 100) / 1e6 * 100;
  return {
    rows: [
      row({ bench: 'gateway', figure: 'added latency p50, returning agent', value: addedP50, unit: 'ms', target: { op: '<=', value: 1 },
        reference: { name: 'direct p50', value: p50('direct'), unit: 'ms' }, note: 'includes the durable (fsynced) audit record before forwarding' }),
      row({ bench: 'gateway', figure: 'added latency p99, returning agent', value: p99('gateway') - p99('direct'), unit: 'ms' }),
      row({ bench: 'gateway', figure: 'added CPU per request', value: addedCpuUs, unit: 'µs',
        reference: { name: 'direct CPU per request', value: cpuPer('direct'), unit: 'µs' } }),
      row({ bench: 'gateway', figure: 'added CPU, share of one core at 100 req/s', value: cpuShare, unit: '%', target: { op: '<=', value: 5 },
        note: 'at 100 requests/s' }),
    ],
    details: {
      requestsPerSide: sides.direct.n, p50Ms: { direct: p50('direct'), gateway: p50('gateway') }, p99Ms: { direct: p99('direct'), gateway: p99('gateway') },
      cpuUsPerRequest: { direct: cpuPer('direct'), gateway: cpuPer('gateway') },
    },
  };
}
