/**
 * An example MCP server over Streamable HTTP with two tools, `search` and
 * `delete_file`, meant to run behind the gateway: it serves only requests that
 * carry its own credential (a bearer secret the gateway attaches and agents
 * never see), and names the agent from the gateway's `x-tessera-agent-id`
 * header, which it can trust because only the gateway holds that secret.
 * Used by `npm run demo:gateway`, the gateway tests and the gateway bench.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface McpToolServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every tool call served: the tool and the agent the gateway named. */
  readonly calls: { tool: string; agent: string }[];
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1:0; `secret` is the bearer credential it requires. */
export async function startMcpToolServer(secret: string): Promise<McpToolServer> {
  const calls: { tool: string; agent: string }[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const expected = Buffer.from(`Bearer ${secret}`);

  // The gateway's header, as this request carried it (the SDK hands each tool call its HTTP request's headers).
  const agentOf = (extra: { requestInfo?: { headers: Record<string, string | string[] | undefined> } }) => String(extra.requestInfo?.headers['x-tessera-agent-id'] ?? '');
  const newSession = async () => {
    const server = new McpServer({ name: 'example-tools', version: '1.0.0' });
    server.registerTool('search', { description: 'Searches the index', inputSchema: { query: z.string() } }, ({ query }, extra) => {
      calls.push({ tool: 'search', agent: agentOf(extra) });
      return { content: [{ type: 'text', text: `3 results for "${query}"` }] };
    });
    server.registerTool('delete_file', { description: 'Deletes a file', inputSchema: { path: z.string() } }, ({ path }, extra) => {
      calls.push({ tool: 'delete_file', agent: agentOf(extra) });
      return { content: [{ type: 'text', text: `deleted ${path}` }] };
    });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return transport;
  };

  const httpServer = http.createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end();
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (typeof sessionId === 'string' && !existing) {
      res.writeHead(404).end();
      return;
    }
    void (existing ? Promise.resolve(existing) : newSession()).then((transport) => transport.handleRequest(req, res));
  });
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    calls,
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
