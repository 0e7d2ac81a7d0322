import { type KeyObject, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { status } from '@grpc/grpc-js';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { authorizeLineage } from '../../agent-sdk/authorize-lineage.js';
import { authorizeId } from '../../agent-sdk/authorizer.js';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { delegateToSubAgent } from '../../agent-sdk/delegation.js';
import type { TesseraError } from '../../agent-sdk/errors.js';
import {
  type DelegationHop, type Lineage, LINEAGE_OID, decodeDelegationRecord, delegationSigningBytes, encodeDelegationRecord, encodeLineage,
  readLineageExtension,
} from '../../agent-sdk/lineage.js';
import { staticSource } from '../../agent-sdk/source.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { connectMtls, createMtlsServer } from '../../agent-sdk/tls.js';
import { validateJwtSvid } from '../../agent-sdk/validate-jwt-svid.js';
import { verifyLineage, verifyX509SvidLineage } from '../../agent-sdk/verify-lineage.js';
import { attestOrchestrator, newKey, toSvid } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import {
  activate, auditAfter, closeAll, delegate, expectDenied, headSequence, presenting, refusal, spawnAgent,
} from '../helpers/task-agents.js';

const MINUTE = 60_000;
let t: TestCa;
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };
const closers: (() => void)[] = [];
afterEach(async () => {
  offsetMs = 0;
  closers.splice(0).forEach((c) => c());
  closeAll();
  await t?.close();
});

async function start(policy?: unknown) {
  let config: Record<string, unknown> | undefined;
  if (policy !== undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-policy-'));
    closers.push(() => void rm(dir, { recursive: true, force: true }));
    config = { policyFile: join(dir, 'policy.json') };
    await writeFile(join(dir, 'policy.json'), JSON.stringify(policy));
  }
  t = await startTestCa({ clock, config });
  const orchestrator = await attestOrchestrator(t, 'orch-a');
  const root = await spawnAgent(t, orchestrator, { scopes: ['read:files:*', 'search:query', 'write:files:*'] });
  return { orchestrator, root };
}

const lineageOf = (svid: X509Svid) => verifyX509SvidLineage(svid.certificates, t.ca.authority.bundle).lineage;

describe('delegation over real gRPC', () => {
  it('ok/three levels: each sub-agent\'s SVID carries a lineage that verifies offline with the trust bundle only', async () => {
    const { root } = await start();
    const b = await delegate(t, root, { scopes: ['read:files:*', 'search:query'], lifetimeMs: 30 * MINUTE });
    const c = await delegate(t, b, { scopes: ['read:files:42'], lifetimeMs: 20 * MINUTE });
    const d = await delegate(t, c, { scopes: ['read:files:42'] });

    expect(lineageOf(root.svid)).toMatchObject({ depth: 0, sponsor: 'user:alice', orchestrator: 'orch-a', task: 'task-1', delegationChain: [] });
    const ld = lineageOf(d.svid);
    expect(ld.depth).toBe(3);
    expect(ld.delegationChain.map(String)).toEqual([root.svid.id, b.svid.id, c.svid.id].map(String));
    expect(ld.effectiveScopes).toEqual(['read:files:42']);
    expect(ld.hops.map((h) => h.record.scopes)).toEqual([['read:files:*', 'search:query'], ['read:files:42'], ['read:files:42']]);
    expect(ld.sponsor).toBe('user:alice');
    // Each sub-agent is in its parent's task and lives no longer than the hop above allowed.
    for (const agent of [b, c, d]) expect(agent.svid.id.segments.slice(0, 3)).toEqual(['agent', 'orch-a', 'task-1']);
    expect(d.svid.expiresAtMs).toBeLessThanOrEqual(ld.hops[1]!.record.notAfterMs);
    expect(ld.hops[2]!.record.notAfterMs).toBe(ld.hops[1]!.record.notAfterMs);

    // A renewal keeps the lineage byte for byte.
    const key = newKey();
    const renewed = toSvid(await d.ca.renew(createCsr(key)), key);
    expect(encodeLineage(readLineageExtension(renewed.certificates[0]!)!)).toEqual(encodeLineage(readLineageExtension(d.svid.certificates[0]!)!));

    // The sub-agent's task token names its delegators in nested act, nearest first.
    const jwtBundle = t.ca.authority.jwtBundle!;
    const { token } = await d.ca.mintJwtSvid({ audience: 'svc', scopes: ['read:files:42'] });
    expect(decodeJwt(token).act).toEqual({ sub: c.svid.id.toString(), act: { sub: b.svid.id.toString(), act: { sub: root.svid.id.toString() } } });
    const validated = await validateJwtSvid(token, { bundle: jwtBundle, audience: 'svc', peerCertificate: d.svid.certificates[0]! });
    expect(validated.delegationChain.map(String)).toEqual([root.svid.id, b.svid.id, c.svid.id].map(String));
    await refusal(d.ca.mintJwtSvid({ audience: 'svc', scopes: ['read:files:*'] }), 'ERR_SCOPE_NOT_GRANTED', status.PERMISSION_DENIED);
  });

  it('fail/a sub-agent cannot get a scope its parent lacks, however the request is spelled', async () => {
    const { root } = await start();
    const b = await delegate(t, root, { scopes: ['read:files:*', 'search:query'] });
    for (const scopes of [['write:files:1'], ['read:*:*'], ['*:*:*'], ['*:*'], ['read:files'], ['search:*'], ['read:files:1', 'write:files:1']]) {
      const denied = await expectDenied(t, () => b.ca.prepareDelegation({ scopes }), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate.prepare');
      expect(denied).toMatchObject({ caller: b.svid.id.toString(), sponsor: 'user:alice', depth: 1 });
      expect(denied.chainHash).toBe(lineageOf(b.svid).chainHash);
    }
    for (const scopes of [['READ:files:1'], ['read:files:%31'], ['read:files:1 '], ['read:/files/../x:1'], ['read:files:1:2'], [''], ['read:fil*:1']]) {
      await expectDenied(t, () => b.ca.prepareDelegation({ scopes }), 'ERR_SCOPE_INVALID', status.INVALID_ARGUMENT, 'delegate.prepare');
    }
  });

  it('fail/a sub-agent cannot live longer than its parent, asked as lifetime or as SVID TTL', async () => {
    const { root } = await start();
    // The root agent may live 24 h in all (the default cap): more is refused.
    await expectDenied(t, () => root.ca.prepareDelegation({ scopes: [], lifetimeMs: 25 * 60 * MINUTE }), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate.prepare');
    const b = await delegate(t, root, { scopes: ['read:files:*'], lifetimeMs: 10 * MINUTE });
    await expectDenied(t, () => b.ca.prepareDelegation({ scopes: [], lifetimeMs: 11 * MINUTE }), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate.prepare');
    await expectDenied(t, () => b.ca.prepareDelegation({ scopes: [], ttlMs: 15 * MINUTE }), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate.prepare');
    const c = await delegate(t, b, { scopes: ['read:files:*'], lifetimeMs: 6 * MINUTE });
    const hops = lineageOf(c.svid).hops;
    expect(hops[1]!.record.notAfterMs).toBeLessThanOrEqual(hops[0]!.record.notAfterMs);
    // A renewal near the end of the sub-agent's life gets an SVID that ends with it, not a full TTL.
    offsetMs = 4 * MINUTE;
    const key = newKey();
    const renewed = toSvid(await c.ca.renew(createCsr(key)), key);
    expect(renewed.expiresAtMs).toBeLessThanOrEqual(hops[1]!.record.notAfterMs);
    expect(renewed.expiresAtMs).toBeLessThan(clock.now() + 5 * MINUTE - 30_000);
  });

  it('fail/a depth beyond the policy -> ERR_POLICY_DENIED, audited', async () => {
    const { root } = await start({ orchestrators: { 'orch-a': { tasks: ['*'], scopes: ['*:*', '*:*:*'], maxDelegationDepth: 2 } } });
    const b = await delegate(t, root, { scopes: ['read:files:*'] });
    const c = await delegate(t, b, { scopes: ['read:files:*'] });
    const denied = await expectDenied(t, () => c.ca.prepareDelegation({ scopes: [] }), 'ERR_POLICY_DENIED', status.PERMISSION_DENIED, 'delegate.prepare');
    expect(denied.depth).toBe(2);
    await expectDenied(t, () => delegateToSubAgent({ caClient: c.ca, bundle: t.ca.authority.bundle, getX509Svid: () => c.svid }, { scopes: [] }),
      'ERR_POLICY_DENIED', status.PERMISSION_DENIED, 'delegate.prepare');
  });

  it('fail/completing a delegation: wrong key, another record, another agent, twice, too late, or as an orchestrator', async () => {
    const { orchestrator, root } = await start();
    const other = await spawnAgent(t, orchestrator, { scopes: ['read:files:*'] });
    const prepared = await root.ca.prepareDelegation({ scopes: ['read:files:*'] });
    const record = decodeDelegationRecord(prepared.record);
    expect(record).toMatchObject({ delegator: root.svid.id.toString(), delegate: prepared.id.toString(), depth: 1, scopes: ['read:files:*'] });
    const signWith = (key: KeyObject, bytes = prepared.record) => sign('sha256', delegationSigningBytes(bytes), { key, dsaEncoding: 'der' });
    const intruder = generateP256Key();
    await expectDenied(t, () => root.ca.delegate(prepared.delegationId, signWith(intruder)), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate');
    const widened = encodeDelegationRecord({ ...record, scopes: ['*:*:*'] });
    await expectDenied(t, () => root.ca.delegate(prepared.delegationId, signWith(root.svid.privateKey, widened)), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate');
    await expectDenied(t, () => root.ca.delegate(prepared.delegationId, sign('sha256', prepared.record, root.svid.privateKey)), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate');
    await expectDenied(t, () => other.ca.delegate(prepared.delegationId, signWith(other.svid.privateKey)), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate');
    const done = await root.ca.delegate(prepared.delegationId, signWith(root.svid.privateKey));
    expect(done.id.equals(prepared.id)).toBe(true);
    await expectDenied(t, () => root.ca.delegate(prepared.delegationId, signWith(root.svid.privateKey)), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate');
    const late = await root.ca.prepareDelegation({ scopes: [] });
    offsetMs = 31_000;
    await expectDenied(t, () => root.ca.delegate(late.delegationId, signWith(root.svid.privateKey, late.record)), 'ERR_DELEGATION_DENIED', status.PERMISSION_DENIED, 'delegate');
    offsetMs = 0;
    await expectDenied(t, () => presenting(t, orchestrator).prepareDelegation({ scopes: [] }), 'ERR_PEER_UNAUTHORIZED', status.PERMISSION_DENIED, 'delegate.prepare');
    // The ticket works once, like any spawn ticket.
    const svid = await activate(t, done.ticket);
    expect(lineageOf(svid).depth).toBe(1);
    await refusal(activate(t, done.ticket), 'ERR_TICKET_USED', status.UNAUTHENTICATED);
  });

  it('fail/the SDK signs only the delegation it asked for', async () => {
    const { root } = await start();
    let delegated = false;
    const lying: Pick<CaClient, 'prepareDelegation' | 'delegate' | 'endpoints'> = {
      endpoints: root.ca.endpoints,
      prepareDelegation: async (p) => {
        const real = await root.ca.prepareDelegation(p);
        return { ...real, record: encodeDelegationRecord({ ...decodeDelegationRecord(real.record), scopes: ['write:files:*'] }) };
      },
      delegate: async () => {
        delegated = true;
        throw new Error('must not be called');
      },
    };
    const err = await refusal(delegateToSubAgent({ caClient: lying as unknown as CaClient, bundle: t.ca.authority.bundle, getX509Svid: () => root.svid }, { scopes: ['read:files:*'] }), 'ERR_DELEGATION_DENIED');
    expect((err as TesseraError).message).toMatch(/scopes/);
    expect(delegated).toBe(false);
  });

  it('fail/a real lineage with a hop removed, reordered, re-signed by the wrong key, widened, or edited inside the certificate', async () => {
    const { root } = await start();
    const b = await delegate(t, root, { scopes: ['read:files:*', 'search:query'] });
    const c = await delegate(t, b, { scopes: ['read:files:*'] });
    const d = await delegate(t, c, { scopes: ['read:files:42'] });
    const lineage = readLineageExtension(d.svid.certificates[0]!)!;
    const [h0, h1, h2] = lineage.hops as [DelegationHop, DelegationHop, DelegationHop];
    const lineageCode = (l: Lineage, subject = d.svid.id) => {
      try {
        verifyLineage(l, subject);
        return 'verified';
      } catch (e) {
        return (e as TesseraError).code;
      }
    };
    expect(lineageCode(lineage)).toBe('verified');
    for (const hops of [[h0, h2], [h1, h2], [h0, h1], [h1, h0, h2], [h0, h2, h1], [h2, h1, h0]]) {
      expect(lineageCode({ ...lineage, hops })).toBe('ERR_LINEAGE_INVALID');
    }
    const resign = (hop: DelegationHop, record = hop.record, key = generateP256Key()): DelegationHop => {
      const recordDer = encodeDelegationRecord(record);
      return { record, recordDer, signature: sign('sha256', delegationSigningBytes(recordDer), { key, dsaEncoding: 'der' }) };
    };
    expect(lineageCode({ ...lineage, hops: [h0, resign(h1), h2] })).toBe('ERR_LINEAGE_INVALID');
    expect(lineageCode({ ...lineage, hops: [h0, h1, resign(h2)] })).toBe('ERR_LINEAGE_INVALID');
    // Widened by the real delegator's key (c's): the narrowing rule refuses it, not only the signature.
    expect(lineageCode({ ...lineage, hops: [h0, h1, resign(h2, { ...h2.record, scopes: ['read:files:*', 'search:query'] }, c.svid.privateKey)] })).toBe('ERR_LINEAGE_INVALID');
    expect(lineageCode({ ...lineage, hops: [h0, h1, resign(h2, h2.record, c.svid.privateKey)] })).toBe('verified');

    // Inside the certificate, any edit of the extension breaks the CA's signature.
    const leaf = Buffer.from(d.svid.certificates[0]!);
    const at = leaf.indexOf(Buffer.from('read:files:42'));
    expect(at).toBeGreaterThan(0);
    const edited = Buffer.from(leaf);
    edited.write('read:files:*4', at, 'ascii');
    expect(() => verifyX509SvidLineage([edited, ...d.svid.certificates.slice(1)], t.ca.authority.bundle)).toThrow(expect.objectContaining({ code: 'ERR_SVID_INVALID' }));
    expect(lineageOf(d.svid).depth).toBe(3);
    expect(readCertificate(d.svid.certificates[0]!).extensions.has(LINEAGE_OID)).toBe(true);
  });

  it('ok/authorizeLineage over real mTLS: only the sponsor\'s agents, at most one delegation deep', async () => {
    const { orchestrator, root } = await start();
    const b = await delegate(t, root, { scopes: ['read:files:*'] });
    const c = await delegate(t, b, { scopes: ['read:files:*'] });
    const bobs = await spawnAgent(t, orchestrator, { sponsor: 'user:bob', scopes: ['read:files:*'] });
    const service = staticSource(orchestrator, t.ca.authority.bundle);
    const rejected: string[] = [];
    const server = createMtlsServer(service, service, authorizeLineage({ sponsor: 'user:alice', maxDepth: 1, scopes: ['read:files:1'] }), {}, (s) => s.end('hello\n'));
    server.on('peerRejected', (err: TesseraError) => rejected.push(err.code));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const call = async (svid: X509Svid) => {
      const source = staticSource(svid, t.ca.authority.bundle);
      const socket = await connectMtls({ host: '127.0.0.1', port }, source, source, authorizeId(orchestrator.id)).catch(() => undefined);
      if (!socket) return '';
      return new Promise<string>((resolve) => {
        let got = '';
        socket.on('data', (d: Buffer) => (got += d.toString()));
        socket.on('close', () => resolve(got.trim()));
        socket.on('error', () => {});
      });
    };
    expect(await call(root.svid)).toBe('hello');
    expect(await call(b.svid)).toBe('hello');
    for (const svid of [c.svid, bobs.svid, orchestrator]) expect(await call(svid)).toBe('');
    expect(rejected).toEqual(['ERR_PEER_UNAUTHORIZED', 'ERR_PEER_UNAUTHORIZED', 'ERR_PEER_UNAUTHORIZED']);
  });

  it('ok/every delegation step is audited with sponsor, depth and chain hash', async () => {
    const { root } = await start();
    const before = await headSequence(t);
    const b = await delegate(t, root, { scopes: ['search:query'] });
    const records = await auditAfter(t, before);
    expect(records.map((r) => [r.operation, r.outcome])).toEqual([['delegate.prepare', 'allowed'], ['delegate', 'allowed'], ['activate', 'allowed']]);
    const lb = lineageOf(b.svid);
    const la = lineageOf(root.svid);
    expect(records[0]).toMatchObject({ caller: root.svid.id.toString(), subject: b.svid.id.toString(), sponsor: 'user:alice', depth: 1, chainHash: la.chainHash });
    expect(records[1]).toMatchObject({ caller: root.svid.id.toString(), subject: b.svid.id.toString(), sponsor: 'user:alice', depth: 1, chainHash: lb.chainHash });
    expect(records[2]).toMatchObject({ subject: b.svid.id.toString(), sponsor: 'user:alice', depth: 1, chainHash: lb.chainHash });
    expect(records[2]!.serial).toMatch(/^[0-9a-f]{34}$/);
    expect((await t.admin.verifyAudit()).ok).toBe(true);
  });
});
