import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import { validateGatewayConfig, validateRouteTable } from '../../gateway/config.js';
import { HTTP_STATUS_OF } from '../../gateway/http-status.js';
import { jsonRpcCalls } from '../../gateway/json-rpc.js';
import { matchesPath, parsePathPattern } from '../../gateway/path-pattern.js';
import { checkRequest } from '../../gateway/request-safety.js';
import { candidateRoutes, routesFor } from '../../gateway/routes.js';
import { ERROR_CODES } from '../../agent-sdk/errors.js';

/** A request as node:http hands it over: the target and the raw header lines. */
function request(url: string, headers: [string, string][] = [['Host', 'tools.local']]): IncomingMessage {
  const map: Record<string, string> = {};
  for (const [k, v] of headers) map[k.toLowerCase()] = map[k.toLowerCase()] === undefined ? v : `${map[k.toLowerCase()]}, ${v}`;
  return { url, rawHeaders: headers.flat(), headers: map } as unknown as IncomingMessage;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as TesseraError).code;
  }
  return 'none';
};

describe('gateway request safety', () => {
  it('ok: a plain path, its query and the host pass unchanged', () => {
    expect(checkRequest(request('/api/v1/items?q=a%20b'))).toEqual({ host: 'tools.local', segments: ['api', 'v1', 'items'] });
    expect(checkRequest(request('/'))).toEqual({ host: 'tools.local', segments: [] });
  });

  it.each([
    '/a/../b', '/a/./b', '/a/%2e%2e/b', '/a/%2E%2e/b', '/a%2fb', '/a%2Fb', '/a%5cb', '/a/%00', '/a\\b', '//a', '/a//b', '/a/', '/a%zz',
    'http://tools.local/a', '*', '/a#b', '/a?_method=DELETE', '/a?x=1&_METHOD=put',
  ])('fail: %s is refused, never normalised', (url) => {
    expect(codeOf(() => checkRequest(request(url)))).toBe('ERR_INVALID_ARGUMENT');
  });

  it.each([
    [['X-HTTP-Method-Override', 'DELETE']], [['X-HTTP-Method', 'PUT']], [['X-Method-Override', 'PATCH']],
    [['Content-Length', '1'], ['Content-Length', '1']], [['Content-Length', '1'], ['Transfer-Encoding', 'chunked']],
    [['Transfer-Encoding', 'gzip']], [['Connection', 'close, x-tessera-agent-id']], [['Upgrade', 'websocket']], [['Host', 'other.local']],
  ] as [string, string][][])('fail: the headers %j are refused', (...extra) => {
    expect(codeOf(() => checkRequest(request('/a', [['Host', 'tools.local'], ...extra])))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('fail: no Host, or a malformed one', () => {
    expect(codeOf(() => checkRequest(request('/a', [])))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => checkRequest(request('/a', [['Host', 'a b']])))).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('gateway path patterns', () => {
  it('* is one segment, a final ** any number', () => {
    const p = parsePathPattern('/api/*/items/**');
    expect(matchesPath(p, ['api', 'v1', 'items'])).toBe(true);
    expect(matchesPath(p, ['api', 'v1', 'items', 'a', 'b'])).toBe(true);
    expect(matchesPath(p, ['api', 'items'])).toBe(false);
    expect(matchesPath(parsePathPattern('/mcp'), ['mcp', 'x'])).toBe(false);
    expect(matchesPath(parsePathPattern('/'), [])).toBe(true);
  });

  it.each(['api', '/a/**/b', '/a/../b', '/a/b*', '/a//b'])('fail: %s is not a pattern', (text) => {
    expect(() => parsePathPattern(text)).toThrow();
  });
});

describe('gateway JSON-RPC reading', () => {
  it('reads one message or a batch: method and tool name', () => {
    expect(jsonRpcCalls(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search"}}'))).toEqual([{ method: 'tools/call', tool: 'search' }]);
    expect(jsonRpcCalls(Buffer.from('[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]')))
      .toEqual([{ method: 'notifications/initialized' }, { method: 'tools/list' }]);
  });

  it.each(['', 'null', '[]', '[1]', '{"jsonrpc":"1.0","method":"x"}', '{"jsonrpc":"2.0","id":1,"result":{}}',
    '{"jsonrpc":"2.0","method":"tools/call","params":{"name":7}}', `[${Array(65).fill('{"jsonrpc":"2.0","method":"x"}').join(',')}]`])(
    'fail: %s is refused', (body) => {
      expect(codeOf(() => jsonRpcCalls(Buffer.from(body)))).toBe('ERR_INVALID_ARGUMENT');
    });
});

describe('gateway config and routes', () => {
  const table = (routes: unknown[]) => validateRouteTable({ upstreams: { u: { url: 'http://127.0.0.1:9' } }, routes });

  it('first matching route wins; MCP calls each need a route of the same upstream', () => {
    const t = table([
      { name: 'a', host: 'h.local', methods: ['GET'], path: '/x/*', upstream: 'u', scope: 'read:x' },
      { name: 'b', methods: ['GET'], path: '/x/**', upstream: 'u', scope: 'read:y' },
      { name: 'm1', methods: ['POST'], path: '/mcp', upstream: 'u', jsonRpc: { method: 'tools/call', tool: 'search' }, scope: 'search:query' },
      { name: 'm2', methods: ['POST'], path: '/mcp', upstream: 'u', jsonRpc: { method: 'tools/call' }, scope: 'tools:call' },
    ]);
    expect(routesFor(candidateRoutes(t, 'h.local', 'GET', ['x', '1'])).map((r) => r.name)).toEqual(['a']);
    expect(routesFor(candidateRoutes(t, 'other', 'GET', ['x', '1'])).map((r) => r.name)).toEqual(['b']);
    expect(codeOf(() => routesFor(candidateRoutes(t, 'h.local', 'PUT', ['x', '1'])))).toBe('ERR_NO_ROUTE');
    const mcp = candidateRoutes(t, 'h.local', 'POST', ['mcp']);
    expect(routesFor(mcp, [{ method: 'tools/call', tool: 'search' }, { method: 'tools/call', tool: 'exec' }]).map((r) => r.name)).toEqual(['m1', 'm2']);
    expect(codeOf(() => routesFor(mcp, [{ method: 'tools/list' }]))).toBe('ERR_NO_ROUTE');
  });

  it('fail: every problem of a config is reported at once', () => {
    let message = '';
    try {
      validateGatewayConfig({
        ca: {}, identity: {}, metricsListen: '127.0.0.1:99999', upstreams: { u: { url: 'http://h/path', credential: { kind: 'header' } } },
        routes: [{ name: 'Bad', methods: ['get'], path: 'x', upstream: 'none', scope: 'Read:x', jsonRpc: { method: 'tools/list', tool: 't' } }],
      });
    } catch (err) {
      expect((err as TesseraError).code).toBe('ERR_CONFIG_INVALID');
      message = (err as Error).message;
    }
    for (const part of ['ca.address', 'dataDir', 'identity needs', 'no path', 'secretFile, secretEnv', 'routes[0].name', 'methods', 'routes[0].path',
      'names no upstream', 'routes[0].scope', 'needs method tools/call', 'metricsListen must be host:port with a port from 0 to 65535']) expect(message).toContain(part);
  });

  it('every error code has an HTTP status', () => {
    for (const code of ERROR_CODES) expect(HTTP_STATUS_OF[code]).toBeGreaterThanOrEqual(400);
  });
});
