/**
 * What an MCP request body asks for: the JSON-RPC 2.0 messages a client POSTs
 * to a Streamable HTTP endpoint, one or a batch. Each message is reduced to the
 * two things a route can require a scope for: its method and, for
 * `tools/call`, the tool's name. Anything that is not clearly one of these is
 * refused, never guessed at: invalid JSON, an empty batch, a message with no
 * method (a client's response to a server request names no action to authorize),
 * a `tools/call` without a string `params.name`.
 */
import { TesseraError } from '../agent-sdk/errors.js';
import type { JsonRpcMatch } from './config.js';

/** The most messages one batch may carry. */
export const MAX_BATCH = 64;

/**
 * @throws {TesseraError} `ERR_INVALID_ARGUMENT` when the body cannot be read as above.
 * @example jsonRpcCalls(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search"}}'))
 *          // [{ method: 'tools/call', tool: 'search' }]
 */
export function jsonRpcCalls(body: Buffer): JsonRpcMatch[] {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse('the body is not JSON');
  }
  const messages = Array.isArray(value) ? value : [value];
  if (messages.length === 0 || messages.length > MAX_BATCH) refuse(`a batch holds 1 to ${MAX_BATCH} messages`);
  return messages.map(callOf);
}

function callOf(message: unknown): JsonRpcMatch {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return refuse('a message is not an object');
  const { jsonrpc, method, params } = message as Record<string, unknown>;
  if (jsonrpc !== '2.0') refuse('a message is not JSON-RPC 2.0');
  if (typeof method !== 'string' || method === '') return refuse('a message has no method');
  if (method !== 'tools/call') return { method };
  const name = typeof params === 'object' && params !== null ? (params as Record<string, unknown>).name : undefined;
  if (typeof name !== 'string' || name === '') return refuse('tools/call has no tool name');
  return { method, tool: name };
}

function refuse(why: string): never {
  throw new TesseraError('ERR_INVALID_ARGUMENT', `MCP request refused: ${why}`);
}
