/**
 * Which routes a request needs: the first route (in config order) whose host,
 * method and path match; for an MCP endpoint (routes with a `jsonRpc`
 * condition) one route per JSON-RPC message of the body, all of which must
 * pass. No route: refused (default deny).
 */
import { TesseraError } from '../agent-sdk/errors.js';
import type { JsonRpcMatch, RouteConfig, RouteTable } from './config.js';
import { matchesPath } from './path-pattern.js';

/** The routes matching host, method and path, in config order. Never throws. */
export function candidateRoutes(table: RouteTable, host: string, method: string, segments: readonly string[]): RouteConfig[] {
  return table.routes.filter((r) => (r.host === undefined || r.host === host) && r.methods.includes(method) && matchesPath(r.path, segments));
}

/** Whether the matching routes make this an MCP request, whose body must be read to decide. */
export function needsBody(candidates: readonly RouteConfig[]): boolean {
  return candidates.length > 0 && candidates[0]!.jsonRpc !== undefined;
}

/**
 * The routes a request needs: `[candidates[0]]` for plain HTTP; for MCP, the
 * first candidate admitting each call (a `tools/call` route without `tool`
 * admits every tool). All must lead to the same upstream.
 *
 * @throws {TesseraError} `ERR_NO_ROUTE` when nothing admits the request (or a call of it).
 * @example const routes = routesFor(candidates, jsonRpcCalls(body));
 */
export function routesFor(candidates: readonly RouteConfig[], calls?: readonly JsonRpcMatch[]): RouteConfig[] {
  const first = candidates[0];
  if (!first) throw new TesseraError('ERR_NO_ROUTE', 'no route admits this request');
  if (first.jsonRpc === undefined || calls === undefined) return [first];
  const routes = calls.map((call) => {
    const route = candidates.find((r) => r.jsonRpc && r.jsonRpc.method === call.method && (r.jsonRpc.tool === undefined || r.jsonRpc.tool === call.tool));
    if (!route) throw new TesseraError('ERR_NO_ROUTE', call.tool ? 'no route admits this tool' : 'no route admits this method');
    return route;
  });
  if (routes.some((r) => r.upstream !== first.upstream)) throw new TesseraError('ERR_NO_ROUTE', 'a batch spans upstreams');
  return routes;
}
