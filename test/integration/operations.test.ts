// What an operator watches: the Prometheus endpoint scraped after real
// traffic, grpc.health.v1 on the listeners and through `tessera healthcheck`,
// and one log line per operation.
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCaIdentity } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { createLogger, textDestination } from '../../ca/log.js';
import { CaMetrics } from '../../ca/metrics/ca-metrics.js';
import { serveMetrics } from '../../ca/metrics/metrics-server.js';
import { attestOrchestrator, newKey } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { tessera } from '../helpers/ca-process.js';
import { activate, closeAll, presenting, refusal, spawnAgent } from '../helpers/task-agents.js';

let t: TestCa | undefined;
const closers: Array<() => unknown> = [];
afterEach(async () => {
  closeAll();
  for (const close of closers.splice(0).reverse()) await close();
  await t?.close();
  t = undefined;
});

/** The value of one sample of the exposition text, or undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('metrics', () => {
  it('ok/a scrape after real traffic counts RPCs, issuance, renewals, tokens, denials, revocations, followers, the journal and expiry', async () => {
    const metrics = new CaMetrics();
    t = await startTestCa({ metrics });
    const endpoint = await serveMetrics(metrics, '127.0.0.1:0', createLogger('silent'));
    closers.push(() => endpoint.close());

    const orchestrator = await attestOrchestrator(t, 'orch-m');
    const agent = await spawnAgent(t, orchestrator, { taskId: 'task-m', scopes: ['repo:read'] });
    await agent.ca.renew(createCsr(newKey()));
    await agent.ca.mintJwtSvid({ audience: 'spiffe://tessera.local/service/tool', scopes: ['repo:read'] });
    await refusal(activate(t, 'not-a-ticket'), 'ERR_TICKET_INVALID');
    const follower = presenting(t, orchestrator).watchRevocations(0);
    follower.on('error', () => {});
    closers.push(() => follower.cancel());
    await new Promise((resolve) => follower.once('data', resolve));
    await t.admin.revoke({ agent: agent.svid.id.toString(), reason: 'test' });

    const res = await fetch(`http://${endpoint.address}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'tessera_rpc_handled_total', { method: '/tessera.v1.SVIDService/Spawn', code: '0' })).toBe(1);
    expect(sample(text, 'tessera_rpc_handled_total', { method: '/tessera.v1.SVIDService/Activate', code: String(grpc.status.UNAUTHENTICATED) })).toBe(1);
    expect(sample(text, 'tessera_rpc_duration_seconds_count', { method: '/tessera.v1.SVIDService/RenewX509SVID', code: '0' })).toBe(1);
    expect(sample(text, 'tessera_x509_svids_issued_total', { kind: 'orchestrator' })).toBe(1);
    expect(sample(text, 'tessera_x509_svids_issued_total', { kind: 'agent' })).toBe(1);
    expect(sample(text, 'tessera_x509_svids_issued_total', { kind: 'ca' })).toBe(1);
    expect(sample(text, 'tessera_x509_svids_renewed_total', { kind: 'agent' })).toBe(1);
    expect(sample(text, 'tessera_jwt_svids_issued_total')).toBe(1);
    expect(sample(text, 'tessera_denials_total', { operation: 'activate', reason: 'ERR_TICKET_INVALID' })).toBe(1);
    expect(sample(text, 'tessera_revocations_total', { operation: 'revoke.agent' })).toBe(1);
    expect(sample(text, 'tessera_revocation_followers')).toBe(1);
    expect(sample(text, 'tessera_journal_group_size_count')).toBeGreaterThanOrEqual(8);
    expect(sample(text, 'tessera_journal_commit_seconds_count')).toBe(sample(text, 'tessera_journal_group_size_count'));
    expect(sample(text, 'tessera_store_errors_total', { op: 'write' })).toBe(0);
    const intermediate = sample(text, 'tessera_authority_expiry_seconds', { authority: 'x509_intermediate' })!;
    expect(intermediate).toBeGreaterThan(364 * 86_400);
    expect(intermediate).toBeLessThanOrEqual(365 * 86_400);
    expect(sample(text, 'tessera_authority_expiry_seconds', { authority: 'ca_server_svid' })).toBeGreaterThan(0);
    expect(sample(text, 'tessera_build_info', { version: '0.1.0', node_version: process.versions.node })).toBe(1);
    expect(sample(text, 'tessera_process_resident_memory_bytes')).toBeGreaterThan(0);
    // Every series is the CA's own.
    expect(text.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('tessera_'))).toEqual([]);
    expect((await fetch(`http://${endpoint.address}/`)).status).toBe(404);
  });
});

describe('health', () => {
  const Health = grpc.makeClientConstructor(healthService as grpc.ServiceDefinition, 'grpc.health.v1.Health');
  const check = (client: grpc.Client, service: string) => new Promise<{ code?: number; status?: string }>((resolve) => {
    (client as unknown as { Check: (r: object, cb: (e: grpc.ServiceError | null, r?: { status: string }) => void) => void })
      .Check({ service }, (err, res) => resolve(err ? { code: err.code } : { status: res!.status }));
  });

  it('ok/grpc.health.v1 on the public TLS listener: SERVING for the CA and its services; NOT_FOUND for another', async () => {
    t = await startTestCa();
    const client = new Health(t.endpoints.address, grpc.credentials.createSsl(
      Buffer.from(t.ca.authority.bundle.toPem()), null, null, { checkServerIdentity: checkCaIdentity('tessera.local') },
    ));
    closers.push(() => client.close());
    expect(await check(client, '')).toEqual({ status: 'SERVING' });
    expect(await check(client, 'tessera.v1.SVIDService')).toEqual({ status: 'SERVING' });
    expect(await check(client, 'no.such.Service')).toEqual({ code: grpc.status.NOT_FOUND });
  });

  it('ok/tessera healthcheck exits 0 with SERVING; 1 once the CA is gone, naming the socket', async () => {
    t = await startTestCa();
    const socket = t.ca.adminSocket;
    const up = await tessera('healthcheck', '--socket', socket);
    expect(up.code).toBe(0);
    expect(up.stdout.trim()).toBe('SERVING');
    expect(JSON.parse((await tessera('healthcheck', '--socket', socket, '--json', '--service', 'tessera.v1.AdminService')).stdout)).toEqual({ status: 'SERVING' });
    const unknown = await tessera('healthcheck', '--socket', socket, '--service', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ERR_NOT_FOUND');

    await t.close();
    t = undefined;
    const down = await tessera('healthcheck', '--socket', socket);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`ERR_UNAVAILABLE: no CA answers on the admin socket ${socket}`);
  });
});

describe('operation log', () => {
  it('ok/one line per operation, allowed or denied, with identifiers and the reason code, in audit order', async () => {
    const lines: Array<Record<string, unknown>> = [];
    t = await startTestCa({ log: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) });
    const orchestrator = await attestOrchestrator(t, 'orch-l');
    const agent = await spawnAgent(t, orchestrator, { taskId: 'task-l', sponsor: 'user:bob' });
    await refusal(presenting(t, orchestrator).spawn({ taskId: 'bad/task', sponsor: 'user:bob' }), 'ERR_SPIFFE_ID_INVALID');
    await t.admin.revoke({ agent: agent.svid.id.toString() });

    const { records } = await t.admin.listAuditRecords({ limit: 1000 });
    const logged = lines.filter((l) => typeof l.seq === 'number');
    expect(logged.map((l) => [l.seq, l.msg, l.outcome])).toEqual(records.map((r) => [r.sequence, r.operation, r.outcome]));
    const spawn = logged.find((l) => l.msg === 'spawn' && l.outcome === 'allowed')!;
    expect(spawn).toMatchObject({
      level: 30, caller: orchestrator.id.toString(), subject: agent.svid.id.toString(), task: 'task-l', orchestrator: 'orch-l', sponsor: 'user:bob',
    });
    const denied = logged.find((l) => l.msg === 'spawn' && l.outcome === 'denied')!;
    expect(denied).toMatchObject({ level: 40, reason: 'ERR_SPIFFE_ID_INVALID', caller: orchestrator.id.toString() });
    expect(logged.find((l) => l.msg === 'activate')).toMatchObject({ subject: agent.svid.id.toString(), serial: expect.stringMatching(/^[0-9a-f]+$/) });
    expect(logged.find((l) => l.msg === 'revoke.agent')).toMatchObject({ outcome: 'allowed' });
  });

  it('ok/the text form for a terminal: time, level, message, then the same fields', async () => {
    const lines: string[] = [];
    t = await startTestCa({ log: createLogger('info', textDestination((line) => lines.push(line))) });
    await attestOrchestrator(t, 'orch-text');
    const attest = lines.find((l) => / INFO  attest /.test(l));
    expect(attest).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO  attest operation=attest subject=spiffe:\/\/tessera.local\/orchestrator\/orch-text orchestrator=orch-text serial=[0-9a-f]+ attestor=join_token seq=\d+ outcome=allowed$/);
    expect(lines.join('\n')).not.toContain('{"');
  });
});
