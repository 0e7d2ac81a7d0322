import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authorizeId } from '../../agent-sdk/authorizer.js';
import { JwtSvidSource } from '../../agent-sdk/jwt-source.js';
import { SpiffeId } from '../../agent-sdk/spiffe-id.js';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { connectMtls, hookMtlsServer, peerId } from '../../agent-sdk/tls.js';
import type { X509Source } from '../../agent-sdk/x509-source.js';
import { verifyAudit } from '../../ca/audit/verify.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { gatewayFetch } from '../../gateway/agent-fetch.js';
import { type GatewayWorld, HTTP_SECRET, startGatewayWorld, worldRoutes } from '../helpers/gateway-world.js';
import { textUntilClose } from '../helpers/svid-pki.js';

let w: GatewayWorld;
const closers: (() => void)[] = [];
beforeEach(async () => {
  w = await startGatewayWorld();
});
afterEach(async () => {
  closers.splice(0).forEach((c) => c());
  await w.close();
});

/** A fetch through the gateway for `agent` with a token for `scopes`. */
function via(agent: X509Source, scopes: string[]) {
  const fetch = gatewayFetch(agent, { gatewayId: w.gateway.id, scopes });
  closers.push(fetch.close);
  return (path: string, init: RequestInit = {}) =>
    fetch(`https://${w.gateway.address}${path}`, { ...init, headers: { host: 'tools.local', ...(init.headers as Record<string, string>) } });
}

async function refusalOf(res: Response): Promise<{ status: number; code: string }> {
  const body = (await res.json()) as { error: { code: string } };
  return { status: res.status, code: body.error.code };
}


/** A raw HTTP/1.1 request over the agent's own mTLS connection, with a valid bound token; the whole answer. */
async function raw(agent: X509Source, request: (token: string) => string, scopes = ['search:query']): Promise<string> {
  const { token } = await new JwtSvidSource(agent).fetchJwtSvid({ audience: w.gateway.audience, scopes });
  const [host, port] = w.gateway.address.split(':') as [string, string];
  const socket = connectMtls({ host, port: Number(port) }, agent, agent, authorizeId(w.gateway.id));
  void socket.then((s) => s.write(request(token)));
  return textUntilClose(socket);
}

describe('gateway: HTTP upstream', () => {
  it('ok/in-scope: forwarded with the upstream credential and the verified agent ID, never the token or a forged ID', async () => {
    const agent = await w.agent(['search:query']);
    const res = await via(agent, ['search:query'])('/search/docs?q=tessera', { headers: { 'x-tessera-agent-id': 'spiffe://tessera.local/agent/orch/task-1/forged' } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(HTTP_SECRET);
    const seen = w.echoes.at(-1)!;
    expect(seen.url).toBe('/search/docs?q=tessera');
    expect(seen.headers.authorization).toBe(`Bearer ${HTTP_SECRET}`);
    expect(seen.headers['x-tessera-agent-id']).toBe(agent.getX509Svid().id.toString());
    expect(seen.headers['x-tessera-sponsor']).toBe('user:alice');
    expect(seen.headers['x-tessera-task']).toBe('task-1');
    expect(seen.headers['x-tessera-delegation-depth']).toBe('0');
    expect(seen.headers.host).toBe(new URL(w.echoUrl).host);
  });

  it('ok/mtls-upstream: the gateway presents its own SVID to an mTLS upstream, which sees the gateway as its peer', async () => {
    const seen: string[] = [];
    const upstream = hookMtlsServer(https.createServer((req, res) => {
      seen.push(`${peerId(req.socket as TLSSocket)} for ${req.headers['x-tessera-agent-id']}`);
      res.end('ok');
    }), w.orchestrator.source, w.orchestrator.source, authorizeId(w.gateway.id));
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    closers.push(() => void upstream.close());
    const port = (upstream.address() as net.AddressInfo).port;
    expect(w.gateway.reload({
      ...w.rawConfig,
      upstreams: { ...(w.rawConfig.upstreams as object), tool: { url: `https://127.0.0.1:${port}`, credential: { kind: 'mtls', id: w.orchestrator.id.toString() } } },
      routes: [{ name: 'tool', host: 'tools.local', methods: ['GET'], path: '/tool', upstream: 'tool', scope: 'search:query' }],
    })).toBe(true);
    const agent = await w.agent(['search:query']);
    const res = await via(agent, ['search:query'])('/tool');
    expect(await res.text()).toBe('ok');
    expect(seen).toEqual([`${w.gateway.id} for ${agent.getX509Svid().id}`]);
    upstream.closeAllConnections();
  });

  it('ok/streaming: a chunked body of several megabytes within the limit reaches the upstream whole', async () => {
    await w.close();
    w = await startGatewayWorld({ limits: { maxBodyBytes: 8 << 20 } });
    const agent = await w.agent(['write:files:*']);
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 4 << 20) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await via(agent, ['write:files:*'])('/files/big', { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(200);
    expect(w.echoes.at(-1)!.bodyBytes).toBe(4 << 20);
  });

  it('ok/metrics: the prom-client endpoint counts real decisions by operation, outcome, reason and route, and times them', async () => {
    const agent = await w.agent(['search:query', 'files:delete']);
    const call = via(agent, ['search:query']);
    expect((await call('/search/a')).status).toBe(200);
    expect((await call('/search/b')).status).toBe(200);
    expect(await refusalOf(await call('/files/report', { method: 'DELETE' }))).toEqual({ status: 403, code: 'ERR_SCOPE_NOT_GRANTED' });
    expect(await refusalOf(await call('/nowhere'))).toEqual({ status: 403, code: 'ERR_NO_ROUTE' });
    // A revoked agent refused at the handshake.
    const revoked = await w.agent(['search:query']);
    await w.t.admin.revoke({ agent: revoked.getX509Svid().id.toString(), reason: 'test' });
    await vi.waitFor(() => expect(w.gatewaySource.revocations!.isRevoked({ id: revoked.getX509Svid().id, serialHex: '', ancestors: [] })).toBe(true), { timeout: 5_000, interval: 20 });
    const [host, port] = w.gateway.address.split(':') as [string, string];
    expect(await textUntilClose(connectMtls({ host, port: Number(port) }, revoked, revoked, authorizeId(w.gateway.id)))).toBe('');

    const scrape = async () => {
      const res = await fetch(`http://${w.gateway.metricsAddress}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    // The handshake's record is written after the connection closed: wait for it to count.
    await vi.waitFor(async () => expect(await scrape()).toMatch(/^tessera_gateway_decisions_total\{operation="gateway.connect",outcome="denied",reason="ERR_REVOKED",route=""\} 1$/m), { timeout: 5_000, interval: 50 });
    const text = await scrape();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}()."|+]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('tessera_gateway_decisions_total{operation="gateway.request",outcome="allowed",reason="",route="search-get"}')).toBe(2);
    expect(value('tessera_gateway_decisions_total{operation="gateway.request",outcome="denied",reason="ERR_SCOPE_NOT_GRANTED",route="files-delete"}')).toBe(1);
    expect(value('tessera_gateway_decisions_total{operation="gateway.request",outcome="denied",reason="ERR_NO_ROUTE",route=""}')).toBe(1);
    expect(value('tessera_gateway_decision_seconds_count{outcome="allowed"}')).toBe(2);
    expect(value('tessera_gateway_decision_seconds_count{outcome="denied"}')).toBe(2);
    expect(value('tessera_gateway_journal_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('tessera_gateway_store_errors_total{op="write"}')).toBe(0);
    expect(value('tessera_gateway_routes')).toBe(worldRoutes().length);
    expect(value('tessera_gateway_config_reloads_total{result="applied"}')).toBe(1);
    const svidLeft = value('tessera_gateway_svid_expiry_seconds');
    expect(svidLeft).toBeGreaterThan(0);
    expect(svidLeft).toBeLessThanOrEqual((w.gatewaySource.getX509Svid().expiresAtMs - Date.now()) / 1000 + 1);
    expect(text).toMatch(/^tessera_gateway_build_info\{version="[^"]+",node_version="[^"]+"\} 1$/m);
    expect(text).toMatch(/^tessera_gateway_process_cpu_seconds_total /m);
    // Every name is the gateway's, and no identity is a label.
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(names.filter((n) => !n.startsWith('tessera_gateway_'))).toEqual([]);
    expect(text).not.toContain('spiffe://');
  });

  it('fail/out-of-scope: a token without files:delete is refused, the upstream never sees the call, and it is audited', async () => {
    const agent = await w.agent(['search:query', 'files:delete']);
    const call = via(agent, ['search:query']);
    // The same token first verifies for a route in scope; verified once, it is still checked against each route's scope.
    expect((await call('/search/x')).status).toBe(200);
    const res = await call('/files/report', { method: 'DELETE' });
    expect(await refusalOf(res)).toEqual({ status: 403, code: 'ERR_SCOPE_NOT_GRANTED' });
    expect(w.echoes).toHaveLength(1);
    const denied = (await w.auditRecords()).find((r) => r.outcome === 'denied')!;
    expect(denied).toMatchObject({
      operation: 'gateway.request', caller: agent.getX509Svid().id.toString(), task: 'task-1', sponsor: 'user:alice',
      route: 'files-delete', scope: 'files:delete', reason: 'ERR_SCOPE_NOT_GRANTED', depth: 0,
    });
  });

  it('fail/no-route: a path no route names is refused (default deny)', async () => {
    const agent = await w.agent(['search:query']);
    expect(await refusalOf(await via(agent, ['search:query'])('/admin/users'))).toEqual({ status: 403, code: 'ERR_NO_ROUTE' });
    expect(w.echoes).toHaveLength(0);
  });

  it('fail/wrong-connection: a token bound to another agent\'s certificate is refused on this connection', async () => {
    const alice = await w.agent(['search:query']);
    const mallory = await w.agent(['search:query']);
    const { token } = await new JwtSvidSource(alice).fetchJwtSvid({ audience: w.gateway.audience, scopes: ['search:query'] });
    const fetch = gatewayFetch(mallory, { gatewayId: w.gateway.id, scopes: ['search:query'] });
    closers.push(fetch.close);
    // Mallory's connection, Alice's token: the fetch helper's own token is replaced by the stolen one.
    const stolen = await fetch(`https://${w.gateway.address}/search/x`, { headers: { host: 'tools.local' } }).then(async (ok) => {
      expect(ok.status).toBe(200);
      const [host, port] = w.gateway.address.split(':') as [string, string];
      const socket = connectMtls({ host, port: Number(port) }, mallory, mallory, authorizeId(w.gateway.id));
      void socket.then((s) => s.write(`GET /search/x HTTP/1.1\r\nhost: tools.local\r\nauthorization: Bearer ${token}\r\nconnection: close\r\n\r\n`));
      return textUntilClose(socket);
    });
    expect(stolen).toMatch(/^HTTP\/1.1 401 /);
    expect(stolen).toContain('"code":"ERR_TOKEN_BINDING"');
    expect(w.echoes).toHaveLength(1);
    const records = await w.auditRecords();
    expect(records.find((r) => r.reason === 'ERR_TOKEN_BINDING')).toMatchObject({ caller: mallory.getX509Svid().id.toString(), route: 'search-get' });
  });

  it('fail/no-token: a request without a task token is refused', async () => {
    const agent = await w.agent(['search:query']);
    const answer = await raw(agent, () => 'GET /search/x HTTP/1.1\r\nhost: tools.local\r\nconnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 401 /);
    expect(answer).toContain('"code":"ERR_TOKEN_INVALID"');
  });

  it('fail/service-jwt-svid: a service\'s JWT-SVID from jwt mint, for the gateway\'s audience, is no task token: 401, audited', async () => {
    const agent = await w.agent(['search:query']);
    const { token } = await w.t.admin.mintJwtSvid({ spiffeId: 'spiffe://tessera.local/service/reports', audience: [w.gateway.audience] });
    const answer = await raw(agent, () => `GET /search/x HTTP/1.1\r\nhost: tools.local\r\nauthorization: Bearer ${token}\r\nconnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1.1 401 /);
    expect(answer).toContain('"code":"ERR_NOT_TASK_TOKEN"');
    expect(answer).not.toContain(token);
    expect(w.echoes).toHaveLength(0);
    const records = await w.auditRecords();
    expect(records.filter((r) => r.outcome !== 'allowed')).toMatchObject([
      { operation: 'gateway.request', outcome: 'denied', reason: 'ERR_NOT_TASK_TOKEN', caller: agent.getX509Svid().id.toString(), route: 'search-get' },
    ]);
    expect(JSON.stringify(records)).not.toContain(token.split('.')[2]);
  });

  it('fail/revoked: a revoked agent is cut off: its open connection closes, a new one is refused, both audited', async () => {
    const agent = await w.agent(['search:query']);
    const call = via(agent, ['search:query']);
    expect((await call('/search/1')).status).toBe(200);
    await w.t.admin.revoke({ agent: agent.getX509Svid().id.toString(), reason: 'test' });
    await vi.waitFor(async () => {
      const outcome = await call('/search/2').then((r) => r.status, () => 'refused');
      expect(outcome).toBe('refused');
    }, { timeout: 5_000, interval: 50 });
    expect(w.echoes).toHaveLength(1);
    const records = await w.auditRecords();
    expect(records.some((r) => r.operation === 'gateway.connect' && r.reason === 'ERR_REVOKED' && r.caller === agent.getX509Svid().id.toString())).toBe(true);
  });

  it('fail/revoked-before-connecting: an agent revoked before its first connection is refused at the handshake, audited with its ID', async () => {
    const agent = await w.agent(['search:query']);
    const id = agent.getX509Svid().id;
    await w.t.admin.revoke({ agent: id.toString(), reason: 'test' });
    // The gateway's revocation list has the entry before the agent ever connects, so no connection of it was ever verified.
    await vi.waitFor(() => expect(w.gatewaySource.revocations!.isRevoked({ id, serialHex: '', ancestors: [] })).toBe(true), { timeout: 5_000, interval: 20 });
    // A bare mTLS connection: a revoked agent gets no task token, but its SVID still verifies up to the revocation check.
    const [host, port] = w.gateway.address.split(':') as [string, string];
    expect(await textUntilClose(connectMtls({ host, port: Number(port) }, agent, agent, authorizeId(w.gateway.id)))).toBe('');
    expect(w.echoes).toHaveLength(0);
    const refused = (await w.auditRecords()).filter((r) => r.operation === 'gateway.connect');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toMatchObject({ outcome: 'denied', reason: 'ERR_REVOKED', caller: id.toString() });
  });

  it('fail/too-deep: a sub-agent is refused a route that admits only agents its orchestrator spawned', async () => {
    const parent = await w.agent(['search:query', 'files:delete']);
    expect((await via(parent, ['search:query'])('/shallow')).status).toBe(200);
    const child = await w.subAgent(parent, ['search:query']);
    expect(await refusalOf(await via(child, ['search:query'])('/shallow'))).toEqual({ status: 403, code: 'ERR_DELEGATION_DENIED' });
    const records = await w.auditRecords();
    expect(records.find((r) => r.reason === 'ERR_DELEGATION_DENIED')).toMatchObject({ caller: child.getX509Svid().id.toString(), depth: 1, route: 'shallow' });
  });

  it('fail/sponsor: a route for another sponsor is refused', async () => {
    const agent = await w.agent(['search:query']);
    expect(await refusalOf(await via(agent, ['search:query'])('/bob'))).toEqual({ status: 403, code: 'ERR_PEER_UNAUTHORIZED' });
  });

  it('fail/narrower-sub-agent: a sub-agent cannot get a token for what only its parent had', async () => {
    const parent = await w.agent(['search:query', 'files:delete']);
    expect((await via(parent, ['files:delete'])('/files/a', { method: 'DELETE' })).status).toBe(200);
    const child = await w.subAgent(parent, ['search:query']);
    await expect(via(child, ['files:delete'])('/files/a', { method: 'DELETE' })).rejects.toMatchObject({ code: 'ERR_SCOPE_NOT_GRANTED' });
    expect(await refusalOf(await via(child, ['search:query'])('/files/a', { method: 'DELETE' }))).toEqual({ status: 403, code: 'ERR_SCOPE_NOT_GRANTED' });
  });

  it.each([
    ['dot-dot', 'GET /search/../files/x HTTP/1.1\r\n'],
    ['dot', 'GET /search/./x HTTP/1.1\r\n'],
    ['encoded dot-dot', 'GET /search/%2e%2e/files/x HTTP/1.1\r\n'],
    ['encoded slash', 'GET /search%2fx HTTP/1.1\r\n'],
    ['encoded backslash', 'GET /search/%5Cx HTTP/1.1\r\n'],
    ['double slash', 'GET //search/x HTTP/1.1\r\n'],
    ['absolute form', 'GET http://tools.local/search/x HTTP/1.1\r\n'],
    ['method override header', 'GET /search/x HTTP/1.1\r\nx-http-method-override: DELETE\r\n'],
    ['method override query', 'GET /search/x?_method=DELETE HTTP/1.1\r\n'],
    ['connection naming a header', 'GET /search/x HTTP/1.1\r\nconnection: close, authorization\r\n'],
  ])('fail/crafted %s: refused with 400 and audited, nothing forwarded', async (_name, head) => {
    const agent = await w.agent(['search:query']);
    const answer = await raw(agent, (token) => `${head}host: tools.local\r\nauthorization: Bearer ${token}\r\nconnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(answer).toContain('"code":"ERR_INVALID_ARGUMENT"');
    expect(w.echoes).toHaveLength(0);
    const records = await w.auditRecords();
    expect(records.find((r) => r.outcome === 'denied')).toMatchObject({ reason: 'ERR_INVALID_ARGUMENT', caller: agent.getX509Svid().id.toString() });
  });

  it.each([
    ['Content-Length with Transfer-Encoding', 'content-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['two Content-Lengths', 'content-length: 4\r\ncontent-length: 5\r\n\r\nabcd'],
    ['Transfer-Encoding other than chunked', 'transfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
  ])('fail/smuggling %s: refused with 400, nothing forwarded', async (_name, tail) => {
    const agent = await w.agent(['write:files:*']);
    const answer = await raw(agent, (token) => `POST /files/x HTTP/1.1\r\nhost: tools.local\r\nauthorization: Bearer ${token}\r\n${tail}`, ['write:files:*']);
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(w.echoes).toHaveLength(0);
    const records = await w.auditRecords();
    expect(records.filter((r) => r.outcome === 'allowed')).toHaveLength(0);
    expect(records.find((r) => r.outcome === 'denied')?.reason).toBe('ERR_INVALID_ARGUMENT');
  });

  it('fail/too-large: a body above the limit is refused with 413', async () => {
    await w.close();
    w = await startGatewayWorld({ limits: { maxBodyBytes: 1024 } });
    const agent = await w.agent(['write:files:*']);
    const res = await via(agent, ['write:files:*'])('/files/x', { method: 'PUT', body: new Uint8Array(4096) });
    expect(await refusalOf(res)).toEqual({ status: 413, code: 'ERR_LIMIT_EXCEEDED' });
    expect(w.echoes).toHaveLength(0);
  });

  it('fail/upstream-down: 502 with ERR_UNAVAILABLE, audited as an error', async () => {
    await w.close();
    w = await startGatewayWorld({ upstreamUrl: 'http://127.0.0.1:1' });
    const agent = await w.agent(['search:query']);
    expect(await refusalOf(await via(agent, ['search:query'])('/search/x'))).toEqual({ status: 502, code: 'ERR_UNAVAILABLE' });
    const records = await w.auditRecords();
    expect(records.map((r) => [r.operation, r.outcome, r.reason])).toContainEqual(['gateway.upstream', 'error', 'ERR_UNAVAILABLE']);
  });

  it('fail/upstream-silent: 504 with ERR_TIMEOUT once the upstream timeout passes', async () => {
    const silent = net.createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    closers.push(() => void silent.close());
    await w.close();
    w = await startGatewayWorld({ upstreamUrl: `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, limits: { upstreamTimeoutMs: 300 } });
    const agent = await w.agent(['search:query']);
    expect(await refusalOf(await via(agent, ['search:query'])('/search/x'))).toEqual({ status: 504, code: 'ERR_TIMEOUT' });
    silent.close();
  });

  it('ok/audit: the decision log verifies with tessera audit verify\'s check, signed by the gateway\'s SVID only', async () => {
    const agent = await w.agent(['search:query']);
    const call = via(agent, ['search:query']);
    for (let i = 0; i < 6; i++) await call(i % 2 ? '/search/x' : '/admin');
    const gatewayId = w.gateway.id;
    const records = await w.auditRecords();
    expect(records.length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(records)).not.toContain(HTTP_SECRET);
    const store = await LevelStore.create(join(w.dir, 'gateway', 'audit'));
    try {
      const roots = [new X509Certificate(w.t.ca.authority.bundle.authorities[0]!)];
      const ok = await verifyAudit(store, { roots, signerId: gatewayId });
      expect(ok).toMatchObject({ ok: true, records: records.length });
      expect(ok.checkpoints).toBeGreaterThanOrEqual(1);
      // The same checkpoints do not pass for another signer, nor as a CA's.
      expect(await verifyAudit(store, { roots, signerId: SpiffeId.parse('spiffe://tessera.local/orchestrator/other') })).toMatchObject({ ok: false, reason: 'checkpoint_signer_untrusted' });
      expect(await verifyAudit(store, { roots })).toMatchObject({ ok: false, reason: 'checkpoint_signer_untrusted' });
    } finally {
      await store.close();
    }
  });
});
