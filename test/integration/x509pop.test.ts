import { sign } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { type ServiceError, status } from '@grpc/grpc-js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import type { OrchestratorAttestor } from '../../agent-sdk/attestor.js';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { tesseraProto } from '../../agent-sdk/proto.js';
import { type ErrorCode, TesseraError } from '../../agent-sdk/errors.js';
import type { AuditRecord__Output } from '../../agent-sdk/gen/tessera/v1/AuditRecord.js';
import { x509popClient } from '../../node-attestor/x509pop/client.js';
import { decodeChallenge, encodeResponse, signedBytes } from '../../node-attestor/x509pop/wire.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { clientWith, newKey, toSvid } from '../helpers/agents.js';
import { type TestCert, createIntermediate, createLeaf, createRoot } from '../helpers/pki.js';
import { expectX509SvidProfile } from '../helpers/svid-profile.js';

const NAME = 'orch-x509';
let root: TestCert;
let intermediate: TestCert;
let leaf: TestCert;
let t: TestCa;
const clients: CaClient[] = [];

beforeAll(async () => {
  root = await createRoot({ cn: 'Orchestrator Root' });
  intermediate = await createIntermediate(root, { cn: 'Orchestrator Issuing CA' });
  leaf = await createLeaf(intermediate, { cn: NAME });
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await t?.close();
});

const start = async (config: Record<string, unknown> = { x509popRootsPem: root.cert.toString() }) => (t = await startTestCa({ config }));
const attest = (attestor: OrchestratorAttestor, key = newKey()) => {
  const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
  clients.push(client);
  return client.attest(attestor, createCsr(key));
};
const realClient = (cert: TestCert = leaf, chainCa: TestCert = intermediate) =>
  x509popClient({ certChain: [cert.der, chainCa.der], privateKey: cert.privateKey });

async function auditAfter(afterSequence: number): Promise<AuditRecord__Output[]> {
  const all: AuditRecord__Output[] = [];
  for (;;) {
    const { records } = await t.admin.listAuditRecords({ afterSequence: all.at(-1)?.sequence ?? afterSequence, limit: 1000 });
    if (records.length === 0) return all;
    all.push(...records);
  }
}
const headSequence = async () => (await auditAfter(0)).at(-1)?.sequence ?? 0;

/** Asserts code, status, that nothing was issued, and a denied 'attest' record by the x509pop attestor. */
async function expectAttestDenied(attestor: OrchestratorAttestor, code: ErrorCode, grpcStatus: status, message: RegExp) {
  const before = await headSequence();
  const err = await attest(attestor).then(() => expect.fail(`expected ${code}`), (e: unknown) => e);
  expect(err).toBeInstanceOf(TesseraError);
  expect((err as TesseraError).code).toBe(code);
  expect(((err as TesseraError).cause as ServiceError).code).toBe(grpcStatus);
  expect((err as TesseraError).message).toMatch(message);
  const records = await auditAfter(before);
  expect(records.filter((r) => r.outcome === 'allowed' && r.serial !== '')).toEqual([]);
  const denied = records.filter((r) => r.operation === 'attest' && r.outcome === 'denied' && r.reason === code);
  expect(denied).toHaveLength(1);
  expect(denied[0]!.attestor).toBe('x509pop');
  expect(denied[0]!.orchestrator).toBe('');
}

describe('x509pop node attestation over gRPC', () => {
  it('ok/the orchestrator name is the leaf CN and the SVID fits the profile', async () => {
    await start();
    const before = await headSequence();
    const key = newKey();
    const orchestrator = toSvid(await attest(realClient(), key), key);
    const spiffeId = `spiffe://tessera.local/orchestrator/${NAME}`;
    expect(orchestrator.id.toString()).toBe(spiffeId);
    await expectX509SvidProfile(orchestrator.certificates, t.ca.authority.bundle.authorities[0]!, { spiffeId, privateKey: key });

    const allowed = (await auditAfter(before)).filter((r) => r.operation === 'attest' && r.outcome === 'allowed');
    expect(allowed).toHaveLength(1);
    expect(allowed[0]).toMatchObject({ attestor: 'x509pop', orchestrator: NAME, subject: spiffeId });
    // The SVID works as an orchestrator's.
    const client = clientWith(t.endpoints, t.ca.authority.bundle, orchestrator);
    clients.push(client);
    const spawned = await client.spawn({ taskId: 'task-1', sponsor: 'user-42' });
    expect(spawned.id.segments.slice(0, 2)).toEqual(['agent', NAME]);
  });

  it('fail/an answer signed by another key -> ERR_ATTESTATION_FAILED', async () => {
    await start();
    const real = realClient();
    const otherKey = generateP256Key();
    // The real payload and exactly the bytes a proof signs, but not with the leaf's key.
    const forger: OrchestratorAttestor = {
      name: real.name,
      payload: () => real.payload(),
      answer: async (challenge) => {
        const { nonce } = decodeChallenge(challenge);
        return encodeResponse(sign('sha256', signedBytes(nonce, leaf.der), { key: otherKey, dsaEncoding: 'der' }));
      },
    };
    await expectAttestDenied(forger, 'ERR_ATTESTATION_FAILED', status.UNAUTHENTICATED, /proof of possession does not verify/);
  });

  it('fail/the leaf key signing another certificate\'s proof -> ERR_ATTESTATION_FAILED', async () => {
    await start();
    const real = realClient();
    // Right key and nonce, but bound to another certificate: the proof names the leaf it was made for.
    const rebound: OrchestratorAttestor = {
      name: real.name,
      payload: () => real.payload(),
      answer: async (challenge) => {
        const { nonce } = decodeChallenge(challenge);
        return encodeResponse(sign('sha256', signedBytes(nonce, intermediate.der), { key: leaf.privateKey, dsaEncoding: 'der' }));
      },
    };
    await expectAttestDenied(rebound, 'ERR_ATTESTATION_FAILED', status.UNAUTHENTICATED, /proof of possession does not verify/);
  });

  it('fail/a plugin that declares fewer challenges than the CA sends: the SDK had half-closed -> ERR_ATTESTATION_FAILED, audited, nothing issued', async () => {
    await start();
    const before = await headSequence();
    const err = await attest({ ...realClient(), challenges: 0 }).then(() => expect.fail('expected a refusal'), (e: unknown) => e);
    expect([(err as TesseraError).code, (err as TesseraError).message])
      .toEqual(['ERR_ATTESTATION_FAILED', 'the CA sent more challenges than the x509pop attestor takes (0)']);
    await vi.waitFor(async () => {
      const records = await auditAfter(before);
      expect(records.map((r) => [r.operation, r.outcome, r.reason, r.serial])).toEqual([['attest', 'denied', 'ERR_ATTESTATION_FAILED', '']]);
    });
  });

  it('fail/a plugin whose challenges is not a whole number from 0 -> ERR_INVALID_ARGUMENT before anything is sent', async () => {
    await start();
    const before = await headSequence();
    for (const challenges of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const err = await attest({ ...realClient(), challenges }).then(() => expect.fail('expected a refusal'), (e: unknown) => e);
      expect([(err as TesseraError).code, (err as TesseraError).message])
        .toEqual(['ERR_INVALID_ARGUMENT', `the x509pop attestor's challenges must be a whole number from 0, not ${challenges}`]);
    }
    expect(await auditAfter(before)).toEqual([]);
  });

  it('fail/an answer replayed from an earlier attestation (stale nonce) -> ERR_ATTESTATION_FAILED', async () => {
    await start();
    const real = realClient();
    const captured: Uint8Array[] = [];
    const recorder: OrchestratorAttestor = {
      name: real.name,
      payload: () => real.payload(),
      answer: async (challenge) => {
        const answer = await real.answer(challenge);
        captured.push(answer);
        return answer;
      },
    };
    await attest(recorder);
    expect(captured).toHaveLength(1);
    const replayer: OrchestratorAttestor = { name: real.name, payload: () => real.payload(), answer: async () => captured[0]! };
    await expectAttestDenied(replayer, 'ERR_ATTESTATION_FAILED', status.UNAUTHENTICATED, /proof of possession does not verify/);
  });

  it('fail/a leaf from another root -> ERR_ATTESTATION_FAILED', async () => {
    await start();
    const otherRoot = await createRoot({ cn: 'Orchestrator Root' });
    const otherIntermediate = await createIntermediate(otherRoot, { cn: 'Orchestrator Issuing CA' });
    const otherLeaf = await createLeaf(otherIntermediate, { cn: NAME });
    await expectAttestDenied(realClient(otherLeaf, otherIntermediate), 'ERR_ATTESTATION_FAILED', status.UNAUTHENTICATED, /certificate chain rejected/);
  });

  it('fail/x509pop is off without configured roots -> ERR_ATTESTOR_UNKNOWN', async () => {
    await start({});
    const before = await headSequence();
    const err = await attest(realClient()).then(() => expect.fail('expected a refusal'), (e: unknown) => e);
    expect((err as TesseraError).code).toBe('ERR_ATTESTOR_UNKNOWN');
    expect(((err as TesseraError).cause as ServiceError).code).toBe(status.INVALID_ARGUMENT);
    const records = await auditAfter(before);
    expect(records.map((r) => [r.operation, r.outcome, r.reason])).toEqual([['attest', 'denied', 'ERR_ATTESTOR_UNKNOWN']]);
  });

  it('fail/messages sent out of turn end the attestation and issue nothing', async () => {
    await start();
    const before = await headSequence();
    // A raw stream: the SDK client never sends out of turn.
    const credentials = grpc.credentials.createSsl(Buffer.from(t.ca.authority.bundle.toPem()), null, null, { checkServerIdentity: () => undefined });
    const raw = new (tesseraProto().tessera.v1.NodeAttestationService)(t.endpoints.address, credentials, { 'grpc.ssl_target_name_override': 'tessera.local' });
    try {
      const call = raw.Attest();
      const refused = new Promise<ServiceError>((resolve) => call.on('error', resolve));
      call.on('data', () => {});
      call.write({ params: { attestor: 'x509pop', payload: await realClient().payload(), csr: createCsr(newKey()) } });
      for (let i = 0; i < 20; i++) call.write({ challengeResponse: Buffer.alloc(8) });
      // Messages the CA has not read yet end the attestation as out of turn (INVALID_ARGUMENT, the
      // queue holds at most one); one it read as the answer to its challenge fails as a bad answer.
      const err = await refused;
      expect([status.INVALID_ARGUMENT, status.UNAUTHENTICATED]).toContain(err.code);
    } finally {
      raw.close();
    }
    const records = await auditAfter(before);
    expect(records.filter((r) => r.outcome === 'allowed' && r.serial !== '')).toEqual([]);
    expect(records.filter((r) => r.operation === 'attest' && r.outcome === 'denied')).toHaveLength(1);
  });
});
