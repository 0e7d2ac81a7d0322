/**
 * No secrets anywhere (issue 7). The whole flow runs against a real CA (in this
 * process, its log captured at pino's most verbose level, `trace`; gRPC's own
 * tracing on for every channel and server of the process) on a real level
 * directory: join-token attestation, spawn, activation, renewal, task tokens
 * minted and validated on real mTLS connections, delegation, revocation,
 * release and task completion, plus refused requests with used, unknown,
 * misplaced and tampered tickets, join tokens and task tokens. Then it scans:
 *
 * - every line the CA logged and every line gRPC traced;
 * - every audit record (ListAuditRecords);
 * - every error the clients saw (message, stack, properties, the whole `.cause` chain)
 *   and every error the SDK reported by event (`updateFailed`, `peerRejected`);
 * - every file of the data directory except the CA key files (`keys/*-key.pem`), as
 *   raw bytes, and every key and value of the store as the store returns them
 *   (LevelDB compresses its tables, so raw bytes alone could hide a hit);
 *
 * for every private key an agent or orchestrator held (PEM, DER in base64, the JWK
 * `d` in base64url and hex), every spawn ticket and join token (as text and as the
 * hex of its bytes), and every task token and service JWT-SVID from `jwt mint` (the
 * JWT and its signature). A hit fails the test, naming where it was.
 */
import type { KeyObject } from 'node:crypto';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { inspect } from 'node:util';
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authorizeId, authorizeMatch } from '../../agent-sdk/authorizer.js';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { systemClock } from '../../agent-sdk/clock.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { delegateToSubAgent } from '../../agent-sdk/delegation.js';
import { type ErrorCode, TesseraError } from '../../agent-sdk/errors.js';
import { JwtSvidSource } from '../../agent-sdk/jwt-source.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { connectMtls, createMtlsServer, peerId } from '../../agent-sdk/tls.js';
import { peerCertificateOf, validateJwtSvid } from '../../agent-sdk/validate-jwt-svid.js';
import { X509Source } from '../../agent-sdk/x509-source.js';
import { AdminClient } from '../../ca/admin-client.js';
import { validateConfig } from '../../ca/config.js';
import { createLogger } from '../../ca/log.js';
import { CaMetrics } from '../../ca/metrics/ca-metrics.js';
import { CaServer } from '../../ca/server.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import type { AuditRecord__Output } from '../../agent-sdk/gen/tessera/v1/AuditRecord.js';

// gRPC reads its tracing switches when it is loaded: turn everything on before any import runs.
vi.hoisted(() => {
  process.env.GRPC_TRACE = 'all';
  process.env.GRPC_VERBOSITY = 'DEBUG';
});

const TD = 'tessera.local';
const SERVICE = `spiffe://${TD}/service/tool`;

let dataDir: string | undefined;
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

/** Every secret the flow handled, with the spellings under which it could leak. */
class Secrets {
  readonly #needles = new Map<string, string>(); // spelling -> what it is

  key(what: string, key: KeyObject): void {
    const jwk = key.export({ format: 'jwk' });
    this.#add(`${what} private key (PEM)`, key.export({ format: 'pem', type: 'pkcs8' }).toString());
    this.#add(`${what} private key (PKCS#8 DER, base64)`, key.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
    this.#add(`${what} private key (SEC1 DER, base64)`, key.export({ format: 'der', type: 'sec1' }).toString('base64'));
    this.#add(`${what} private key (JWK d)`, jwk.d!);
    this.#add(`${what} private key (d, hex)`, Buffer.from(jwk.d!, 'base64url').toString('hex'));
  }

  /** A spawn ticket or join token: its text, and its bytes in hex. */
  oneTime(what: string, secret: string): void {
    this.#add(what, secret);
    this.#add(`${what} (bytes, hex)`, Buffer.from(secret, 'base64url').toString('hex'));
  }

  jwt(what: string, token: string): void {
    this.#add(what, token);
    this.#add(`${what} (signature)`, token.split('.')[2]!);
  }

  /** The seeded secrets `haystack` contains, as "<what> in <where>". */
  find(where: string, haystack: string | Buffer): string[] {
    const hits: string[] = [];
    for (const [needle, what] of this.#needles) if (haystack.includes(needle)) hits.push(`${what} in ${where}`);
    return hits;
  }

  get size(): number {
    return this.#needles.size;
  }

  #add(what: string, needle: string): void {
    // Short spellings could match by chance; every secret here is at least 32 random bytes.
    expect(needle.length, what).toBeGreaterThanOrEqual(40);
    this.#needles.set(needle, what);
  }
}

/** Every key a source holds now and after each rotation. */
function trackKeys(secrets: Secrets, what: string, source: X509Source): X509Source {
  const record = () => secrets.key(`${what} ${source.getX509Svid().id}`, source.getX509Svid().privateKey);
  record();
  source.on('update', record);
  return source;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

describe('no secrets anywhere', () => {
  it('ok/the whole flow at trace level: no key, ticket, join token or task token in logs, audit records, errors or the data directory', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-no-secrets-'));
    const secrets = new Secrets();
    const caLog: string[] = [];
    const grpcLog: string[] = [];
    const capture = (...args: unknown[]) => grpcLog.push(args.map(String).join(' '));
    grpc.setLogger({ error: capture, info: capture, debug: capture } as unknown as Partial<Console>);
    grpc.setLogVerbosity(grpc.logVerbosity.DEBUG);
    closers.push(() => grpc.setLogger(console));

    const metrics = new CaMetrics();
    const ca = await CaServer.start(
      validateConfig({ dataDir, publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0' }),
      { clock: systemClock, log: createLogger('trace', { write: (line: string) => void caLog.push(line) }), metrics },
    );
    let caOpen = true;
    closers.push(() => caOpen && ca.close());
    const endpoints = { address: ca.publicAddress, mtlsAddress: ca.mtlsAddress };
    const bundle = ca.authority.bundle;
    const admin = new AdminClient(ca.adminSocket);
    closers.push(() => admin.close());

    // Every error a client saw, and every one the SDK reported by event.
    const errors: Array<{ where: string; err: unknown }> = [];
    const refused = async (where: string, action: Promise<unknown>, code: ErrorCode) => {
      const err = await action.then(() => expect.fail(`${where}: expected ${code}`), (e: unknown) => e);
      expect(err, where).toBeInstanceOf(TesseraError);
      expect((err as TesseraError).code, where).toBe(code);
      errors.push({ where, err });
    };
    const watch = (what: string, source: X509Source) => {
      source.on('updateFailed', (err: unknown) => errors.push({ where: `${what} updateFailed`, err }));
      return source;
    };

    // Attestation with a join token; the token works once.
    const { token: joinToken } = await admin.createJoinToken({ orchestrator: 'orch-a' });
    secrets.oneTime('join token', joinToken);
    const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(joinToken), endpoints, bundle });
    closers.push(() => orchestrator.close());
    trackKeys(secrets, 'orchestrator', watch('orchestrator', orchestrator.source));
    const publicClient = new CaClient({ endpoints, bundle });
    closers.push(() => publicClient.close());
    const { token: serviceJoinToken } = await admin.createJoinToken({ orchestrator: 'orch-svc' });
    secrets.oneTime('service join token', serviceJoinToken);
    const serviceOrchestrator = await Orchestrator.attest({ attestor: joinTokenClient(serviceJoinToken), endpoints, bundle });
    closers.push(() => serviceOrchestrator.close());
    const service = trackKeys(secrets, 'service', watch('service', serviceOrchestrator.source));
    await refused('attest with a used join token', Orchestrator.attest({ attestor: joinTokenClient(joinToken), endpoints, bundle }), 'ERR_JOIN_TOKEN_USED');

    // Spawn, activation, and the ticket works once.
    const spawned = await orchestrator.spawn('task-1', { sponsor: 'user:alice', scopes: ['search:query', 'read:files:*'] });
    const ticket = spawned.env.TESSERA_SPAWN_TICKET!;
    secrets.oneTime('spawn ticket', ticket);
    const agent = trackKeys(secrets, 'agent', watch('agent', await X509Source.fromEnv({ ...spawned.env })));
    closers.push(() => agent.close());
    await refused('activate with a used ticket', publicClient.activate(ticket, createCsr(generateP256Key())), 'ERR_TICKET_USED');
    await refused('activate with a join token as the ticket', publicClient.activate(joinToken, createCsr(generateP256Key())), 'ERR_TICKET_INVALID');
    await refused('attest with a spawn ticket as the join token', publicClient.attest(joinTokenClient(ticket), createCsr(generateP256Key())), 'ERR_JOIN_TOKEN_INVALID');
    const other = await orchestrator.spawn('task-1', { sponsor: 'user:alice', scopes: ['search:query'] });
    secrets.oneTime('second spawn ticket', other.env.TESSERA_SPAWN_TICKET!);
    const second = trackKeys(secrets, 'second agent', watch('second agent', await X509Source.fromEnv({ ...other.env })));
    closers.push(() => second.close());

    // Renewal: a new key each time.
    await agent.rotate();
    await second.rotate();

    // Task tokens, presented on real mTLS connections to a service that validates them.
    const validations: Array<{ where: string; result: Promise<unknown> }> = [];
    const server = createMtlsServer(service, service, authorizeMatch(`spiffe://${TD}/agent/orch-a/*/*`), {}, (socket: tls.TLSSocket) => {
      socket.on('error', () => {});
      socket.once('data', (line: Buffer) => {
        const result = validateJwtSvid(line.toString().trim(), {
          bundle: service, audience: SERVICE, requiredScopes: ['search:query'], peerCertificate: peerCertificateOf(socket),
        });
        validations.push({ where: `service validating a token from ${peerId(socket)}`, result });
        result.then(() => socket.end('ok\n'), () => socket.end('refused\n'));
      });
    });
    server.on('peerRejected', (err: unknown) => errors.push({ where: 'service peerRejected', err }));
    closers.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const present = async (from: X509Source, jwt: string): Promise<string> => {
      const socket = await connectMtls({ host: '127.0.0.1', port }, from, from, authorizeId(service.getX509Svid().id));
      return new Promise((resolve) => {
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('error', () => {});
        socket.once('close', () => resolve(text.trim()));
        socket.write(`${jwt}\n`);
      });
    };
    const { token: jwt } = await new JwtSvidSource(agent).fetchJwtSvid({ audience: SERVICE, scopes: ['search:query'] });
    secrets.jwt('task token', jwt);
    const { token: otherAudience } = await agent.caClient.mintJwtSvid({ audience: `spiffe://${TD}/service/other`, scopes: ['search:query'] });
    secrets.jwt('task token for another audience', otherAudience);
    expect(await present(agent, jwt)).toBe('ok');
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    secrets.jwt('tampered task token', tampered);
    expect(await present(second, jwt)).toBe('refused'); // bound to the other agent's certificate
    expect(await present(agent, tampered)).toBe('refused');
    expect(await present(agent, otherAudience)).toBe('refused');
    // A service's JWT-SVID (tessera jwt mint): a bearer token no task-token check accepts.
    const { token: serviceJwt } = await admin.mintJwtSvid({ spiffeId: SERVICE, audience: [SERVICE] });
    secrets.jwt('service JWT-SVID from jwt mint', serviceJwt);
    expect(await present(agent, serviceJwt)).toBe('refused');
    await refused('mint a JWT-SVID for an agent', admin.mintJwtSvid({ spiffeId: agent.getX509Svid().id.toString(), audience: [SERVICE] }), 'ERR_PERMISSION_DENIED');
    await refused('activate with a task token as the ticket', publicClient.activate(jwt, createCsr(generateP256Key())), 'ERR_TICKET_INVALID');
    // The SDK's join-token client would refuse to send it: send the bytes as they are.
    const rawJoinToken = (text: string) => ({ name: 'join_token', payload: async () => Buffer.from(text), answer: async () => Buffer.alloc(0) });
    await refused('attest with a task token as the join token', publicClient.attest(rawJoinToken(jwt), createCsr(generateP256Key())), 'ERR_JOIN_TOKEN_INVALID');
    await refused('attest with a spawn ticket as the join token (sent raw)', publicClient.attest(rawJoinToken(ticket), createCsr(generateP256Key())), 'ERR_JOIN_TOKEN_INVALID');
    await refused('mint a token beyond the task scopes', agent.caClient.mintJwtSvid({ audience: SERVICE, scopes: ['write:files:1'] }), 'ERR_SCOPE_NOT_GRANTED');

    // Delegation, and a delegation beyond the delegator's scopes.
    const delegated = await delegateToSubAgent(agent, { scopes: ['search:query'] });
    secrets.oneTime('delegated spawn ticket', delegated.env.TESSERA_SPAWN_TICKET!);
    const sub = trackKeys(secrets, 'sub-agent', watch('sub-agent', await X509Source.fromEnv({ ...delegated.env })));
    closers.push(() => sub.close());
    const { token: subJwt } = await sub.caClient.mintJwtSvid({ audience: SERVICE, scopes: ['search:query'] });
    secrets.jwt('sub-agent task token', subJwt);
    expect(await present(sub, subJwt)).toBe('ok');
    expect(await present(sub, jwt)).toBe('refused');
    await refused('delegate beyond the scopes', delegateToSubAgent(agent, { scopes: ['write:files:*'] }), 'ERR_DELEGATION_DENIED');

    // Revocation, release, task completion, and what is refused after them.
    await admin.revoke({ agent: sub.getX509Svid().id.toString(), reason: 'no longer needed' });
    await vi.waitFor(() => expect(service.revocations!.isRevoked({ id: sub.getX509Svid().id })).toBe(true));
    expect(await present(agent, jwt)).toBe('ok');
    await refused('mint after revocation', sub.caClient.mintJwtSvid({ audience: SERVICE, scopes: ['search:query'] }), 'ERR_REVOKED');
    await refused('validate a revoked agent\'s token', validateJwtSvid(subJwt, { bundle: service, audience: SERVICE, peerCertificate: sub.getX509Svid().certificates[0]! }), 'ERR_REVOKED');
    const released = second.getX509Svid();
    await second.release();
    const releasedClient = new CaClient({ endpoints, bundle, svid: { getX509Svid: () => released } });
    closers.push(() => releasedClient.close());
    await refused('renew after release', releasedClient.renew(createCsr(generateP256Key())), 'ERR_REVOKED');
    await orchestrator.completeTask('task-1');
    await refused('activate a ticket of a completed task', (async () => {
      const late = await orchestrator.spawn('task-2', { sponsor: 'user:alice', scopes: ['search:query'] });
      secrets.oneTime('late spawn ticket', late.env.TESSERA_SPAWN_TICKET!);
      await orchestrator.completeTask('task-2');
      return publicClient.activate(late.env.TESSERA_SPAWN_TICKET!, createCsr(generateP256Key()));
    })(), 'ERR_REVOKED');
    await refused('spawn into a completed task', orchestrator.spawn('task-1', { sponsor: 'user:alice' }), 'ERR_REVOKED');

    for (const { where, result } of validations) await result.catch((err: unknown) => errors.push({ where, err }));
    expect(errors.filter((e) => e.where.startsWith('service validating')).map((e) => (e.err as TesseraError).code).sort())
      .toEqual(['ERR_NOT_TASK_TOKEN', 'ERR_TOKEN_BINDING', 'ERR_TOKEN_BINDING', 'ERR_TOKEN_INVALID', 'ERR_TOKEN_INVALID']);

    // The scanner finds what it looks for, in any surrounding.
    expect(secrets.find('a self-check', inspect({ nested: [`x${ticket}y`] }))).toEqual(['spawn ticket in a self-check']);
    expect(secrets.find('a self-check', `"d":"${agent.getX509Svid().privateKey.export({ format: 'jwk' }).d}"`)).toHaveLength(1);

    // Everything is written: read the audit log, then stop the CA (final checkpoint) and read its directory.
    const audit: AuditRecord__Output[] = [];
    for (;;) {
      const { records } = await admin.listAuditRecords({ afterSequence: audit.at(-1)?.sequence ?? 0, limit: 1000 });
      if (records.length === 0) break;
      audit.push(...records);
    }
    const scraped = await metrics.registry.metrics();
    for (const close of closers.splice(2).reverse()) await close(); // everything but the CA and its admin client
    admin.close();
    await ca.close();
    caOpen = false;

    const hits: string[] = [];
    hits.push(...secrets.find('the CA log', caLog.join('')));
    hits.push(...secrets.find('the gRPC trace', grpcLog.join('\n')));
    hits.push(...secrets.find('the metrics', scraped));
    for (const record of audit) hits.push(...secrets.find(`audit record ${record.sequence} (${record.operation})`, JSON.stringify(record)));
    for (const { where, err } of errors) {
      // inspect shows the message, the stack, every own property (a ServiceError's details and
      // metadata) and the cause chain, however deep.
      hits.push(...secrets.find(`the error of "${where}"`, inspect(err, { depth: Infinity, showHidden: true })));
      for (let e: unknown = err; e instanceof Error; e = e.cause) hits.push(...secrets.find(`the message of an error of "${where}"`, e.message));
    }
    const files = (await filesUnder(dataDir)).filter((f) => !/^keys\/[^/]*-key\.pem$/.test(relative(dataDir!, f)));
    for (const file of files) hits.push(...secrets.find(`file ${relative(dataDir, file)}`, await readFile(file)));
    const store = await LevelStore.create(join(dataDir, 'store'));
    let entries = 0;
    for await (const [key, value] of store.entries({})) {
      entries++;
      hits.push(...secrets.find(`store key ${key}`, key), ...secrets.find(`store value of ${key}`, Buffer.from(value)));
    }
    await store.close();
    expect(hits).toEqual([]);

    // The scan saw what it should have: the flow, the log, the trace, the store.
    // 7 keys (5 spellings each), 6 tickets and join tokens (2 each), 4 task tokens and a service JWT-SVID (2 each).
    expect(secrets.size).toBe(57);
    expect(caLog.join('')).toContain('tessera CA listening');
    // The log holds one line per operation, so the scan of the log covered every one.
    const operationLines = caLog.map((l) => JSON.parse(l) as { seq?: number }).filter((l) => l.seq !== undefined);
    expect(operationLines.map((l) => l.seq)).toEqual(audit.map((r) => r.sequence));
    expect(scraped).toContain('tessera_x509_svids_renewed_total{kind="agent"}');
    expect(grpcLog.length).toBeGreaterThan(100);
    expect(errors.length).toBeGreaterThanOrEqual(16);
    expect(audit.map((r) => r.operation)).toEqual(expect.arrayContaining([
      'attest', 'spawn', 'activate', 'renew', 'token.mint', 'delegate.prepare', 'delegate', 'revoke.agent', 'release', 'task.complete',
    ]));
    expect(files.map((f) => relative(dataDir!, f))).toEqual(expect.arrayContaining(['keys/root-cert.pem']));
    expect(entries).toBeGreaterThan(audit.length);
    console.log(`no secrets: ${secrets.size} spellings of secrets checked against ${caLog.length} CA log lines, ${grpcLog.length} gRPC trace lines, ` +
      `${audit.length} audit records, ${errors.length} errors, ${files.length} files and ${entries} store entries`);
  });
});
