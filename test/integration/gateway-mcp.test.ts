import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { X509Source } from '../../agent-sdk/x509-source.js';
import { gatewayFetch } from '../../gateway/agent-fetch.js';
import { type GatewayWorld, MCP_SECRET, startGatewayWorld } from '../helpers/gateway-world.js';

let w: GatewayWorld;
const closers: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  w = await startGatewayWorld();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await w.close();
});

/** An MCP client session of `agent` through the gateway, its task tokens carrying `scopes`. */
async function mcpClient(agent: X509Source, scopes: string[]): Promise<Client> {
  const fetch = gatewayFetch(agent, { gatewayId: w.gateway.id, scopes });
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`https://${w.gateway.address}/mcp`), { fetch }));
  closers.push(async () => {
    await client.close().catch(() => {});
    fetch.close();
  });
  return client;
}

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as { text: string }[])[0]!.text;


/** One raw JSON-RPC POST through the gateway with a valid token; status and error code. */
async function post(agent: X509Source, body: string): Promise<{ status: number; code?: string }> {
  const fetch = gatewayFetch(agent, { gatewayId: w.gateway.id, scopes: ['search:query'] });
  closers.push(fetch.close);
  const res = await fetch(`https://${w.gateway.address}/mcp`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  });
  const text = await res.text();
  return { status: res.status, ...(res.headers.get('content-type') === 'application/json' && { code: (JSON.parse(text) as { error?: { code?: string } }).error?.code }) };
}

describe('gateway: MCP upstream', () => {
  it('ok/search: a tool in scope is served, the server names the agent from the gateway and got its own credential', async () => {
    const agent = await w.agent(['search:query', 'files:delete']);
    const client = await mcpClient(agent, ['search:query']);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['delete_file', 'search']);
    expect(textOf(await client.callTool({ name: 'search', arguments: { query: 'tessera' } }))).toBe('3 results for "tessera"');
    expect(w.mcp.calls).toEqual([{ tool: 'search', agent: agent.getX509Svid().id.toString() }]);
    const records = await w.auditRecords();
    expect(records.find((r) => r.route === 'mcp-search')).toMatchObject({ outcome: 'allowed', scope: 'search:query', caller: agent.getX509Svid().id.toString() });
    expect(JSON.stringify(records)).not.toContain(MCP_SECRET);
  });

  it('fail/out-of-scope tool: delete_file is refused without files:delete, the server never runs it, audited', async () => {
    const agent = await w.agent(['search:query', 'files:delete']);
    const client = await mcpClient(agent, ['search:query']);
    await expect(client.callTool({ name: 'delete_file', arguments: { path: '/etc/passwd' } })).rejects.toThrow(/ERR_SCOPE_NOT_GRANTED/);
    expect(w.mcp.calls).toEqual([]);
    const records = await w.auditRecords();
    expect(records.find((r) => r.outcome === 'denied')).toMatchObject({ route: 'mcp-delete', scope: 'files:delete', reason: 'ERR_SCOPE_NOT_GRANTED' });
  });

  it('fail/sub-agent: a sub-agent with narrower scopes is refused the tool its parent could call', async () => {
    const parent = await w.agent(['search:query', 'files:delete']);
    const parentClient = await mcpClient(parent, ['search:query', 'files:delete']);
    expect(textOf(await parentClient.callTool({ name: 'delete_file', arguments: { path: 'a' } }))).toBe('deleted a');
    const child = await w.subAgent(parent, ['search:query']);
    const childClient = await mcpClient(child, ['search:query']);
    expect(textOf(await childClient.callTool({ name: 'search', arguments: { query: 'q' } }))).toBe('3 results for "q"');
    await expect(childClient.callTool({ name: 'delete_file', arguments: { path: 'b' } })).rejects.toThrow(/ERR_SCOPE_NOT_GRANTED/);
    expect(w.mcp.calls.map((c) => c.tool)).toEqual(['delete_file', 'search']);
  });

  it('fail/revoked mid-session: the agent\'s session is cut off as its revocation arrives', async () => {
    const agent = await w.agent(['search:query']);
    const client = await mcpClient(agent, ['search:query']);
    expect(textOf(await client.callTool({ name: 'search', arguments: { query: '1' } }))).toBe('3 results for "1"');
    await w.t.admin.revoke({ agent: agent.getX509Svid().id.toString(), reason: 'prompt injection suspected' });
    await vi.waitFor(async () => {
      const outcome = await client.callTool({ name: 'search', arguments: { query: '2' } }).then(() => 'served', () => 'refused');
      expect(outcome).toBe('refused');
    }, { timeout: 5_000, interval: 50 });
    expect(w.mcp.calls).toHaveLength(1);
  });

  it.each([
    ['a batch with one call out of scope', JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search', arguments: { query: 'x' } } },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'delete_file', arguments: { path: 'x' } } },
    ]), 403, 'ERR_SCOPE_NOT_GRANTED'],
    ['a tool no route names', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'exec', arguments: {} } }), 403, 'ERR_NO_ROUTE'],
    ['a method no route names', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///etc/passwd' } }), 403, 'ERR_NO_ROUTE'],
    ['a body that is not JSON', '{"jsonrpc":"2.0",', 400, 'ERR_INVALID_ARGUMENT'],
    ['an empty batch', '[]', 400, 'ERR_INVALID_ARGUMENT'],
    ['tools/call without a name', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} }), 400, 'ERR_INVALID_ARGUMENT'],
    ['a message without a method', JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }), 400, 'ERR_INVALID_ARGUMENT'],
  ])('fail/%s: refused before the MCP server sees it', async (_name, body, status, code) => {
    const agent = await w.agent(['search:query']);
    expect(await post(agent, body)).toEqual({ status, code });
    expect(w.mcp.calls).toEqual([]);
    // Refused before a route admitted it: the record names none (never the route of another message or method).
    const denied = (await w.auditRecords()).filter((r) => r.outcome === 'denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]!.route).toBe(code === 'ERR_SCOPE_NOT_GRANTED' ? 'mcp-search mcp-delete' : undefined);
  });
});
