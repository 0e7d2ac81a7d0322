import type { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { generateP256Key } from '../../agent-sdk/p256-key.js';
import { authorizeId, authorizeMatch } from '../../agent-sdk/authorizer.js';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { type ErrorCode, TesseraError } from '../../agent-sdk/errors.js';
import type { JwtBundle } from '../../agent-sdk/jwt-bundle.js';
import { JwtSvidSource } from '../../agent-sdk/jwt-source.js';
import { certificateThumbprint } from '../../agent-sdk/jwt-svid.js';
import { staticSource } from '../../agent-sdk/source.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { connectMtls, createMtlsServer } from '../../agent-sdk/tls.js';
import { X509Source } from '../../agent-sdk/x509-source.js';
import { type JwtSvidValidationOptions, peerCertificateFromCall, peerCertificateOf, validateJwtSvid } from '../../agent-sdk/validate-jwt-svid.js';
import { mtlsChannelCredentials, mtlsServerCredentials } from '../../agent-sdk/grpc.js';
import { attestOrchestrator, newKey, toSvid } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { auditAfter, closeAll, expectDenied, headSequence, presenting, refusal, spawnAgent } from '../helpers/task-agents.js';
import { jsonMethod } from '../helpers/json-grpc.js';
import { readStoredKeys } from '../helpers/stored-keys.js';

const TD = 'tessera.local';
const AUDIENCE = `spiffe://${TD}/service/search`;
const cas: TestCa[] = [];
const closers: (() => void)[] = [];
afterEach(async () => {
  closers.splice(0).forEach((c) => c());
  closeAll();
  await Promise.all(cas.splice(0).map((c) => c.close()));
});
const start = async (config?: Record<string, unknown>) => {
  const t = await startTestCa({ config });
  cas.push(t);
  return t;
};

/** The JWT bundle as a service gets it: from GetTrustBundle over the wire. */
async function fetchJwtBundle(t: TestCa): Promise<JwtBundle> {
  const client = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle });
  closers.push(() => client.close());
  await client.getTrustBundle();
  return client.jwtBundle!;
}

/** A tool service over mTLS that validates the token each caller sends on that connection and answers with the outcome. */
async function tokenService(t: TestCa, serviceSvid: X509Svid, options: Omit<JwtSvidValidationOptions, 'peerCertificate'>) {
  const source = staticSource(serviceSvid, t.ca.authority.bundle);
  const server = createMtlsServer(source, source, authorizeMatch(`spiffe://${TD}/agent/*/*/*`), {}, (socket: TLSSocket) => {
    socket.once('data', (line: Buffer) => {
      validateJwtSvid(line.toString().trim(), { ...options, peerCertificate: peerCertificateOf(socket) }).then(
        (token) => socket.end(`ok ${token.id} ${token.scopes.join(',')}\n`),
        (err: TesseraError) => socket.end(`refused ${err.code}\n`),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const port = (server.address() as AddressInfo).port;
  /** Presents `token` on a new connection made with `svid`; resolves with the service's answer. */
  return async (svid: X509Svid, token: string): Promise<string> => {
    const client = staticSource(svid, t.ca.authority.bundle);
    const socket = await connectMtls({ host: '127.0.0.1', port }, client, client, authorizeId(serviceSvid.id));
    socket.write(`${token}\n`);
    return new Promise((resolve, reject) => {
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.once('end', () => resolve(answer.trim()));
      socket.once('error', reject);
    });
  };
}

async function setup(config?: Record<string, unknown>) {
  const t = await start(config);
  const orchestrator = await attestOrchestrator(t, 'orch-a');
  const alice = await spawnAgent(t, orchestrator, { scopes: ['search:query', 'read:files:*'] });
  const bob = await spawnAgent(t, orchestrator, { scopes: ['search:query'], sponsor: 'user:bob' });
  const bundle = await fetchJwtBundle(t);
  return { t, orchestrator, alice, bob, bundle };
}

const validation = (bundle: JwtBundle, peer: X509Svid, extra: Partial<JwtSvidValidationOptions> = {}) =>
  ({ bundle, audience: AUDIENCE, peerCertificate: peer.certificates[0]!, ...extra });

async function tokenRefusal(action: Promise<unknown>, code: ErrorCode): Promise<void> {
  await refusal(action, code);
}

describe('task tokens over real mTLS', () => {
  it('ok/a token is accepted on the connection of the certificate it is bound to; fail/the same token on another agent\'s connection -> ERR_TOKEN_BINDING', async () => {
    const { t, orchestrator, alice, bob, bundle } = await setup();
    const present = await tokenService(t, orchestrator, { bundle, audience: AUDIENCE, requiredScopes: ['search:query'] });
    const { token } = await alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    expect(await present(alice.svid, token)).toBe(`ok ${alice.svid.id} search:query`);
    expect(await present(bob.svid, token)).toBe('refused ERR_TOKEN_BINDING');
    // Bob's own token works for Bob, not for Alice.
    const bobs = await bob.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    expect(await present(bob.svid, bobs.token)).toBe(`ok ${bob.svid.id} search:query`);
    expect(await present(alice.svid, bobs.token)).toBe('refused ERR_TOKEN_BINDING');
    // After a rotation the agent's new certificate is not the one the old token names.
    const key = newKey();
    const rotated = toSvid(await alice.ca.renew(createCsr(key)), key);
    expect(await present(rotated, token)).toBe('refused ERR_TOKEN_BINDING');
    const fresh = await presenting(t, rotated).mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    expect(await present(rotated, fresh.token)).toBe(`ok ${alice.svid.id} search:query`);
  });

  it('ok/claims: sub, one aud, iss, scope, task, orchestrator, sponsor, cnf x5t#S256, jti; ES256 with only alg, kid and typ', async () => {
    const { alice, bundle } = await setup();
    const minted = await alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['read:files:*', 'search:query'] });
    const header = decodeProtectedHeader(minted.token);
    expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'typ']);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect([...bundle.authorities.keys()]).toEqual([header.kid]);
    expect(bundle.toJwks().keys[0]).toMatchObject({ kid: header.kid, kty: 'EC', crv: 'P-256', use: 'jwt-svid', alg: 'ES256' });
    const claims = decodeJwt(minted.token);
    expect(claims).toMatchObject({
      iss: `spiffe://${TD}`, sub: alice.svid.id.toString(), aud: AUDIENCE, scope: 'read:files:* search:query', task: 'task-1',
      orchestrator: 'orch-a', sponsor: 'user:alice', cnf: { 'x5t#S256': certificateThumbprint(alice.svid.certificates[0]!) },
    });
    expect(claims.act).toBeUndefined();
    expect(claims.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
    const validated = await validateJwtSvid(minted.token, validation(bundle, alice.svid, { requiredScopes: ['read:files:7'] }));
    expect(validated).toMatchObject({ jti: claims.jti, sponsor: 'user:alice', task: 'task-1', orchestrator: 'orch-a', delegationChain: [] });
    expect(validated.scopes).toEqual(['read:files:*', 'search:query']);
  });

  it('fail/expired (beyond the leeway), another audience, a scope the token lacks', async () => {
    const { alice, bundle } = await setup();
    const { token, expiresAtMs } = await alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    const at = (ms: number) => ({ clock: { now: () => ms } });
    await validateJwtSvid(token, validation(bundle, alice.svid, { ...at(expiresAtMs + 3000), leewayMs: 5000 }));
    await tokenRefusal(validateJwtSvid(token, validation(bundle, alice.svid, { ...at(expiresAtMs + 6000), leewayMs: 5000 })), 'ERR_TOKEN_EXPIRED');
    await tokenRefusal(validateJwtSvid(token, validation(bundle, alice.svid, at(expiresAtMs + 60_000))), 'ERR_TOKEN_EXPIRED');
    await tokenRefusal(validateJwtSvid(token, validation(bundle, alice.svid, { audience: `spiffe://${TD}/service/other` })), 'ERR_TOKEN_INVALID');
    await tokenRefusal(validateJwtSvid(token, validation(bundle, alice.svid, { requiredScopes: ['read:files:1'] })), 'ERR_SCOPE_NOT_GRANTED');
    // Issued in the future (a CA clock far ahead, or a forged iat) is refused too.
    await tokenRefusal(validateJwtSvid(token, validation(bundle, alice.svid, at(Date.now() - 60_000))), 'ERR_TOKEN_INVALID');
  });

  it('fail/forged tokens: unknown kid, another key under the real kid, alg none, HS256 keyed with the public key, an embedded jwk, another trust domain', async () => {
    const { alice, bundle } = await setup();
    const { token } = await alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    const claims = decodeJwt(token);
    const kid = decodeProtectedHeader(token).kid!;
    const otherKey = generateP256Key();
    const signed = (header: Record<string, unknown>, key: Parameters<SignJWT['sign']>[0]) =>
      new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const publicDer = bundle.findKey(kid)!.export({ format: 'der', type: 'spki' });
    const forged = [
      await signed({ alg: 'ES256', kid: 'not-a-known-kid', typ: 'JWT' }, otherKey),
      await signed({ alg: 'ES256', kid, typ: 'JWT' }, otherKey),
      `${b64({ alg: 'none', kid, typ: 'JWT' })}.${b64(claims)}.`,
      `${b64({ alg: 'none', kid, typ: 'JWT' })}.${b64(claims)}.${token.split('.')[2]}`,
      await signed({ alg: 'HS256', kid, typ: 'JWT' }, new Uint8Array(publicDer)),
      await signed({ alg: 'HS256', kid, typ: 'JWT' }, new TextEncoder().encode(bundle.findKey(kid)!.export({ format: 'pem', type: 'spki' }) as string)),
      await signed({ alg: 'ES256', kid, typ: 'JWT', jwk: otherKey.export({ format: 'jwk' }) }, otherKey),
      token.replace(/\.[^.]+\./, `.${b64({ ...claims, scope: 'search:query read:files:*' })}.`),
      'not.a.token', '',
    ];
    for (const f of forged) await tokenRefusal(validateJwtSvid(f, validation(bundle, alice.svid)), 'ERR_TOKEN_INVALID');

    // A second CA, another trust domain: its agent's token is not one this service can verify.
    const other = await start({ trustDomain: 'other.local' });
    const otherOrchestrator = await attestOrchestrator(other, 'orch-a');
    const foreign = await spawnAgent(other, otherOrchestrator, { scopes: ['search:query'] });
    const foreignToken = await foreign.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    await tokenRefusal(validateJwtSvid(foreignToken.token, validation(bundle, foreign.svid)), 'ERR_TOKEN_INVALID');
    // Nor when it claims to be one of ours: its kid is not in our bundle.
    const claimsOurs = await new SignJWT({ ...decodeJwt(foreignToken.token), sub: alice.svid.id.toString(), iss: `spiffe://${TD}` })
      .setProtectedHeader({ alg: 'ES256', kid: decodeProtectedHeader(foreignToken.token).kid!, typ: 'JWT' }).sign(otherKey);
    await tokenRefusal(validateJwtSvid(claimsOurs, validation(bundle, alice.svid)), 'ERR_TOKEN_INVALID');
  });

  it('ok/TTL caps: at most 5 minutes, never past the SVID on that connection', async () => {
    // SVIDs longer than the token cap: with the default 5 minutes, a mint in a later second than the
    // activation is cut to the SVID (299 s), which is the other cap, not this one.
    const { t, orchestrator, alice } = await setup({ ttl: { agent: '10m' } });
    const long = await alice.ca.mintJwtSvid({ audience: AUDIENCE, ttlMs: 3_600_000 });
    const claims = decodeJwt(long.token);
    expect(claims.exp! - claims.iat!).toBe(300);
    const short = await alice.ca.mintJwtSvid({ audience: AUDIENCE, ttlMs: 30_000 });
    expect(decodeJwt(short.token).exp! - decodeJwt(short.token).iat!).toBe(30);
    const brief = await spawnAgent(t, orchestrator, { ttlMs: 20_000 });
    const bounded = await brief.ca.mintJwtSvid({ audience: AUDIENCE });
    expect(bounded.expiresAtMs).toBeLessThanOrEqual(brief.svid.expiresAtMs);
    expect(bounded.expiresAtMs - Date.now()).toBeLessThanOrEqual(20_000);
  });

  it('fail/a scope beyond the task, a malformed scope or audience, an orchestrator asking -> refused and audited', async () => {
    const { t, orchestrator, alice } = await setup();
    for (const scopes of [['write:files:1'], ['read:*:*'], ['*:*'], ['search:query', 'search:admin']]) {
      const denied = await expectDenied(t, () => alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes }), 'ERR_SCOPE_NOT_GRANTED', status.PERMISSION_DENIED, 'token.mint');
      expect(denied).toMatchObject({ caller: alice.svid.id.toString(), sponsor: 'user:alice', task: 'task-1' });
    }
    for (const scopes of [['Search:query'], ['search:query '], ['search:%71uery'], ['search::query']]) {
      await expectDenied(t, () => alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes }), 'ERR_SCOPE_INVALID', status.INVALID_ARGUMENT, 'token.mint');
    }
    await expectDenied(t, () => alice.ca.mintJwtSvid({ audience: 'two words' }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'token.mint');
    await expectDenied(t, () => presenting(t, orchestrator).mintJwtSvid({ audience: AUDIENCE }), 'ERR_PEER_UNAUTHORIZED', status.PERMISSION_DENIED, 'token.mint');
  });

  it('ok/every mint is audited with sponsor, depth, chain hash and the jti, never the token', async () => {
    const { t, alice } = await setup();
    const before = await headSequence(t);
    const { token } = await alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    const records = await auditAfter(t, before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      operation: 'token.mint', outcome: 'allowed', caller: alice.svid.id.toString(), subject: alice.svid.id.toString(),
      sponsor: 'user:alice', task: 'task-1', orchestrator: 'orch-a', depth: 0, serial: decodeJwt(token).jti,
    });
    expect(records[0]!.chainHash).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify(await auditAfter(t, 0));
    for (const part of token.split('.')) expect(everything).not.toContain(part);
    expect((await t.admin.verifyAudit()).ok).toBe(true);
  });

  it('ok/isRevoked refuses a token by jti -> ERR_REVOKED', async () => {
    const { alice, bundle } = await setup();
    const { token } = await alice.ca.mintJwtSvid({ audience: AUDIENCE });
    const revoked = new Set([decodeJwt(token).jti]);
    await tokenRefusal(validateJwtSvid(token, validation(bundle, alice.svid, { isRevoked: (tok) => revoked.has(tok.jti) })), 'ERR_REVOKED');
  });

  it('ok/typ JWT, JOSE or absent (JWT-SVID 2.3); fail/any other typ', async () => {
    const { t, alice, bundle } = await setup();
    const { token } = await alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    const claims = decodeJwt(token);
    const { kid } = decodeProtectedHeader(token);
    // Re-signed with the CA's own JWT key, read from its store while it restarts: only the header differs.
    let caKey!: KeyObject;
    await t.restart(async () => {
      caKey = (await readStoredKeys(t.dataDir)).keys.get(kid!)!.privateKey;
    });
    const withTyp = (typ?: string) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, ...(typ !== undefined && { typ }) }).sign(caKey);
    for (const typ of ['JWT', 'JOSE', undefined]) {
      expect((await validateJwtSvid(await withTyp(typ), validation(bundle, alice.svid))).jti).toBe(claims.jti);
    }
    for (const typ of ['jwt', 'JWS', 'at+jwt', '']) {
      await tokenRefusal(validateJwtSvid(await withTyp(typ), validation(bundle, alice.svid)), 'ERR_TOKEN_INVALID');
    }
  });
});

describe('task tokens on a gRPC service', () => {
  it('ok/a token in the authorization metadata is accepted on the bound channel; fail/on another agent\'s channel -> ERR_TOKEN_BINDING', async () => {
    const { t, orchestrator, alice, bob, bundle } = await setup();
    const ToolService = { search: jsonMethod('/test.Tool/Search') } satisfies grpc.ServiceDefinition;
    const server = new grpc.Server();
    server.addService(ToolService, {
      search: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const bearer = String(call.metadata.get('authorization')[0] ?? '').replace(/^Bearer /, '');
        validateJwtSvid(bearer, { bundle, audience: AUDIENCE, requiredScopes: ['search:query'], peerCertificate: peerCertificateFromCall(call) })
          .then((token) => callback(null, { sub: token.id.toString() }), (err: TesseraError) => callback(null, { refused: err.code }));
      },
    });
    const serviceSource = staticSource(orchestrator, t.ca.authority.bundle);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', mtlsServerCredentials(serviceSource, serviceSource, authorizeMatch(`spiffe://${TD}/agent/*/*/*`)),
        (err, p) => (err ? reject(err) : resolve(p))));
    closers.push(() => server.forceShutdown());
    const Client = grpc.makeGenericClientConstructor(ToolService, 'Tool');
    const search = (svid: X509Svid, token: string) => {
      const source = staticSource(svid, t.ca.authority.bundle);
      const client = new Client(`127.0.0.1:${port}`, mtlsChannelCredentials(source, source, authorizeId(orchestrator.id)));
      closers.push(() => client.close());
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      return new Promise<unknown>((resolve, reject) => {
        (client.search as (r: unknown, m: grpc.Metadata, cb: (e: grpc.ServiceError | null, r: unknown) => void) => void)(
          {}, metadata, (err, res) => (err ? reject(err) : resolve(res)));
      });
    };
    const { token } = await alice.ca.mintJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    expect(await search(alice.svid, token)).toEqual({ sub: alice.svid.id.toString() });
    expect(await search(bob.svid, token)).toEqual({ refused: 'ERR_TOKEN_BINDING' });
  });
});

describe('JwtSvidSource', () => {
  it('ok/an X509Source mints through its CA client and validates with its own JWT bundle', async () => {
    const { t, orchestrator } = await setup();
    const spawned = await presenting(t, orchestrator).spawn({ taskId: 'task-1', sponsor: 'user:alice', scopes: ['search:query'] });
    const source = await X509Source.fromTicket({ ticket: spawned.ticket, endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    closers.push(() => source.close());
    expect(source.getJwtBundleForTrustDomain(TD)?.findKey(decodeProtectedHeader((await source.caClient.mintJwtSvid({ audience: AUDIENCE })).token).kid!)).toBeDefined();
    expect(source.getJwtBundleForTrustDomain('other.local')).toBeUndefined();
    const { token } = await new JwtSvidSource(source).fetchJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] });
    const validated = await validateJwtSvid(token, { bundle: source, audience: AUDIENCE, peerCertificate: source.getX509Svid().certificates[0]! });
    expect(validated.id.equals(spawned.id)).toBe(true);
  });

  it('ok/caches per audience and scope set, mints again after half the lifetime and after a rotation', async () => {
    const { t, alice } = await setup();
    let svid = alice.svid;
    const agent = { getX509Svid: () => svid };
    const caClient = new CaClient({ endpoints: t.endpoints, bundle: t.ca.authority.bundle, svid: agent });
    closers.push(() => caClient.close());
    let offset = 0;
    const tokens = new JwtSvidSource({ caClient, getX509Svid: () => svid }, { clock: { now: () => Date.now() + offset } });
    const first = await tokens.fetchJwtSvid({ audience: AUDIENCE, scopes: ['search:query', 'read:files:*'] });
    expect(await tokens.fetchJwtSvid({ audience: AUDIENCE, scopes: ['read:files:*', 'search:query', 'search:query'] })).toBe(first);
    const [a, b] = await Promise.all([
      tokens.fetchJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] }),
      tokens.fetchJwtSvid({ audience: AUDIENCE, scopes: ['search:query'] }),
    ]);
    expect(a).toBe(b);
    expect(a.token).not.toBe(first.token);
    expect((await tokens.fetchJwtSvid({ audience: 'other' })).token).not.toBe(first.token);
    offset = 151_000; // past half of 5 minutes
    const later = await tokens.fetchJwtSvid({ audience: AUDIENCE, scopes: ['search:query', 'read:files:*'] });
    expect(later.token).not.toBe(first.token);
    const key = newKey();
    svid = toSvid(await alice.ca.renew(createCsr(key)), key);
    const rotated = await tokens.fetchJwtSvid({ audience: AUDIENCE, scopes: ['search:query', 'read:files:*'] });
    expect(rotated.boundTo).toBe(certificateThumbprint(svid.certificates[0]!));
    expect(rotated.boundTo).not.toBe(later.boundTo);
    await refusal(tokens.fetchJwtSvid({ audience: AUDIENCE, scopes: ['write:files:1'] }), 'ERR_SCOPE_NOT_GRANTED');
  });
});
