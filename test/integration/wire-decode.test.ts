import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaClient } from '../../agent-sdk/ca-client.js';
import { tesseraProto } from '../../agent-sdk/proto.js';
import type { AuditRecord__Output } from '../../agent-sdk/gen/tessera/v1/AuditRecord.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { attestOrchestrator, clientWith } from '../helpers/agents.js';
import { expectRejection } from '../helpers/rejection.js';
import { rawClient, rawStream, rawUnary } from '../helpers/raw-grpc.js';

let t: TestCa;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  closers.splice(0).forEach((c) => c.close());
  await t?.close();
});
const track = <C extends { close(): void }>(c: C): C => (closers.push(c), c);
const v1 = tesseraProto().tessera.v1;

async function recordsAfter(sequence: number): Promise<AuditRecord__Output[]> {
  return (await t.admin.listAuditRecords({ afterSequence: sequence, limit: 1000 })).records;
}
const head = async () => (await t.admin.listAuditRecords({ limit: 1000 })).records.at(-1)!.sequence;

/** A protobuf varint of 2^63 - 1, as a client with an int64 field sends it: nine bytes. */
const INT64_MAX_VARINT = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);

describe('integers are range-checked before they are encoded', () => {
  it('fail/an SDK spawn with a TTL of 2^32 + 60 s is refused with the allowed range, and nothing reaches the CA', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const before = await head();
    const client: CaClient = track(clientWith(t.endpoints, t.ca.authority.bundle, orchestrator));
    await expectRejection(client.spawn({ taskId: 'task-1', sponsor: 'user-42', ttlMs: (2 ** 32 + 60) * 1000 }), 'ERR_VALUE_OUT_OF_RANGE', /between 0 and 2147483647000 ms/);
    await expectRejection(client.mintJwtSvid({ audience: 'svc', ttlMs: -1_000 }), 'ERR_VALUE_OUT_OF_RANGE', /ttlMs/);
    await expectRejection(client.prepareDelegation({ scopes: [], lifetimeMs: Number.POSITIVE_INFINITY }), 'ERR_VALUE_OUT_OF_RANGE', /lifetimeMs/);
    await expectRejection(t.admin.createJoinToken({ orchestrator: 'orch-b', ttlMs: 4_294_967_596_000 }), 'ERR_VALUE_OUT_OF_RANGE', /ttlMs/);
    expect(await recordsAfter(before)).toEqual([]);
  });
});

describe('a request that does not decode is the caller\'s bad input', () => {
  it('fail/Spawn with a full-width varint in the int32 ttl_seconds -> INVALID_ARGUMENT ERR_REQUEST_UNDECODABLE, audited, nothing issued', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const before = await head();
    const valid = v1.SVIDService.service.Spawn.requestSerialize({ taskId: 'task-1', sponsor: 'user-42' });
    const bytes = Buffer.concat([valid, Buffer.from([0x20]), INT64_MAX_VARINT]);
    const answer = await rawUnary(track(rawClient(t, 'mtls', orchestrator)), '/tessera.v1.SVIDService/Spawn', bytes);
    expect([answer.status, answer.code]).toEqual([status.INVALID_ARGUMENT, 'ERR_REQUEST_UNDECODABLE']);
    const records = await recordsAfter(before);
    expect(records.map((r) => [r.operation, r.outcome, r.reason, r.caller])).toEqual([['spawn', 'denied', 'ERR_REQUEST_UNDECODABLE', orchestrator.id.toString()]]);
  });

  it('fail/a truncated admin request on the socket -> INVALID_ARGUMENT, audited', async () => {
    t = await startTestCa();
    const before = await head();
    const valid = v1.AdminService.service.CreateJoinToken.requestSerialize({ orchestrator: 'orch-a', ttlSeconds: 60 });
    const answer = await rawUnary(track(rawClient(t, 'admin')), '/tessera.v1.AdminService/CreateJoinToken', valid.subarray(0, valid.length - 4));
    expect([answer.status, answer.code]).toEqual([status.INVALID_ARGUMENT, 'ERR_REQUEST_UNDECODABLE']);
    expect((await recordsAfter(before)).map((r) => [r.operation, r.outcome, r.reason])).toEqual([['join_token.create', 'denied', 'ERR_REQUEST_UNDECODABLE']]);
  });
});

describe('a oneof names exactly one member', () => {
  it('fail/admin Revoke naming both an agent and a serial is refused, audited, and revokes nothing', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const before = await head();
    const agent = v1.AdminService.service.Revoke.requestSerialize({ agent: orchestrator.id.toString() });
    const serial = v1.AdminService.service.Revoke.requestSerialize({ serial: 'ab'.repeat(16) });
    // Two members of `target` on the wire: proto3 would keep the last one.
    const answer = await rawUnary(track(rawClient(t, 'admin')), '/tessera.v1.AdminService/Revoke', Buffer.concat([agent, serial]));
    expect([answer.status, answer.code]).toEqual([status.INVALID_ARGUMENT, 'ERR_INVALID_ARGUMENT']);
    expect(answer.details).toMatch(/exactly one member of RevokeRequest\.target \(serial, agent\)/);
    expect((await recordsAfter(before)).map((r) => [r.operation, r.outcome, r.reason])).toEqual([['revoke', 'denied', 'ERR_INVALID_ARGUMENT']]);
    expect((await t.admin.getAgent(orchestrator.id.toString())).agent?.status).toBe('AGENT_STATUS_ACTIVE');
  });

  it('fail/an Attest message carrying both the params and a challenge response is refused, audited, nothing issued', async () => {
    t = await startTestCa();
    const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    const before = await head();
    const serialize = v1.NodeAttestationService.service.Attest.requestSerialize;
    const both = Buffer.concat([
      serialize({ params: { attestor: 'join_token', payload: Buffer.from(token), csr: Buffer.alloc(0) } }),
      serialize({ challengeResponse: Buffer.from([1]) }),
    ]);
    const answer = await rawStream(track(rawClient(t, 'public')), '/tessera.v1.NodeAttestationService/Attest', [both], true);
    expect([answer.status, answer.code]).toEqual([status.INVALID_ARGUMENT, 'ERR_INVALID_ARGUMENT']);
    expect((await recordsAfter(before)).map((r) => [r.operation, r.outcome, r.reason])).toEqual([['attest', 'denied', 'ERR_INVALID_ARGUMENT']]);
  });
});

describe('every ID-shaped field goes through the strict SPIFFE ID parser', () => {
  // Each is refused by the parser (DESIGN: reject, never normalise) but sorts as a key-range start.
  const VALID = 'spiffe://tessera.local/agent/orch-a/task-1/0000';
  const ILLEGAL = [
    'spiffe://TESSERA.local/agent/orch-a', 'spiffe://tessera.local/agent/../admin', 'spiffe://tessera.local/agent/./x',
    'spiffe://tessera.local/agent/%2e%2e', 'spiffe://tessera.local/agent//x', 'spiffe://tessera.local/agent/',
    'spiffe://tessera.local:443/agent/x', 'spiffe://u@tessera.local/agent/x', 'spiffe://tessera.local/agent/x?q',
    'spiffe://tessera.local/agent/x#f', 'spiffe://tessera.local/agent/x\u0000', 'spiffe://tessera.local/agent/\u00e9',
    `spiffe://tessera.local/${'a'.repeat(2048)}`, 'SPIFFE://tessera.local/agent/x', 'tessera.local/agent/x', '\u0000',
    ...[0x20, 0x2f, 0x5c, 0x7f, 0xff].map((c) => `${VALID}${String.fromCharCode(c)}`),
  ];

  it('fail/ListAgents with an illegal after_spiffe_id cursor -> ERR_SPIFFE_ID_INVALID, audited', async () => {
    t = await startTestCa();
    const before = await head();
    for (const after of ILLEGAL) {
      await expectRejection(t.admin.listAgents({ afterSpiffeId: after }), 'ERR_SPIFFE_ID_INVALID', /./);
    }
    const records = await recordsAfter(before);
    expect(records.map((r) => [r.operation, r.outcome, r.reason])).toEqual(ILLEGAL.map(() => ['agents.list', 'denied', 'ERR_SPIFFE_ID_INVALID']));
    expect(await t.admin.listAgents({ afterSpiffeId: VALID })).toEqual([]);
  });

  it('fail/the other ID-shaped filters and targets are refused the same way', async () => {
    t = await startTestCa();
    for (const bad of ['orch a', '..', 'a/b', 'a%2f', '']) {
      if (bad) await expectRejection(t.admin.listAgents({ orchestrator: bad }), 'ERR_SPIFFE_ID_INVALID', /./);
      if (bad) await expectRejection(t.admin.listAgents({ orchestrator: 'orch-a', task: bad }), 'ERR_SPIFFE_ID_INVALID', /./);
      await expectRejection(t.admin.createJoinToken({ orchestrator: bad }), 'ERR_SPIFFE_ID_INVALID', /./);
    }
    for (const bad of ILLEGAL) {
      await expectRejection(t.admin.getAgent(bad), 'ERR_SPIFFE_ID_INVALID', /./);
      await expectRejection(t.admin.revoke({ agent: bad }), 'ERR_SPIFFE_ID_INVALID', /./);
      await expectRejection(t.admin.revoke({ chain: bad }), 'ERR_SPIFFE_ID_INVALID', /./);
    }
  });
});
