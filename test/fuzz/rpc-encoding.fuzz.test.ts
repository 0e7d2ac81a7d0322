/**
 * Every RPC of the CA (and the admin socket) fed mutated, truncated and
 * over-long encodings of valid messages: every answer is OK or a typed error
 * whose gRPC status is the one the code maps to (never INTERNAL or UNKNOWN), a
 * refused call issues nothing (no 'allowed' audit record), and the audit chain
 * still verifies at the end.
 */
import { createPublicKey } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr } from '../../agent-sdk/csr.js';
import { STATUS_OF } from '../../agent-sdk/error-status.js';
import { ERROR_CODES, type ErrorCode } from '../../agent-sdk/errors.js';
import { tesseraProto } from '../../agent-sdk/proto.js';
import { proveSvid } from '../../agent-sdk/svid-proof.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { METHOD_RULES } from '../../ca/api/authz.js';
import { RATE_CLASSES } from '../../ca/config.js';
import { attestOrchestrator, newKey } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { type RawAnswer, rawClient, rawStream, rawUnary } from '../helpers/raw-grpc.js';
import { auditAfter, closeAll, headSequence, spawnAgent } from '../helpers/task-agents.js';

const RUNS = Number(process.env.TESSERA_FUZZ_RUNS ?? 150);

let t: TestCa;
let orchestrator: X509Svid;
let agent: X509Svid;
/** ReleaseIdentity's caller: its first success revokes it, the other agent calls go on. */
let releasing: X509Svid;
/** The SVID the proof-carrying calls prove: a renewal's first success makes it no longer the newest, its own agent's only. */
let renewing: X509Svid;
const clients: Array<{ close(): void }> = [];
beforeAll(async () => {
  // Rate limits off: a refusal for flooding would hide what the decoder does.
  t = await startTestCa({ config: { rateLimits: Object.fromEntries(RATE_CLASSES.map((c) => [c, 'off'])) } });
  orchestrator = await attestOrchestrator(t, 'orch-a');
  agent = (await spawnAgent(t, orchestrator)).svid;
  releasing = (await spawnAgent(t, orchestrator)).svid;
  renewing = (await spawnAgent(t, orchestrator)).svid;
});

/** A valid request of each method, as a well-behaved client would send it. */
function validRequests(): Record<string, unknown> {
  const csr = createCsr(newKey());
  return {
    '/tessera.v1.NodeAttestationService/Attest': { params: { attestor: 'join_token', payload: Buffer.from('a'.repeat(43)), csr } },
    '/tessera.v1.SVIDService/Activate': { ticket: 'b'.repeat(43), csr },
    '/tessera.v1.SVIDService/Spawn': { taskId: 'task-1', scopes: ['search:query'], sponsor: 'user-42', ttlSeconds: 60 },
    '/tessera.v1.SVIDService/RenewX509SVID': { csr },
    '/tessera.v1.SVIDService/RenewX509SVIDWithProof': { csr, proof: proveSvid(renewing, 'renewal', csr, Date.now()) },
    '/tessera.v1.SVIDService/MintJWTSVID': { audience: 'spiffe://tessera.local/service/s', scopes: [], ttlSeconds: 60 },
    '/tessera.v1.SVIDService/PrepareDelegation': { scopes: [], ttlSeconds: 60, lifetimeSeconds: 60 },
    '/tessera.v1.SVIDService/Delegate': { delegationId: 'c'.repeat(32), signature: Buffer.alloc(70, 1) },
    '/tessera.v1.TrustBundleService/GetTrustBundle': {},
    '/tessera.v1.TrustBundleService/WatchTrustBundle': {},
    '/tessera.v1.AuthorityService/ListAuthorities': { kind: 'AUTHORITY_KIND_X509' },
    '/tessera.v1.AuthorityService/PrepareAuthority': { kind: 'AUTHORITY_KIND_JWT' },
    '/tessera.v1.AuthorityService/ActivateAuthority': { kind: 'AUTHORITY_KIND_X509', authorityId: 'x509-0' },
    '/tessera.v1.AuthorityService/TaintAuthority': { kind: 'AUTHORITY_KIND_X509', authorityId: 'x509-0' },
    '/tessera.v1.AuthorityService/RevokeAuthority': { kind: 'AUTHORITY_KIND_JWT', authorityId: 'jwt-0' },
    '/tessera.v1.AuthorityService/GetBundle': {},
    // A document, never a URL: a spoilt URL must not send the CA anywhere.
    '/tessera.v1.AuthorityService/SetFederatedBundle': { trustDomain: 'partner.example', spiffeBundle: '{"keys":[]}' },
    '/tessera.v1.AuthorityService/UnsetFederatedBundle': { trustDomain: 'partner.example' },
    '/tessera.v1.AuthorityService/CreateIntermediateCsr': {},
    '/tessera.v1.AdminService/CreateJoinToken': { orchestrator: 'orch-z', ttlSeconds: 60 },
    '/tessera.v1.AdminService/VerifyAudit': {},
    '/tessera.v1.AdminService/ListAuditRecords': { afterSequence: 1, limit: 2 },
    '/tessera.v1.AdminService/Revoke': { jti: 'd'.repeat(32), reason: 'fuzz' },
    '/tessera.v1.AdminService/ListAgents': { orchestrator: 'orch-a', limit: 5, afterSpiffeId: 'spiffe://tessera.local/agent/orch-a/task-1/0' },
    '/tessera.v1.AdminService/GetAgent': { spiffeId: 'spiffe://tessera.local/agent/orch-a/task-1/0' },
    '/tessera.v1.AdminService/BanOrchestrator': { orchestrator: 'orch-y' },
    '/tessera.v1.AdminService/UnbanOrchestrator': { orchestrator: 'orch-y' },
    '/tessera.v1.AdminService/MintX509SVID': { spiffeId: 'spiffe://tessera.local/service/fuzz', publicKey: createPublicKey(newKey()).export({ format: 'der', type: 'spki' }), ttlSeconds: 600 },
    '/tessera.v1.AdminService/MintJWTSVID': { spiffeId: 'spiffe://tessera.local/service/fuzz', audience: ['spiffe://tessera.local/service/api', 'https://reports.example'], ttlSeconds: 600 },
    '/tessera.v1.RevocationService/WatchRevocations': { afterSequence: 0 },
    '/tessera.v1.RevocationService/WatchRevocationsWithProof': { afterSequence: 0, proof: proveSvid(renewing, 'revocationWatch', new Uint8Array(0), Date.now()) },
    '/tessera.v1.RevocationService/ReleaseIdentity': {},
    '/tessera.v1.RevocationService/CompleteTask': { taskId: 'task-9' },
  };
}

const v1 = tesseraProto().tessera.v1 as unknown as Record<string, { service: Record<string, { path: string; requestSerialize(v: unknown): Buffer; requestStream: boolean; responseStream: boolean }> }>;
const methods = Object.values(v1).filter((s) => s?.service).flatMap((s) => Object.values(s.service));

/** How a valid encoding is spoilt. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  // A field with a full-width varint (int64 max, or 10 bytes), or a length prefix running past the end.
  fc.record({ kind: fc.constant('varint' as const), field: fc.integer({ min: 1, max: 8 }), wide: fc.boolean() }),
  fc.record({ kind: fc.constant('overlong' as const), field: fc.integer({ min: 1, max: 8 }), claimed: fc.integer({ min: 1, max: 2 ** 28 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function spoil(valid: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'truncate':
      return valid.subarray(0, valid.length === 0 ? 0 : m.at % valid.length);
    case 'flip': {
      if (valid.length === 0) return Buffer.from([m.mask]);
      const copy = Buffer.from(valid);
      copy[m.at % copy.length]! ^= m.mask;
      return copy;
    }
    case 'append':
      return Buffer.concat([valid, m.bytes]);
    case 'varint':
      return Buffer.concat([valid, Buffer.from([m.field << 3]), Buffer.from(m.wide ? [...Array(9).fill(0xff), 0x01] : [...Array(8).fill(0xff), 0x7f])]);
    case 'overlong': {
      const length: number[] = [];
      for (let v = m.claimed; ; v >>>= 7) {
        if (v < 0x80) { length.push(v); break; }
        length.push((v & 0x7f) | 0x80);
      }
      return Buffer.concat([valid, Buffer.from([(m.field << 3) | 2, ...length]), Buffer.from('xy')]);
    }
  }
}

function clientFor(path: string) {
  const rule = METHOD_RULES[path]!;
  const svid = rule.caller === 'orchestrator' ? orchestrator : path.endsWith('/ReleaseIdentity') ? releasing : agent;
  const client = rawClient(t, rule.listener, rule.listener === 'mtls' ? svid : undefined);
  clients.push(client);
  return client;
}

function typedOrOk(answer: RawAnswer): void {
  if (answer.status === status.OK) return;
  // Before any handler: a message over the maximum size, which grpc-js refuses itself (mapped by the SDK).
  if (answer.status === status.RESOURCE_EXHAUSTED && answer.code === undefined) return;
  expect(ERROR_CODES, `${answer.status} ${answer.details}`).toContain(answer.code);
  expect(STATUS_OF[answer.code as ErrorCode], answer.details).toBe(answer.status);
  expect(answer.code).not.toBe('ERR_INTERNAL');
}

describe('every RPC under randomly spoilt encodings', () => {
  it('answers OK or a typed error with its status; a refusal issues nothing; the audit chain verifies', async () => {
    const valid = validRequests();
    const clientsByPath = new Map(methods.map((m) => [m.path, clientFor(m.path)]));
    expect(methods.map((m) => m.path).sort()).toEqual(Object.keys(valid).sort());
    const seen = new Map<string, number>();
    let last = await headSequence(t);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...methods), mutation, async (method, m) => {
      const bytes = spoil(method.requestSerialize(valid[method.path]), m);
      const client = clientsByPath.get(method.path)!;
      const answer = method.requestStream || method.responseStream
        ? await rawStream(client, method.path, [bytes], method.requestStream)
        : await rawUnary(client, method.path, bytes);
      const key = `${answer.status} ${answer.code ?? ''} ${method.path.split('/').pop()}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      typedOrOk(answer);
      const records = await auditAfter(t, last);
      last = records.at(-1)?.sequence ?? last;
      // ca.server_svid is the CA re-signing its own certificate after an earlier, allowed activation
      // (it does so after replying): not issued to this caller, and it may land in this call's window.
      const issued = records.filter((r) => r.outcome === 'allowed' && r.operation !== 'ca.server_svid');
      if (answer.status !== status.OK) expect(issued.map((r) => r.operation)).toEqual([]);
    }), { numRuns: RUNS });
    console.log(`spoilt encodings: ${[...seen].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
    expect((await t.admin.verifyAudit()).ok).toBe(true);
  });
});
