/**
 * Agents with tasks, sub-agents and audit reads for the token, delegation and
 * policy tests: real gRPC to a real CA, real keys, the SDK's own clients.
 */
import type { ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { delegateToSubAgent, type DelegationOptions } from '../../agent-sdk/delegation.js';
import { type ErrorCode, TesseraError } from '../../agent-sdk/errors.js';
import type { AuditRecord__Output } from '../../agent-sdk/gen/tessera/v1/AuditRecord.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { clientWith, newKey, toSvid } from './agents.js';
import type { TestCa } from './ca-server.js';

/** An agent: its SVID and a CA client presenting it (closed by `closeAll`). */
export interface TestAgent {
  readonly svid: X509Svid;
  readonly ca: CaClient;
}

const open: CaClient[] = [];

/** Closes every client made here. Call in afterEach. */
export function closeAll(): void {
  open.splice(0).forEach((c) => c.close());
}

/** A client presenting `svid`, closed by closeAll. */
export function presenting(t: TestCa, svid: X509Svid): CaClient {
  const client = clientWith(t.endpoints, t.ca.authority.bundle, svid);
  open.push(client);
  return client;
}

/** Redeems a spawn ticket for an SVID with a fresh key. */
export async function activate(t: TestCa, ticket: string): Promise<X509Svid> {
  const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
  open.push(client);
  const key = newKey();
  return toSvid(await client.activate(ticket, createCsr(key)), key);
}

/** Spawns and activates an agent of `orchestrator` for `taskId`. */
export async function spawnAgent(
  t: TestCa, orchestrator: X509Svid, params: { taskId?: string; scopes?: string[]; sponsor?: string; ttlMs?: number } = {},
): Promise<TestAgent> {
  const spawned = await presenting(t, orchestrator).spawn({ taskId: 'task-1', sponsor: 'user:alice', ...params });
  const svid = await activate(t, spawned.ticket);
  return { svid, ca: presenting(t, svid) };
}

/** Delegates from `parent` with the SDK (prepare, check, sign, complete) and activates the sub-agent. */
export async function delegate(t: TestCa, parent: TestAgent, options: DelegationOptions): Promise<TestAgent> {
  const spawn = await delegateToSubAgent({ caClient: parent.ca, bundle: t.ca.authority.bundle, getX509Svid: () => parent.svid }, options);
  const svid = await activate(t, spawn.env.TESSERA_SPAWN_TICKET!);
  expect(svid.id.equals(spawn.id)).toBe(true);
  return { svid, ca: presenting(t, svid) };
}

/** Every audit record after `afterSequence`. */
export async function auditAfter(t: TestCa, afterSequence: number): Promise<AuditRecord__Output[]> {
  const all: AuditRecord__Output[] = [];
  for (;;) {
    const { records } = await t.admin.listAuditRecords({ afterSequence: all.at(-1)?.sequence ?? afterSequence, limit: 1000 });
    if (records.length === 0) return all;
    all.push(...records);
  }
}

export const headSequence = async (t: TestCa) => (await auditAfter(t, 0)).at(-1)?.sequence ?? 0;

/** The refusal of `action`: its typed code first, then its gRPC status (when it crossed the wire). */
export async function refusal(action: Promise<unknown>, code: ErrorCode, grpcStatus?: status): Promise<TesseraError> {
  const err = await action.then(() => expect.fail(`expected ${code}`), (e: unknown) => e);
  expect(err).toBeInstanceOf(TesseraError);
  expect((err as TesseraError).code).toBe(code);
  if (grpcStatus !== undefined) expect(((err as TesseraError).cause as ServiceError).code).toBe(grpcStatus);
  return err as TesseraError;
}

/**
 * Asserts the refusal, that nothing was allowed meanwhile, and one 'denied'
 * record of `operation` with reason `code`; returns that record.
 */
export async function expectDenied(
  t: TestCa, action: () => Promise<unknown>, code: ErrorCode, grpcStatus: status, operation: string,
): Promise<AuditRecord__Output> {
  const before = await headSequence(t);
  await refusal(action(), code, grpcStatus);
  const records = await auditAfter(t, before);
  expect(records.filter((r) => r.outcome === 'allowed')).toEqual([]);
  const denied = records.filter((r) => r.outcome === 'denied' && r.reason === code && r.operation === operation);
  expect(denied, `${operation} ${code} in ${JSON.stringify(records.map((r) => [r.operation, r.reason]))}`).toHaveLength(1);
  return denied[0]!;
}
