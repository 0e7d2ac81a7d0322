/**
 * Renewal over the kept channel (RenewX509SVIDWithProof, WatchRevocationsWithProof):
 * the SVID proved by a signature in the request, on the CA's public listener, no
 * client certificate. One test per threat of docs/decisions.md ("Renewal over a
 * kept channel"): a replayed request, a stolen older key, a stolen channel (a
 * captured proof, a made-up certificate), clock skew; and the old rules (newest
 * SVID only, revoked identities, lineage kept, every renewal audited, failover).
 * Real CA, real keys, real gRPC and TLS.
 */
import { sign } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { type ErrorCode, TesseraError } from '../../agent-sdk/errors.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { readLineageExtension } from '../../agent-sdk/lineage.js';
import { tesseraProto } from '../../agent-sdk/proto.js';
import { type ProofPurpose, proofSigningBytes, proveSvid } from '../../agent-sdk/svid-proof.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { verifyX509Svid } from '../../agent-sdk/verify.js';
import { X509Source } from '../../agent-sdk/x509-source.js';
import { PROOF_WINDOW_MS } from '../../ca/api/proof-admission.js';
import { attestOrchestrator, newKey, toSvid } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { rawClient, rawStream, rawUnary } from '../helpers/raw-grpc.js';
import { createTrustDomain, issueSvid } from '../helpers/svid-pki.js';
import { auditAfter, closeAll, delegate, expectDenied, headSequence, refusal, spawnAgent } from '../helpers/task-agents.js';

const v1 = tesseraProto().tessera.v1;
const RENEW = v1.SVIDService.service.RenewX509SVIDWithProof;
const WATCH = v1.RevocationService.service.WatchRevocationsWithProof;

let t: TestCa | undefined;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  closers.splice(0).forEach((c) => c.close());
  closeAll();
  await t?.close();
  t = undefined;
});

/** A CA whose clock the test moves (skew, expiry); the agents keep the real one. */
async function startCa(): Promise<{ t: TestCa; skewMs: { value: number } }> {
  const skewMs = { value: 0 };
  t = await startTestCa({ clock: { now: () => Date.now() + skewMs.value } });
  return { t, skewMs };
}

/** The CA's public channel, with no SVID: what the kept channel is. */
function publicClient(ca: TestCa): CaClient {
  const client = new CaClient({ endpoints: ca.endpoints, bundle: ca.ca.authority.bundle });
  closers.push(client);
  return client;
}

async function agentOf(ca: TestCa): Promise<X509Svid> {
  return (await spawnAgent(ca, await attestOrchestrator(ca, 'orch-a'))).svid;
}

/** Renews `svid` with a proof over the public channel; resolves with the new SVID and its key. */
async function renewWithProof(ca: TestCa, svid: X509Svid): Promise<X509Svid> {
  const key = newKey();
  return toSvid(await publicClient(ca).renewWithProof(createCsr(key), svid, Date.now()), key);
}

/** A RenewX509SVIDWithProof request as bytes, to send as they are (a replay). */
function encodedRenewal(svid: X509Svid, signedAtMs = Date.now(), csr = createCsr(newKey())): Buffer {
  return RENEW.requestSerialize({ csr, proof: proveSvid(svid, 'renewal', csr, signedAtMs) });
}

const serialOf = (svid: X509Svid) => readCertificate(svid.certificates[0]!).serialHex;

describe('renewal over the kept channel', () => {
  it('ok/an agent renews with a proof: same identity, new key, verifies against the bundle, audited with its caller', async () => {
    const { t } = await startCa();
    const agent = await agentOf(t);
    const before = await headSequence(t);
    const renewed = await renewWithProof(t, agent);
    expect(renewed.id.equals(agent.id)).toBe(true);
    expect(serialOf(renewed)).not.toBe(serialOf(agent));
    expect(verifyX509Svid(renewed.certificates, { getX509BundleForTrustDomain: () => t.ca.authority.bundle }).id.equals(agent.id)).toBe(true);
    const records = await auditAfter(t, before);
    expect(records.map((r) => [r.operation, r.outcome, r.caller, r.serial])).toEqual([['renew', 'allowed', agent.id.toString(), serialOf(renewed)]]);
    // And again with the new SVID: a chain of renewals, each by the newest.
    expect(serialOf(await renewWithProof(t, renewed))).not.toBe(serialOf(renewed));
  });

  it('ok/a delegated agent keeps its lineage and scope-bearing record across renewals with a proof', async () => {
    const { t } = await startCa();
    const parent = await spawnAgent(t, await attestOrchestrator(t, 'orch-a'), { scopes: ['search:query', 'files:read'] });
    const child = await delegate(t, parent, { scopes: ['search:query'] });
    const renewed = await renewWithProof(t, child.svid);
    expect(readLineageExtension(renewed.certificates[0]!)).toEqual(readLineageExtension(child.svid.certificates[0]!));
    // Scope never widens: the renewed agent mints no token beyond its delegated scope.
    const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle, svid: { getX509Svid: () => renewed } });
    closers.push(client);
    await refusal(client.mintJwtSvid({ audience: 'spiffe://tessera.local/service/s', scopes: ['files:read'] }), 'ERR_SCOPE_NOT_GRANTED');
  });

  it('fail/replay: the same request bytes renew once; a replay, later or concurrent, is refused and audited', async () => {
    const { t } = await startCa();
    const agent = await agentOf(t);
    const client = rawClient(t, 'public');
    closers.push(client);
    const request = encodedRenewal(agent);
    expect((await rawUnary(client, RENEW.path, request)).status).toBe(status.OK);
    const before = await headSequence(t);
    const replay = await rawUnary(client, RENEW.path, request);
    expect([replay.code, replay.status]).toEqual(['ERR_PERMISSION_DENIED', status.PERMISSION_DENIED]);
    expect((await auditAfter(t, before)).map((r) => [r.operation, r.outcome, r.reason])).toEqual([['renew', 'denied', 'ERR_PERMISSION_DENIED']]);

    // Eight copies at once, across the journal's groups: exactly one renews.
    const other = await agentOf(t);
    const copy = encodedRenewal(other);
    const answers = await Promise.all(Array.from({ length: 8 }, () => rawUnary(client, RENEW.path, copy)));
    expect(answers.filter((a) => a.status === status.OK)).toHaveLength(1);
    expect(answers.filter((a) => a.code === 'ERR_PERMISSION_DENIED')).toHaveLength(7);
  });

  it('fail/a stolen older SVID and its key renew nothing, with a proof or over mutual TLS', async () => {
    const { t } = await startCa();
    const stolen = await agentOf(t);
    const current = await renewWithProof(t, stolen);
    await expectDenied(t, () => publicClient(t).renewWithProof(createCsr(newKey()), stolen, Date.now()), 'ERR_PERMISSION_DENIED', status.PERMISSION_DENIED, 'renew');
    const overMtls = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle, svid: { getX509Svid: () => stolen } });
    closers.push(overMtls);
    await refusal(overMtls.renew(createCsr(newKey())), 'ERR_PERMISSION_DENIED');
    // The holder of the newest one still renews.
    await renewWithProof(t, current);
  });

  it('fail/a stolen channel without the key: another key, a captured proof with another CSR, a made-up certificate', async () => {
    const { t } = await startCa();
    const victim = await agentOf(t);
    const thief = newKey();
    const csr = createCsr(thief);

    // The victim's certificate (public: every peer sees it) signed for with the thief's key.
    const withThiefKey = proveSvid({ ...victim, privateKey: thief }, 'renewal', csr, Date.now());
    await expectDenied(t, () => rawRenew(t, { csr, proof: withThiefKey }), 'ERR_SVID_PROOF_INVALID', status.UNAUTHENTICATED, 'renew');

    // A proof the victim signed for its own CSR, sent with the thief's CSR.
    const captured = proveSvid(victim, 'renewal', createCsr(newKey()), Date.now());
    await expectDenied(t, () => rawRenew(t, { csr, proof: captured }), 'ERR_SVID_PROOF_INVALID', status.UNAUTHENTICATED, 'renew');

    // A proof for the revocation stream is not one for a renewal.
    const watchProof = proveSvid(victim, 'revocationWatch', csr, Date.now());
    await expectDenied(t, () => rawRenew(t, { csr, proof: watchProof }), 'ERR_SVID_PROOF_INVALID', status.UNAUTHENTICATED, 'renew');

    // A certificate the thief made: the victim's SPIFFE ID and serial, the thief's key, its own CA.
    const own = await createTrustDomain('tessera.local');
    const madeUp = await issueSvid(own, victim.id.toString(), { serialHex: serialOf(victim) });
    await expectDenied(t, () => rawRenew(t, { csr, proof: proveSvid(madeUp, 'renewal', csr, Date.now()) }), 'ERR_SVID_PROOF_INVALID', status.UNAUTHENTICATED, 'renew');

    // None of it cost the victim its identity.
    await renewWithProof(t, victim);
  });

  it('fail/clock skew: a proof signed outside the window is refused as unusable; the SDK renews over mutual TLS instead', async () => {
    const { t } = await startCa();
    const agent = await agentOf(t);
    for (const signedAtMs of [Date.now() - PROOF_WINDOW_MS - 5_000, Date.now() + PROOF_WINDOW_MS + 5_000]) {
      await expectDenied(t, () => publicClient(t).renewWithProof(createCsr(newKey()), agent, signedAtMs), 'ERR_SVID_PROOF_UNUSABLE', status.FAILED_PRECONDITION, 'renew');
    }
    // ERR_VALUE_OUT_OF_RANGE before anything is sent: a time the 64-bit field would not carry exactly.
    await refusal(publicClient(t).renewWithProof(createCsr(newKey()), agent, Number.MAX_SAFE_INTEGER + 2), 'ERR_VALUE_OUT_OF_RANGE');

    // An agent whose clock is two minutes behind the CA's.
    const orchestrator = await attestOrchestrator(t, 'orch-b');
    const spawned = await new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle, svid: { getX509Svid: () => orchestrator } })
      .spawn({ taskId: 'task-1', sponsor: 'user:alice' });
    const source = await X509Source.fromTicket({
      ticket: spawned.ticket, endpoints: t.endpoints, bundle: t.ca.authority.bundle, revocation: false, clock: { now: () => Date.now() - 2 * 60_000 },
    });
    closers.push(source);
    const before = await headSequence(t);
    const renewed = await source.rotate();
    expect(renewed.id.equals(spawned.id)).toBe(true);
    expect((await auditAfter(t, before)).map((r) => [r.operation, r.outcome, r.reason])).toEqual([
      ['renew', 'denied', 'ERR_SVID_PROOF_UNUSABLE'], ['renew', 'allowed', ''],
    ]);
  });

  it('fail/an expired SVID, a revoked identity and a request without a proof renew nothing', async () => {
    const { t, skewMs } = await startCa();
    const agent = await agentOf(t);
    await t.admin.revoke({ agent: agent.id.toString() });
    await expectDenied(t, () => publicClient(t).renewWithProof(createCsr(newKey()), agent, Date.now()), 'ERR_REVOKED', status.PERMISSION_DENIED, 'renew');

    const expiring = await agentOf(t);
    skewMs.value = expiring.expiresAtMs - Date.now() + 1_000;
    // Signed on the CA's clock, so that only the SVID's expiry is wrong.
    await expectDenied(t, () => publicClient(t).renewWithProof(createCsr(newKey()), expiring, Date.now() + skewMs.value), 'ERR_SVID_EXPIRED', status.UNAUTHENTICATED, 'renew');
    skewMs.value = 0;

    // No proof at all.
    await expectDenied(t, () => rawRenew(t, { csr: createCsr(newKey()) }), 'ERR_SVID_PROOF_INVALID', status.UNAUTHENTICATED, 'renew');
  });

  it('fail/a bad CSR: refused as such under a good proof, and the proof is judged first under a bad one; neither spends the SVID', async () => {
    const { t } = await startCa();
    const agent = await agentOf(t);
    const csr = createCsr(newKey());
    csr[csr.length - 2]! ^= 0x01; // inside the signature's s: well-formed DER, wrong value
    const proof = proveSvid(agent, 'renewal', csr, Date.now());
    const denied = await expectDenied(t, () => rawRenew(t, { csr, proof }), 'ERR_CSR_INVALID', status.INVALID_ARGUMENT, 'renew');
    expect(denied.caller).toBe(agent.id.toString());
    const forged = { ...proof, signature: sign('sha256', Buffer.from('something else'), { key: newKey(), dsaEncoding: 'der' }) };
    await expectDenied(t, () => rawRenew(t, { csr, proof: forged }), 'ERR_SVID_PROOF_INVALID', status.UNAUTHENTICATED, 'renew');
    // Neither spent the SVID: it still renews.
    expect((await renewWithProof(t, agent)).id.equals(agent.id)).toBe(true);
  });

  it('ok/failover: a replica that is down is passed over for the next', async () => {
    const { t } = await startCa();
    const agent = await agentOf(t);
    const down = '127.0.0.1:1';
    const client = new CaClient({
      endpoints: { address: `${down},${t.endpoints.address}`, mtlsAddress: `${down},${t.endpoints.mtlsAddress}` }, bundle: t.ca.authority.bundle,
    });
    closers.push(client);
    const key = newKey();
    const renewed = toSvid(await client.renewWithProof(createCsr(key), agent, Date.now()), key);
    expect(renewed.id.equals(agent.id)).toBe(true);
  });
});

describe('revocation stream over the kept channel', () => {
  it('ok/the newest SVID follows the stream with a proof; an older one, a wrong purpose or a revoked agent may not', async () => {
    const { t } = await startCa();
    const agent = await agentOf(t);
    const client = rawClient(t, 'public');
    closers.push(client);
    const watch = (svid: X509Svid, purpose: ProofPurpose = 'revocationWatch') =>
      rawStream(client, WATCH.path, [WATCH.requestSerialize({ afterSequence: 0, proof: proveSvid(svid, purpose, new Uint8Array(0), Date.now()) })], false);
    expect((await watch(agent)).status).toBe(status.OK);
    const renewed = await renewWithProof(t, agent);
    expect(await watch(agent)).toMatchObject({ code: 'ERR_SVID_PROOF_INVALID', status: status.UNAUTHENTICATED });
    expect(await watch(renewed, 'renewal')).toMatchObject({ code: 'ERR_SVID_PROOF_INVALID' });
    expect((await watch(renewed)).status).toBe(status.OK);
    await t.admin.revoke({ agent: agent.id.toString() });
    expect(await watch(renewed)).toMatchObject({ code: 'ERR_REVOKED', status: status.PERMISSION_DENIED });
  });

  it('ok/a stream opened with a proof outlives that SVID while the identity renews, and ends when it stops', async () => {
    const { t } = await startCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const first = (await spawnAgent(t, orchestrator, { ttlMs: 3_000 })).svid;
    const other = (await spawnAgent(t, orchestrator, { taskId: 'task-2' })).svid;
    const stream = publicClient(t).watchRevocationsWithProof(0, first, Date.now());
    const seen: string[] = [];
    stream.on('data', (m: { entries: { target: string }[] }) => seen.push(...m.entries.map((e) => e.target)));
    const ended = new Promise<void>((resolve) => stream.on('status', () => resolve()));
    stream.on('error', () => {});
    // Renewed half-way, so that the second SVID outlives the first by about half a life.
    await new Promise((r) => setTimeout(r, (first.expiresAtMs - Date.now()) / 2));
    const second = await renewWithProof(t, first);
    // Past the first SVID's expiry, on the second's life: the stream still delivers.
    await new Promise((r) => setTimeout(r, first.expiresAtMs - Date.now() + 500));
    await t.admin.revoke({ agent: other.id.toString() });
    await vi.waitFor(() => expect(seen).toContain(other.id.toString()));
    // No more renewals: it ends with the second SVID.
    await ended;
    expect(Date.now()).toBeGreaterThanOrEqual(second.expiresAtMs - 1_000);
  });

  it('ok/an X509Source rotates and follows revocations without a client certificate: its agent is told of its own revocation', async () => {
    const { t } = await startCa();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    const spawned = await new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle, svid: { getX509Svid: () => orchestrator } })
      .spawn({ taskId: 'task-1', sponsor: 'user:alice' });
    const source = await X509Source.fromTicket({ ticket: spawned.ticket, endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    closers.push(source);
    for (let i = 0; i < 3; i++) await source.rotate();
    const failed = new Promise<{ code: string }>((resolve) => source.once('updateFailed', resolve));
    await t.admin.revoke({ agent: spawned.id.toString() });
    expect((await failed).code).toBe('ERR_REVOKED');
    expect(source.revocations!.isRevoked({ id: spawned.id })).toBe(true);
  });
});

/** A RenewX509SVIDWithProof request sent as given (a proof the SDK would not make), failing as the SDK reports. */
async function rawRenew(ca: TestCa, request: { csr: Buffer; proof?: ReturnType<typeof proveSvid> }): Promise<void> {
  const client = rawClient(ca, 'public');
  closers.push(client);
  const answer = await rawUnary(client, RENEW.path, RENEW.requestSerialize(request));
  if (answer.status !== status.OK) throw new TesseraError(answer.code as ErrorCode, answer.details, { cause: { code: answer.status } });
}

// Keep the signing layout honest: a proof made by hand from the documented bytes verifies as the SDK's does.
describe('proof signing bytes', () => {
  it('ok/the documented layout: label, 0x00, SHA-256(svid), SHA-256(payload), the time as 8 bytes big-endian', async () => {
    const { t } = await startCa();
    const agent = await agentOf(t);
    const csr = createCsr(newKey());
    const signedAtMs = Date.now();
    const bytes = proofSigningBytes('renewal', { svid: agent.certificates[0]!, payload: csr, signedAtMs });
    expect(bytes.subarray(0, 19).toString('latin1')).toBe('tessera-renewal-v1\0');
    expect(bytes.length).toBe(19 + 32 + 32 + 8);
    expect(Number(bytes.readBigUInt64BE(bytes.length - 8))).toBe(signedAtMs);
    const proof = { svid: agent.certificates[0]!, signedAtMs, signature: sign('sha256', bytes, { key: agent.privateKey, dsaEncoding: 'der' }) };
    await rawRenew(t, { csr, proof });
  });
});
