/**
 * A CA stop always ends: the server streams that never end by themselves
 * (grpc.health.v1 Watch, WatchTrustBundle, WatchRevocations) are ended by the
 * CA with OK, a call in flight finishes before the store closes, and a call
 * still open after the grace is cancelled. Real CA, real TLS, real clients.
 */
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrchestratorAttestor } from '../../agent-sdk/attestor.js';
import { CaClient, checkCaIdentity } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import type { TesseraError } from '../../agent-sdk/errors.js';
import { x509popClient } from '../../node-attestor/x509pop/client.js';
import { createLogger } from '../../ca/log.js';
import { SHUTDOWN_GRACE_MS } from '../../ca/stop-serving.js';
import { attestOrchestrator, newKey } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { createIntermediate, createLeaf, createRoot } from '../helpers/pki.js';
import { closeAll, presenting } from '../helpers/task-agents.js';

let t: TestCa | undefined;
const closers: Array<() => void> = [];
afterEach(async () => {
  closeAll();
  for (const close of closers.splice(0)) close();
  await t?.close();
  t = undefined;
});

const caCredentials = (ca: TestCa) => grpc.credentials.createSsl(
  Buffer.from(ca.ca.authority.bundle.toPem()), null, null, { checkServerIdentity: checkCaIdentity('tessera.local') },
);

/** Everything a client stream received, and its final status once it ends. */
function follow<T>(stream: grpc.ClientReadableStream<T>) {
  const messages: T[] = [];
  stream.on('data', (m: T) => messages.push(m));
  stream.on('error', () => {});
  const ended = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
  return { messages, ended };
}

/** The CA's log lines as objects. */
function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, log: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

/** An orchestrator root, and x509pop clients with leaves under it. */
const pki = (async () => {
  const root = await createRoot({ cn: 'Orchestrator Root' });
  return { root, intermediate: await createIntermediate(root, { cn: 'Orchestrator Issuing CA' }) };
})();
async function x509popOrchestrator(name: string) {
  const { root, intermediate } = await pki;
  const leaf = await createLeaf(intermediate, { cn: name });
  return { rootsPem: root.cert.toString(), real: x509popClient({ certChain: [leaf.der, intermediate.der], privateKey: leaf.privateKey }) };
}

const cancelledLine = (lines: Array<Record<string, unknown>>) => lines.find((l) => l.msg === 'calls still open after the stop grace were cancelled');

describe('stopping the CA', () => {
  it('ok/a health Watch, a bundle watcher and a revocation follower held open: the CA ends each with OK and close() does not wait out the grace', async () => {
    const { lines, log } = capturedLog();
    t = await startTestCa({ log });
    const Health = grpc.makeClientConstructor(healthService as grpc.ServiceDefinition, 'grpc.health.v1.Health');
    const health = new Health(t.endpoints.address, caCredentials(t)) as unknown as grpc.Client & {
      Watch(request: object): grpc.ClientReadableStream<{ status: string }>;
    };
    closers.push(() => health.close());
    const bundleClient = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    closers.push(() => bundleClient.close());
    const orchestrator = await attestOrchestrator(t, 'orch-stop');

    const watch = follow(health.Watch({ service: '' }));
    const bundle = follow(bundleClient.watchTrustBundle());
    const revocations = follow(presenting(t, orchestrator).watchRevocations(0));
    await expect.poll(() => [watch, bundle, revocations].every((s) => s.messages.length > 0), { timeout: 10_000 }).toBe(true);
    expect(watch.messages).toEqual([{ status: 'SERVING' }]);

    const started = performance.now();
    await t.close();
    const tookMs = performance.now() - started;
    t = undefined;
    const codes = await Promise.all([watch.ended, bundle.ended, revocations.ended].map(async (s) => (await s).code));
    expect(codes).toEqual([grpc.status.OK, grpc.status.OK, grpc.status.OK]);
    expect(watch.messages).toEqual([{ status: 'SERVING' }, { status: 'NOT_SERVING' }]);
    expect(cancelledLine(lines)).toBeUndefined();
    expect(tookMs).toBeLessThan(SHUTDOWN_GRACE_MS);
  });

  it('ok/an attestation in flight when the stop begins finishes: the stop waits for it before it closes the store', async () => {
    const { rootsPem, real } = await x509popOrchestrator('orch-late');
    t = await startTestCa({ config: { x509popRootsPem: rootsPem } });
    const ca = t;
    let closing: Promise<void> | undefined;
    // The stop begins while the CA waits for the challenge's answer, which comes 300 ms later:
    // a stop that did not wait for the call would have closed the store by then.
    const late: OrchestratorAttestor = {
      name: real.name,
      payload: () => real.payload(),
      answer: async (challenge) => {
        closing = ca.close();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return real.answer(challenge);
      },
    };
    const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    closers.push(() => client.close());
    // A stop that did not wait would have closed the journal under it: INTERNAL, nothing issued.
    const issued = await client.attest(late, createCsr(newKey()));
    await closing;
    t = undefined;
    expect(issued.id.toString()).toBe('spiffe://tessera.local/orchestrator/orch-late');
  });

  it('fail/a call still open after the grace (an orchestrator that never answers its x509pop challenge) is cancelled, and the stop ends', async () => {
    const { lines, log } = capturedLog();
    const { rootsPem, real } = await x509popOrchestrator('orch-silent');
    t = await startTestCa({ log, config: { x509popRootsPem: rootsPem, limits: { challengeTimeout: '60s', attestationTimeout: '60s' } } });
    let challenged!: () => void;
    const waiting = new Promise<void>((resolve) => (challenged = resolve));
    const silent: OrchestratorAttestor = {
      name: real.name,
      payload: () => real.payload(),
      answer: () => {
        challenged();
        return new Promise(() => {});
      },
    };
    const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    closers.push(() => client.close());
    const attest = client.attest(silent, createCsr(newKey())).then(() => 'issued', (err: TesseraError) => err.code);
    await waiting;

    await t.ca.close(300);
    t = undefined;
    expect(await attest).not.toBe('issued');
    expect(cancelledLine(lines)).toMatchObject({ level: 40, graceMs: 300, cancelled: { '/tessera.v1.NodeAttestationService/Attest': 1 } });
  });
});
