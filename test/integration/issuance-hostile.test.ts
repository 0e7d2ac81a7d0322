import 'reflect-metadata';
import { X509Certificate, randomBytes } from 'node:crypto';
import { type ServiceError, status } from '@grpc/grpc-js';
import * as x509 from '@peculiar/x509';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { type ErrorCode, TesseraError } from '../../agent-sdk/errors.js';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import type { AuditRecord__Output } from '../../agent-sdk/gen/tessera/v1/AuditRecord.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { attestOrchestrator, clientWith, newKey, toSvid } from '../helpers/agents.js';
import { createIntermediate, createLeaf, createRoot, generateKeyPair } from '../helpers/pki.js';
import { expectX509SvidProfile } from '../helpers/svid-profile.js';

x509.cryptoProvider.set(globalThis.crypto);

const TD = 'tessera.local';
let t: TestCa;
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };
const clients: CaClient[] = [];
beforeEach(() => {
  offsetMs = 0;
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await t?.close();
});
const track = (c: CaClient) => (clients.push(c), c);
const start = async (config?: Record<string, unknown>) => (t = await startTestCa({ config, clock }));
const anonymous = () => track(new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle }));
const presenting = (svid: X509Svid) => track(clientWith(t.endpoints, t.ca.authority.bundle, svid));

/** Every audit record after `afterSequence`, page by page. */
async function auditAfter(afterSequence: number): Promise<AuditRecord__Output[]> {
  const all: AuditRecord__Output[] = [];
  for (;;) {
    const { records } = await t.admin.listAuditRecords({ afterSequence: all.at(-1)?.sequence ?? afterSequence, limit: 1000 });
    if (records.length === 0) return all;
    all.push(...records);
  }
}
const headSequence = async () => (await auditAfter(0)).at(-1)?.sequence ?? 0;
const issuedIn = (records: AuditRecord__Output[]) => records.filter((r) => r.outcome === 'allowed' && r.serial !== '');
const allowedIn = (records: AuditRecord__Output[]) => records.filter((r) => r.outcome === 'allowed');

/** The refusal of `action`: its typed code, its gRPC status. */
async function refusal(action: Promise<unknown>, code: ErrorCode, grpcStatus: status): Promise<TesseraError> {
  const err = await action.then(() => expect.fail(`expected ${code}`), (e: unknown) => e);
  expect(err).toBeInstanceOf(TesseraError);
  expect((err as TesseraError).code).toBe(code);
  expect(((err as TesseraError).cause as ServiceError).code).toBe(grpcStatus);
  return err as TesseraError;
}

/**
 * Asserts the code, the status, that nothing was issued (no certificate, ticket or
 * token: no 'allowed' record at all), and one 'denied' record of `operation` with reason `code`.
 */
async function expectDenied(action: () => Promise<unknown>, code: ErrorCode, grpcStatus: status, operation: string) {
  const before = await headSequence();
  await refusal(action(), code, grpcStatus);
  const records = await auditAfter(before);
  expect(allowedIn(records)).toEqual([]);
  const denied = records.filter((r) => r.outcome === 'denied' && r.reason === code && r.operation === operation);
  expect(denied).toHaveLength(1);
  return denied;
}

async function spawnAgent(orchestrator: X509Svid, taskId = 'task-1') {
  return presenting(orchestrator).spawn({ taskId, sponsor: 'user-42' });
}
async function activatedAgent(orchestrator: X509Svid): Promise<X509Svid> {
  const { ticket } = await spawnAgent(orchestrator);
  const key = newKey();
  return toSvid(await anonymous().activate(ticket, createCsr(key)), key);
}

describe('hostile join tokens', () => {
  it('fail/reused join token -> ERR_JOIN_TOKEN_USED', async () => {
    await start();
    const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    await anonymous().attest(joinTokenClient(token), createCsr(newKey()));
    const denied = await expectDenied(() => anonymous().attest(joinTokenClient(token), createCsr(newKey())), 'ERR_JOIN_TOKEN_USED', status.UNAUTHENTICATED, 'attest');
    expect(denied[0]!.attestor).toBe('join_token');
  });

  it('fail/expired join token -> ERR_JOIN_TOKEN_EXPIRED', async () => {
    await start();
    const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    offsetMs = 10 * 60_000 + 1000;
    await expectDenied(() => anonymous().attest(joinTokenClient(token), createCsr(newKey())), 'ERR_JOIN_TOKEN_EXPIRED', status.UNAUTHENTICATED, 'attest');
  });

  it('fail/fifty concurrent attestations with one join token: exactly one succeeds', async () => {
    await start();
    const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    const before = await headSequence();
    // Five connections, ten streams each, connected beforehand so the fifty arrive in one burst.
    const pool = Array.from({ length: 5 }, anonymous);
    await Promise.all(pool.map((c) => c.getTrustBundle()));
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => pool[i % 5]!.attest(joinTokenClient(token), createCsr(newKey()))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as TesseraError] : []));
    expect(won).toHaveLength(1);
    expect(lost.map((e) => e.code)).toEqual(Array(49).fill('ERR_JOIN_TOKEN_USED'));
    expect(lost.map((e) => (e.cause as ServiceError).code)).toEqual(Array(49).fill(status.UNAUTHENTICATED));
    const records = await auditAfter(before);
    expect(issuedIn(records).map((r) => r.operation)).toEqual(['attest']);
    expect(records.filter((r) => r.operation === 'attest' && r.outcome === 'allowed')).toHaveLength(1);
    expect(records.filter((r) => r.operation === 'attest' && r.outcome === 'denied' && r.reason === 'ERR_JOIN_TOKEN_USED')).toHaveLength(49);
  });
});

describe('hostile spawn tickets and CSRs', () => {
  it('fail/reused spawn ticket -> ERR_TICKET_USED', async () => {
    await start();
    const { ticket } = await spawnAgent(await attestOrchestrator(t, 'orch-a'));
    await anonymous().activate(ticket, createCsr(newKey()));
    await expectDenied(() => anonymous().activate(ticket, createCsr(newKey())), 'ERR_TICKET_USED', status.UNAUTHENTICATED, 'activate');
  });

  it('fail/expired spawn ticket -> ERR_TICKET_EXPIRED', async () => {
    await start();
    const { ticket } = await spawnAgent(await attestOrchestrator(t, 'orch-a'));
    offsetMs = 31_000;
    await expectDenied(() => anonymous().activate(ticket, createCsr(newKey())), 'ERR_TICKET_EXPIRED', status.UNAUTHENTICATED, 'activate');
  });

  it('fail/unknown or malformed spawn ticket -> ERR_TICKET_INVALID', async () => {
    await start();
    for (const ticket of [randomBytes(32).toString('base64url'), 'not-a-ticket', '', `${'A'.repeat(42)}=`]) {
      await expectDenied(() => anonymous().activate(ticket, createCsr(newKey())), 'ERR_TICKET_INVALID', status.UNAUTHENTICATED, 'activate');
    }
  });

  it('fail/CSR with a bad signature or truncated -> ERR_CSR_INVALID', async () => {
    await start();
    const { ticket } = await spawnAgent(await attestOrchestrator(t, 'orch-a'));
    const flipped = createCsr(newKey());
    flipped[flipped.length - 1]! ^= 0x01; // the last byte of the signature's s
    const good = createCsr(newKey());
    for (const csr of [flipped, good.subarray(0, good.length - 10), good.subarray(0, 20), Buffer.alloc(0)]) {
      await expectDenied(() => anonymous().activate(ticket, csr), 'ERR_CSR_INVALID', status.INVALID_ARGUMENT, 'activate');
    }
  });

  it('ok/a CSR asking for another ID, extra SANs, a subject and CA:true gets only the ticket ID', async () => {
    await start();
    const spawned = await spawnAgent(await attestOrchestrator(t, 'orch-a'));
    const { keys, privateKey } = await generateKeyPair('P-256');
    const request = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=spiffe://tessera.local/tessera/ca, O=Evil',
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'url', value: `spiffe://${TD}/orchestrator/root` },
          { type: 'dns', value: 'ca.tessera.local' },
          { type: 'dns', value: 'localhost' },
        ]),
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
      ],
    });
    const issued = await anonymous().activate(spawned.ticket, Buffer.from(request.rawData));
    expect(issued.id.equals(spawned.id)).toBe(true);
    await expectX509SvidProfile(issued.certificates, t.ca.authority.bundle.authorities[0]!, { spiffeId: spawned.id.toString(), privateKey });
    const leaf = new X509Certificate(issued.certificates[0]!);
    expect(leaf.subject).not.toContain('Evil');
    expect(leaf.subject).not.toContain('spiffe://');
  });
});

describe('hostile renewals and spawns', () => {
  it('fail/renewal with an older SVID of the same identity -> ERR_PERMISSION_DENIED', async () => {
    await start();
    const agent = await activatedAgent(await attestOrchestrator(t, 'orch-a'));
    await presenting(agent).renew(createCsr(newKey()));
    const denied = await expectDenied(() => presenting(agent).renew(createCsr(newKey())), 'ERR_PERMISSION_DENIED', status.PERMISSION_DENIED, 'renew');
    expect(denied[0]!.caller).toBe(agent.id.toString());
  });

  it('fail/renewal past the cap -> ERR_RENEWAL_LIMIT', async () => {
    await start({ limits: { agentMaxRenewals: 1 } });
    const agent = await activatedAgent(await attestOrchestrator(t, 'orch-a'));
    const key = newKey();
    const renewed = toSvid(await presenting(agent).renew(createCsr(key)), key);
    await expectDenied(() => presenting(renewed).renew(createCsr(newKey())), 'ERR_RENEWAL_LIMIT', status.PERMISSION_DENIED, 'renew');
  });

  it('fail/spawn by an agent -> ERR_PEER_UNAUTHORIZED (PERMISSION_DENIED)', async () => {
    await start();
    const agent = await activatedAgent(await attestOrchestrator(t, 'orch-a'));
    const denied = await expectDenied(() => spawnAgent(agent), 'ERR_PEER_UNAUTHORIZED', status.PERMISSION_DENIED, 'spawn');
    expect(denied[0]!.caller).toBe(agent.id.toString());
  });

  it('fail/spawn or renew with a certificate from another CA -> the TLS handshake is refused', async () => {
    await start();
    const root = await createRoot();
    const intermediate = await createIntermediate(root);
    const id = `spiffe://${TD}/orchestrator/orch-a`;
    const leaf = await createLeaf(intermediate, { uris: [id] });
    const foreign: X509Svid = {
      id: SpiffeId.parse(id), certificates: [leaf.der, intermediate.der], privateKey: leaf.privateKey,
      notBeforeMs: Date.now() - 60_000, expiresAtMs: Date.now() + 3_600_000,
    };
    const before = await headSequence();
    const err = await refusal(presenting(foreign).spawn({ taskId: 'task-1', sponsor: 'user-42' }), 'ERR_UNAVAILABLE', status.UNAVAILABLE);
    expect(err.message).toMatch(/connect/i);
    await refusal(presenting(foreign).renew(createCsr(newKey())), 'ERR_UNAVAILABLE', status.UNAVAILABLE);
    // Refused below gRPC: nothing was issued and no handler ran, so there is nothing to audit.
    expect(await auditAfter(before)).toEqual([]);
    // The control: the same calls with an SVID of this CA go through.
    await spawnAgent(await attestOrchestrator(t, 'orch-a'));
  });

  it('fail/malformed task ids -> ERR_SPIFFE_ID_INVALID', async () => {
    await start();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    for (const taskId of ['..', '.', 'a/b', '%2e%2e', 'a%2Fb', '', 'a b', 'tâche', 'x'.repeat(3000)]) {
      await expectDenied(() => spawnAgent(orchestrator, taskId), 'ERR_SPIFFE_ID_INVALID', status.INVALID_ARGUMENT, 'spawn');
    }
  });

  it('ok/task ids with uppercase letters and 300 characters are valid path segments', async () => {
    await start();
    const orchestrator = await attestOrchestrator(t, 'orch-a');
    for (const taskId of ['Task-1', 'x'.repeat(300)]) {
      const spawned = await spawnAgent(orchestrator, taskId);
      expect(spawned.id.segments.slice(0, 3)).toEqual(['agent', 'orch-a', taskId]);
    }
  });

  it('fail/bad sponsor -> ERR_INVALID_ARGUMENT', async () => {
    await start();
    const client = presenting(await attestOrchestrator(t, 'orch-a'));
    for (const sponsor of ['', 'user 42', 'user\n42', 'x'.repeat(257)]) {
      await expectDenied(() => client.spawn({ taskId: 'task-1', sponsor }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'spawn');
    }
  });

  it('fail/join token for a malformed orchestrator name -> ERR_SPIFFE_ID_INVALID', async () => {
    await start();
    for (const orchestrator of ['..', 'a/b', '%2e', '', 'Orch A']) {
      await expectDenied(() => t.admin.createJoinToken({ orchestrator }), 'ERR_SPIFFE_ID_INVALID', status.INVALID_ARGUMENT, 'join_token.create');
    }
  });
});
