// `tessera jwt mint` through the built CLI against a real CA: a standard
// JWT-SVID for a service that the SDK's JWT-SVID validator and jose (an
// independent one, with the SPIFFE bundle's JWKS) accept, that the SDK's
// task-token validator refuses, audited without the token; agent and
// orchestrator IDs, bad audiences and out-of-range TTLs are refused, audited,
// and issue nothing.
import { status } from '@grpc/grpc-js';
import { type JWK, createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSpiffeBundle } from '../../agent-sdk/spiffe-bundle.js';
import { validateJwtSvid, verifyJwtSvidClaims } from '../../agent-sdk/validate-jwt-svid.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { tessera } from '../helpers/ca-process.js';
import { auditAfter, expectDenied, headSequence, refusal } from '../helpers/task-agents.js';

const TD = 'tessera.local';
const SERVICE = `spiffe://${TD}/service/billing-db`;
const API = `spiffe://${TD}/service/api`;
const REPORTS = 'https://reports.example/ingest';

let t: TestCa;
beforeEach(async () => {
  t = await startTestCa();
});
afterEach(async () => {
  await t.close();
});

const cli = (...args: string[]) => tessera(...args, '--socket', t.ca.adminSocket);

describe('tessera jwt mint', () => {
  it('ok/a standard JWT-SVID (sub, aud, exp, iat; the active kid) that the SDK and jose accept with the SPIFFE bundle; audited without the token', async () => {
    const before = await headSequence(t);
    const minted = await cli('jwt', 'mint', '--spiffe-id', SERVICE, '--audience', API, '--audience', REPORTS, '--ttl', '10m', '--json');
    expect(minted.stderr).toBe('');
    expect(minted.code).toBe(0);
    const out = JSON.parse(minted.stdout) as { spiffeId: string; audience: string[]; expiresAt: string; token: string };
    expect(out).toMatchObject({ spiffeId: SERVICE, audience: [API, REPORTS] });

    const activeJwt = JSON.parse((await cli('authority', 'jwt', 'show', '--json')).stdout) as { authorities: Array<{ id: string; state: string }> };
    const active = activeJwt.authorities.find((a) => a.state === 'active')!;
    expect(decodeProtectedHeader(out.token)).toEqual({ alg: 'ES256', kid: active.id, typ: 'JWT' });
    const claims = decodeJwt(out.token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'sub']);
    expect(claims).toMatchObject({ sub: SERVICE, aud: [API, REPORTS] });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(claims.exp! * 1000).toBe(Date.parse(out.expiresAt));

    // The trust bundle as a relying party gets it: the SPIFFE bundle document.
    const shown = await cli('bundle', 'show', '--format', 'spiffe');
    expect(shown.code).toBe(0);
    const document = JSON.parse(shown.stdout) as { keys: Array<JWK & { use: string }> };

    // The SDK's JWT-SVID validator (the Workload API's ValidateJWTSVID), for each audience.
    const { jwt: jwtBundle } = parseSpiffeBundle(TD, document);
    for (const audience of [API, REPORTS]) {
      const verified = await verifyJwtSvidClaims(out.token, { bundle: jwtBundle, audience });
      expect(verified.subject.toString()).toBe(SERVICE);
      expect(verified.audience).toEqual([API, REPORTS]);
    }
    await refusal(verifyJwtSvidClaims(out.token, { bundle: jwtBundle, audience: `spiffe://${TD}/service/other` }), 'ERR_TOKEN_INVALID');

    // jose alone, with the bundle's JWT-SVID keys as a JWKS: knows nothing of Tessera. A generic
    // JWKS reader uses only keys without `use` or with `use: sig`, so the SPIFFE `use` is dropped.
    const jwks = createLocalJWKSet({ keys: document.keys.filter((k) => k.use === 'jwt-svid').map(({ use: _use, ...key }) => key) });
    const { payload } = await jwtVerify(out.token, jwks, { audience: REPORTS, algorithms: ['ES256'] });
    expect(payload.sub).toBe(SERVICE);
    await expect(jwtVerify(out.token, jwks, { audience: 'someone-else', algorithms: ['ES256'] })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });

    // Not a task token: the SDK's task-token validator refuses it, before any binding check.
    await refusal(validateJwtSvid(out.token, { bundle: jwtBundle, audience: API, peerCertificate: t.ca.authority.bundle.authorities[0]! }), 'ERR_NOT_TASK_TOKEN');

    const records = await auditAfter(t, before);
    const mints = records.filter((r) => r.operation === 'jwt.mint');
    expect(mints.map((r) => [r.outcome, r.subject, r.reason])).toEqual([['allowed', SERVICE, '']]);
    const [, , signature] = out.token.split('.');
    expect(JSON.stringify(records)).not.toContain(signature);
  });

  it('ok/without --json it prints the token alone, for five minutes by default', async () => {
    const minted = await cli('jwt', 'mint', '--spiffe-id', SERVICE, '--audience', API);
    expect(minted.code).toBe(0);
    const claims = decodeJwt(minted.stdout.trim());
    expect(claims).toMatchObject({ sub: SERVICE, aud: [API] });
    expect(claims.exp! - claims.iat!).toBe(300);
  });

  it('fail/agent, orchestrator and foreign IDs, bad audiences and out-of-range TTLs are refused, audited, and issue nothing', async () => {
    for (const id of [`spiffe://${TD}/agent/orch-a/task-1/0`, `spiffe://${TD}/orchestrator/orch-a`, 'spiffe://other.example/service/db']) {
      const before = await headSequence(t);
      const refused = await cli('jwt', 'mint', '--spiffe-id', id, '--audience', API);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(`ERR_PERMISSION_DENIED: only a service identity spiffe://${TD}/service/<name> may be minted`);
      expect((await auditAfter(t, before)).map((r) => [r.operation, r.outcome, r.reason, r.subject])).toEqual([['jwt.mint', 'denied', 'ERR_PERMISSION_DENIED', id]]);
    }
    // The CLI refuses a TTL out of range before it calls; the CA refuses it too, with the range.
    const long = await cli('jwt', 'mint', '--spiffe-id', SERVICE, '--audience', API, '--ttl', '2h');
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('allowed: a duration from 1m to 1h');
    const noAudience = await cli('jwt', 'mint', '--spiffe-id', SERVICE);
    expect(noAudience.code).toBe(1);
    expect(noAudience.stderr).toContain("ERR_INVALID_ARGUMENT: required option '--audience <audience>' not specified");

    const short = await expectDenied(t, () => t.admin.mintJwtSvid({ spiffeId: SERVICE, audience: [API], ttlMs: 30_000 }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'jwt.mint');
    expect(short.subject).toBe(SERVICE);
    await refusal(t.admin.mintJwtSvid({ spiffeId: SERVICE, audience: [API], ttlMs: 7_200_000 }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT)
      .then((err) => expect(err.message).toContain('TTL must be from 60 to 3600 seconds'));
    await expectDenied(t, () => t.admin.mintJwtSvid({ spiffeId: SERVICE, audience: [] }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'jwt.mint');
    await expectDenied(t, () => t.admin.mintJwtSvid({ spiffeId: SERVICE, audience: ['two words'] }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'jwt.mint');
    await expectDenied(t, () => t.admin.mintJwtSvid({ spiffeId: SERVICE, audience: Array.from({ length: 17 }, (_, i) => `aud-${i}`) }), 'ERR_INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'jwt.mint');
    await expectDenied(t, () => t.admin.mintJwtSvid({ spiffeId: 'not a spiffe id', audience: [API] }), 'ERR_SPIFFE_ID_INVALID', status.INVALID_ARGUMENT, 'jwt.mint')
      .then((r) => expect(r.subject).toBe(''));
  });
});
