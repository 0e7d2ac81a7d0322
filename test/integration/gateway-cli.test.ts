import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { X509Source } from '../../agent-sdk/x509-source.js';
import { gatewayFetch } from '../../gateway/agent-fetch.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { TESSERA_MAIN, tessera } from '../helpers/ca-process.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('tessera gateway (the built command)', () => {
  it('ok: serves an agent with the config file\'s routes, stops on SIGTERM, and audit verify --gateway checks its log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-gateway-cli-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ orchestrators: { orch: { tasks: ['task-*'], scopes: ['search:query'] } } }));
    const t: TestCa = await startTestCa({ config: { policyFile } });
    cleanups.push(() => t.close());
    await writeFile(join(dir, 'bundle.pem'), t.ca.authority.bundle.toPem());
    await writeFile(join(dir, 'join-token'), (await t.admin.createJoinToken({ orchestrator: 'gateway' })).token);
    const upstream = (await import('node:http')).createServer((req, res) => res.end(`upstream saw ${req.headers['x-tessera-agent-id']}`));
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    cleanups.push(() => void upstream.close());
    const configFile = join(dir, 'gateway.json');
    await writeFile(configFile, JSON.stringify({
      listen: '127.0.0.1:0',
      ca: { address: t.endpoints.address, mtlsAddress: t.endpoints.mtlsAddress, bundleFile: join(dir, 'bundle.pem') },
      identity: { name: 'gateway', joinTokenFile: join(dir, 'join-token') },
      dataDir: join(dir, 'gateway-data'),
      upstreams: { tool: { url: `http://127.0.0.1:${(upstream.address() as { port: number }).port}` } },
      routes: [{ name: 'search', methods: ['GET'], path: '/search', upstream: 'tool', scope: 'search:query' }],
    }));

    const child = spawn(process.execPath, [TESSERA_MAIN, 'gateway', '--config', configFile, '--metrics-listen', '127.0.0.1:0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const started = JSON.parse(line) as { listen: string; spiffeId: string; audience: string; metrics: string };
    expect(started.spiffeId).toBe('spiffe://tessera.local/orchestrator/gateway');

    const orchestrator = await Orchestrator.attest({
      attestor: joinTokenClient((await t.admin.createJoinToken({ orchestrator: 'orch' })).token), endpoints: t.endpoints, bundle: t.ca.authority.bundle,
    });
    cleanups.push(() => orchestrator.close());
    const agent = await X509Source.fromEnv({ ...(await orchestrator.spawn('task-1', { sponsor: 'user:alice', scopes: ['search:query'] })).env });
    cleanups.push(() => agent.close());
    const fetch = gatewayFetch(agent, { gatewayId: started.spiffeId, scopes: ['search:query'] });
    cleanups.push(fetch.close);
    const res = await fetch(`https://${started.listen}/search`);
    expect(await res.text()).toBe(`upstream saw ${agent.getX509Svid().id}`);
    expect((await fetch(`https://${started.listen}/other`)).status).toBe(403);
    fetch.close();
    // --metrics-listen serves the gateway's metrics, which counted both decisions.
    const metrics = await (await globalThis.fetch(`http://${started.metrics}/metrics`)).text();
    expect(metrics).toContain('tessera_gateway_decisions_total{operation="gateway.request",outcome="allowed",reason="",route="search"} 1');
    expect(metrics).toContain('tessera_gateway_decisions_total{operation="gateway.request",outcome="denied",reason="ERR_NO_ROUTE",route=""} 1');

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    const verified = await tessera('audit', 'verify', '--gateway', configFile);
    expect(verified.stdout).toMatch(/^gateway audit log OK: 2 records, 1 signed checkpoints/);
    expect(verified.code).toBe(0);
  });
});
