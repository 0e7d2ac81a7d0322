/**
 * A gateway in front of real upstreams, with a real CA: the CA on a fresh
 * `level` directory, the gateway attested as orchestrator `gateway` with a
 * join token, an HTTP upstream that echoes what reached it, the example MCP
 * server, and agents of orchestrator `orch` activated from real spawn tickets.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delegateToSubAgent } from '../../agent-sdk/delegation.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { X509Source } from '../../agent-sdk/x509-source.js';
import { AUDIT_PREFIX, type AuditRecord, parseRecord, prefixRange } from '../../ca/audit/record.js';
import { type Logger, silentLogger } from '../../ca/log.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { type McpToolServer, startMcpToolServer } from '../../examples/mcp-tools.js';
import { validateGatewayConfig } from '../../gateway/config.js';
import { Gateway } from '../../gateway/gateway.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { type TestCa, startTestCa } from './ca-server.js';

export const HTTP_SECRET = 'http-upstream-secret-7f3a';
export const MCP_SECRET = 'mcp-upstream-secret-91bc';

/** What the echo upstream saw of one request. */
export interface Echo {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
}

export interface GatewayWorld {
  t: TestCa;
  gateway: Gateway;
  gatewaySource: X509Source;
  orchestrator: Orchestrator;
  echoUrl: string;
  echoes: Echo[];
  mcp: McpToolServer;
  dir: string;
  /** The config file the gateway was started from (rewrite it and call gateway.reload). */
  configFile: string;
  /** The raw config object, to modify for reloads. */
  rawConfig: Record<string, unknown>;
  /** An agent of task `task` with `scopes`, from a real spawn ticket. */
  agent(scopes: string[], task?: string): Promise<X509Source>;
  /** A sub-agent of `parent` with `scopes`. */
  subAgent(parent: X509Source, scopes: string[]): Promise<X509Source>;
  /** Stops the gateway and reads its audit records (LevelDB allows one opener). */
  auditRecords(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

/** The routes the tests use; `extra` is appended. */
export function worldRoutes(extra: unknown[] = []): unknown[] {
  return [
    { name: 'search-get', host: 'tools.local', methods: ['GET'], path: '/search/**', upstream: 'echo', scope: 'search:query' },
    { name: 'files-write', host: 'tools.local', methods: ['PUT', 'POST'], path: '/files/*', upstream: 'echo', scope: 'write:files:*' },
    { name: 'files-delete', host: 'tools.local', methods: ['DELETE'], path: '/files/*', upstream: 'echo', scope: 'files:delete' },
    { name: 'shallow', host: 'tools.local', methods: ['GET'], path: '/shallow', upstream: 'echo', scope: 'search:query', lineage: { maxDepth: 0 } },
    { name: 'for-bob', host: 'tools.local', methods: ['GET'], path: '/bob', upstream: 'echo', scope: 'search:query', lineage: { sponsor: 'user:bob' } },
    { name: 'mcp-stream', methods: ['GET', 'DELETE'], path: '/mcp', upstream: 'mcp' },
    { name: 'mcp-session', methods: ['POST'], path: '/mcp', upstream: 'mcp', jsonRpc: { method: 'initialize' } },
    { name: 'mcp-initialized', methods: ['POST'], path: '/mcp', upstream: 'mcp', jsonRpc: { method: 'notifications/initialized' } },
    { name: 'mcp-list', methods: ['POST'], path: '/mcp', upstream: 'mcp', jsonRpc: { method: 'tools/list' } },
    { name: 'mcp-search', methods: ['POST'], path: '/mcp', upstream: 'mcp', jsonRpc: { method: 'tools/call', tool: 'search' }, scope: 'search:query' },
    { name: 'mcp-delete', methods: ['POST'], path: '/mcp', upstream: 'mcp', jsonRpc: { method: 'tools/call', tool: 'delete_file' }, scope: 'files:delete' },
    ...extra,
  ];
}

export async function startGatewayWorld(options: { limits?: Record<string, unknown>; upstreamUrl?: string; log?: Logger } = {}): Promise<GatewayWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-gateway-'));
  const policyFile = join(dir, 'policy.json');
  await writeFile(policyFile, JSON.stringify({
    orchestrators: { orch: { tasks: ['task-*'], scopes: ['search:query', 'files:delete', 'write:files:*'], maxDelegationDepth: 3 } },
  }));
  const t = await startTestCa({ config: { policyFile } });
  const endpoints = t.endpoints;
  const bundle = t.ca.authority.bundle;
  const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient((await t.admin.createJoinToken({ orchestrator: 'orch' })).token), endpoints, bundle });
  const gatewaySource = await X509Source.fromAttestation({
    attestor: joinTokenClient((await t.admin.createJoinToken({ orchestrator: 'gateway' })).token), endpoints, bundle,
  });

  const echoes: Echo[] = [];
  const echo = http.createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (c: Buffer) => (bodyBytes += c.length));
    req.on('end', () => {
      const seen = { method: req.method!, url: req.url!, headers: req.headers, bodyBytes };
      echoes.push(seen);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, bodyBytes }));
    });
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  const mcp = await startMcpToolServer(MCP_SECRET);

  await writeFile(join(dir, 'http-secret'), `${HTTP_SECRET}\n`, { mode: 0o600 });
  const rawConfig: Record<string, unknown> = {
    listen: '127.0.0.1:0',
    ca: { address: endpoints.address, mtlsAddress: endpoints.mtlsAddress, bundleFile: join(dir, 'bundle.pem') },
    identity: { name: 'gateway', joinTokenEnv: 'UNUSED_IN_TESTS' },
    dataDir: join(dir, 'gateway'),
    checkpoint: { everyRecords: 5, everyMs: 60_000 },
    metricsListen: '127.0.0.1:0',
    upstreams: {
      echo: { url: options.upstreamUrl ?? echoUrl, credential: { kind: 'header', header: 'authorization', secretFile: join(dir, 'http-secret') } },
      mcp: { url: mcp.url, credential: { kind: 'header', header: 'authorization', secretEnv: 'MCP_SECRET' } },
    },
    routes: worldRoutes(),
    ...(options.limits && { limits: options.limits }),
  };
  const configFile = join(dir, 'gateway.json');
  await writeFile(configFile, JSON.stringify(rawConfig));
  const gateway = await Gateway.start(validateGatewayConfig(rawConfig), {
    identity: gatewaySource, log: options.log ?? silentLogger, env: { MCP_SECRET },
  });

  const agents: X509Source[] = [];
  const fromSpawn = async (env: Readonly<Record<string, string>>) => {
    const source = await X509Source.fromEnv({ ...env });
    agents.push(source);
    return source;
  };
  return {
    t, gateway, gatewaySource, orchestrator, echoUrl, echoes, mcp, dir, configFile, rawConfig,
    agent: async (scopes, task = 'task-1') => fromSpawn((await orchestrator.spawn(task, { sponsor: 'user:alice', scopes })).env),
    subAgent: async (parent, scopes) => fromSpawn((await delegateToSubAgent(parent, { scopes })).env),
    async auditRecords() {
      await gateway.close();
      const store = await LevelStore.create(join(dir, 'gateway', 'audit'));
      try {
        const records: AuditRecord[] = [];
        for await (const [, value] of store.entries(prefixRange(AUDIT_PREFIX))) records.push(parseRecord(value));
        return records;
      } finally {
        await store.close();
      }
    },
    async close() {
      agents.forEach((a) => a.close());
      await gateway.close();
      gatewaySource.close();
      orchestrator.close();
      await mcp.close();
      echo.closeAllConnections();
      echo.close();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
