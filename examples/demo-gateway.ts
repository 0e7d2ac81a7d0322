// npm run demo:gateway: the agent gateway in front of an MCP server. A CA on a
// fresh `level` directory; the gateway attested as orchestrator `gateway`; the
// example MCP server behind it, holding a secret only the gateway knows. An
// agent with a task token for search:query calls `search` and is refused
// `delete_file` (files:delete); a sub-agent with narrower scopes is refused what
// its parent could do; a revoked agent is cut off mid-session. Then the
// gateway's own audit log, verified against the trust bundle.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Orchestrator, X509Source, delegateToSubAgent, isTesseraError, systemClock } from '../agent-sdk/index.js';
import { joinTokenClient } from '../node-attestor/index.js';
import { AdminClient, CaServer, createLogger, validateConfig } from '../ca/index.js';
import { AUDIT_PREFIX, parseRecord, prefixRange } from '../ca/audit/record.js';
import { verifyAudit } from '../ca/audit/verify.js';
import { LevelStore } from '../ca/store/level-store.js';
import { gatewayFetch } from '../gateway/agent-fetch.js';
import { validateGatewayConfig } from '../gateway/config.js';
import { Gateway } from '../gateway/gateway.js';
import { startMcpToolServer } from './mcp-tools.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const deadline = setTimeout(() => {
  say('demo:gateway: did not finish within 60 s');
  process.exit(1);
}, 60_000);

const dataDir = await mkdtemp(join(tmpdir(), 'tessera-demo-gateway-'));
const policyFile = join(dataDir, 'policy.json');
await writeFile(policyFile, JSON.stringify({
  orchestrators: { 'demo-orch': { tasks: ['research-*'], scopes: ['search:query', 'files:delete'], maxDelegationDepth: 2 } },
}));
const ca = await CaServer.start(validateConfig({ dataDir, publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0', policyFile }), {
  clock: systemClock, log: createLogger('warn'),
});
const admin = new AdminClient(ca.adminSocket);
const endpoints = { address: ca.publicAddress, mtlsAddress: ca.mtlsAddress };
const bundle = ca.authority.bundle;
const attest = async (name: string) => joinTokenClient((await admin.createJoinToken({ orchestrator: name })).token);

// 1. The MCP server, and the gateway in front of it with the server's secret.
const secret = `mcp-${Math.random().toString(36).slice(2)}`;
const mcp = await startMcpToolServer(secret);
const gatewaySource = await X509Source.fromAttestation({ attestor: await attest('gateway'), endpoints, bundle });
const mcpRoute = (name: string, jsonRpc: object, scope?: string) => ({ name, methods: ['POST'], path: '/mcp', upstream: 'tools', jsonRpc, ...(scope && { scope }) });
const gateway = await Gateway.start(validateGatewayConfig({
  listen: '127.0.0.1:0',
  ca: { ...endpoints, bundleFile: 'unused' },
  identity: { name: 'gateway', joinTokenEnv: 'unused' },
  dataDir: join(dataDir, 'gateway'),
  upstreams: { tools: { url: mcp.url, credential: { kind: 'header', header: 'authorization', secretEnv: 'MCP_SECRET' } } },
  routes: [
    { name: 'mcp-stream', methods: ['GET', 'DELETE'], path: '/mcp', upstream: 'tools' },
    mcpRoute('mcp-initialize', { method: 'initialize' }),
    mcpRoute('mcp-initialized', { method: 'notifications/initialized' }),
    mcpRoute('mcp-list', { method: 'tools/list' }),
    mcpRoute('mcp-search', { method: 'tools/call', tool: 'search' }, 'search:query'),
    mcpRoute('mcp-delete', { method: 'tools/call', tool: 'delete_file' }, 'files:delete'),
  ],
}), { identity: gatewaySource, log: createLogger('warn'), env: { MCP_SECRET: secret } });
say(`gateway: ${gateway.id} on ${gateway.address}, MCP server ${mcp.url} behind it`);

// 2. Agents: an MCP client session each, through the gateway over mTLS, with task tokens for `scopes`.
const orchestrator = await Orchestrator.attest({ attestor: await attest('demo-orch'), endpoints, bundle });
const sessions: { client: Client; close(): void }[] = [];
async function session(agent: X509Source, scopes: string[]): Promise<Client> {
  const fetch = gatewayFetch(agent, { gatewayId: gateway.id, scopes });
  const client = new Client({ name: 'demo-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`https://${gateway.address}/mcp`), { fetch }));
  sessions.push({ client, close: fetch.close });
  return client;
}
async function call(who: string, client: Client, tool: string, args: Record<string, string>): Promise<boolean> {
  try {
    const result = await client.callTool({ name: tool, arguments: args });
    say(`${who}: ${tool} -> ${(result.content as { text: string }[])[0]!.text}`);
    return true;
  } catch (err) {
    const code = /ERR_[A-Z_]+/.exec(String((err as Error).message))?.[0] ?? (isTesseraError(err) ? err.code : 'its connection was closed by the gateway');
    say(`${who}: ${tool} refused: ${code}`);
    return false;
  }
}
const agentOf = async (scopes: string[]) =>
  X509Source.fromEnv({ ...(await orchestrator.spawn('research-1', { sponsor: 'user:alice', scopes })).env });

const agent = await agentOf(['search:query', 'files:delete']);
say(`agent: ${agent.getX509Svid().id}, task scopes search:query files:delete, task token for search:query only`);
const agentSession = await session(agent, ['search:query']);
const checks: boolean[] = [];
checks.push(await call('agent', agentSession, 'search', { query: 'quarterly report' }));
checks.push(!(await call('agent', agentSession, 'delete_file', { path: '/reports/q3.pdf' })));

// 3. Delegation: the parent may delete with a files:delete token; its sub-agent, given search:query only, may not.
const parentSession = await session(agent, ['files:delete']);
checks.push(await call('parent', parentSession, 'delete_file', { path: '/tmp/scratch' }));
const child = await X509Source.fromEnv({ ...(await delegateToSubAgent(agent, { scopes: ['search:query'] })).env });
say(`sub-agent: ${child.getX509Svid().id}, delegated search:query`);
const childSession = await session(child, ['search:query']);
checks.push(await call('sub-agent', childSession, 'search', { query: 'q3' }));
checks.push(!(await call('sub-agent', childSession, 'delete_file', { path: '/reports/q3.pdf' })));
try {
  await session(child, ['files:delete']);
  say('sub-agent: ERROR: got a files:delete token');
  checks.push(false);
} catch (err) {
  say(`sub-agent: the CA refuses it a files:delete token: ${isTesseraError(err) ? err.code : String(err)}`);
}

// 4. Revocation mid-session: the open connection is closed as the entry arrives; new ones are refused.
const rogue = await agentOf(['search:query']);
const rogueSession = await session(rogue, ['search:query']);
checks.push(await call('rogue agent', rogueSession, 'search', { query: 'customers' }));
await admin.revoke({ agent: rogue.getX509Svid().id.toString(), reason: 'prompt injection suspected' });
say(`operator: revoked ${rogue.getX509Svid().id}`);
await new Promise((resolve) => setTimeout(resolve, 300));
checks.push(!(await call('rogue agent', rogueSession, 'search', { query: 'customers again' })));

// 5. The gateway's audit log: every decision, and its hash chain and checkpoints verified.
for (const s of sessions) {
  await s.client.close().catch(() => {});
  s.close();
}
await gateway.close();
const store = await LevelStore.create(join(dataDir, 'gateway', 'audit'));
const records = [];
for await (const [, value] of store.entries(prefixRange(AUDIT_PREFIX))) records.push(parseRecord(value));
for (const r of records.filter((rec) => rec.outcome !== 'allowed')) {
  say(`audit: ${r.operation} ${r.outcome} ${r.reason} caller ${r.caller ?? '-'} route ${r.route ?? '-'} scope ${r.scope ?? '-'} depth ${r.depth ?? '-'}`);
}
const verified = await verifyAudit(store, { roots: [new X509Certificate(bundle.authorities[0]!)], signerId: gateway.id });
await store.close();
say(`audit: ${records.length} gateway decisions (${records.filter((r) => r.outcome === 'allowed').length} allowed), `
  + `hash chain ${verified.ok ? `verified, ${verified.checkpoints} checkpoint(s) signed by ${gateway.id}` : `BROKEN (${verified.reason})`}`);

for (const source of [agent, child, rogue, gatewaySource]) source.close();
orchestrator.close();
await mcp.close();
admin.close();
await ca.close();
await rm(dataDir, { recursive: true, force: true });
clearTimeout(deadline);
const ok = checks.every(Boolean) && verified.ok;
say(ok ? 'demo:gateway: OK' : `demo:gateway: FAILED (checks ${checks.map((c) => (c ? 'ok' : 'FAIL')).join(' ')})`);
process.exitCode = ok ? 0 : 1;
