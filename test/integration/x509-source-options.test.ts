/**
 * An X509Source's rotation and revocation options are checked before the
 * source spends its ticket or join token: a value out of range is refused with
 * ERR_INVALID_ARGUMENT naming the option, and the ticket, the environment and
 * the join token still work afterwards. Unchecked, a negative, NaN or too long
 * delay became setTimeout's 1 ms: an agent renewing in a tight loop.
 */
import { afterEach, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import { ENV, type RevocationOptions, type RotationOptions, X509Source } from '../../agent-sdk/x509-source.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { type World, startWorld } from '../helpers/revocation-world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const MAX_TIMER_MS = 2 ** 31 - 1;
const bad: Array<[string, { rotation?: RotationOptions; revocation?: RevocationOptions }, RegExp]> = [
  ['at 0', { rotation: { at: 0 } }, /^rotation\.at must be a fraction of the lifetime above 0 and below 1, not 0$/],
  ['at 1', { rotation: { at: 1 } }, /^rotation\.at .* not 1$/],
  ['at NaN', { rotation: { at: Number.NaN } }, /^rotation\.at .* not NaN$/],
  ['jitter above at', { rotation: { at: 0.5, jitter: 0.6 } }, /^rotation\.jitter must be a fraction of the lifetime from 0 to rotation\.at \(0\.5\), not 0\.6$/],
  ['jitter negative', { rotation: { jitter: -0.1 } }, /^rotation\.jitter .* not -0\.1$/],
  ['retryMs 0', { rotation: { retryMs: 0 } }, /^rotation\.retryMs must be a whole number of milliseconds from 1 to 2147483647, not 0$/],
  ['retryMs NaN', { rotation: { retryMs: Number.NaN } }, /^rotation\.retryMs .* not NaN$/],
  ['retryMs past the longest timer', { rotation: { retryMs: MAX_TIMER_MS + 1 } }, /^rotation\.retryMs .* not 2147483648$/],
  ['maxRetryMs below retryMs', { rotation: { retryMs: 5_000, maxRetryMs: 4_000 } }, /^rotation\.maxRetryMs .* from 5000 to 2147483647, not 4000$/],
  ['taintSpreadMs negative', { rotation: { taintSpreadMs: -1 } }, /^rotation\.taintSpreadMs .* from 0 to 2147483647, not -1$/],
  ['taintSpreadMs fractional', { rotation: { taintSpreadMs: 1.5 } }, /^rotation\.taintSpreadMs .* not 1\.5$/],
  ['renewWith unknown', { rotation: { renewWith: 'tls' as 'proof' } }, /^rotation\.renewWith must be 'proof' or 'mutual-tls', not tls$/],
  ['staleAfterMs 0', { revocation: { staleAfterMs: 0 } }, /^revocation\.staleAfterMs .* from 1 to \d+, not 0$/],
  ['syncTimeoutMs Infinity', { revocation: { syncTimeoutMs: Number.POSITIVE_INFINITY } }, /^revocation\.syncTimeoutMs .* not Infinity$/],
];

const refusal = (p: Promise<unknown>) => p.then(
  (source) => { (source as X509Source).close(); return expect.fail('expected ERR_INVALID_ARGUMENT'); },
  (err: unknown) => {
    expect(err).toBeInstanceOf(TesseraError);
    return [(err as TesseraError).code, (err as TesseraError).message];
  },
);

it('fail/each option out of range -> ERR_INVALID_ARGUMENT naming it; the ticket and the environment still work', async () => {
  const w = (world = await startWorld());
  const spawned = await w.orchestrator.spawn('task-1', { sponsor: 'user:alice' });
  const endpoints = w.t.endpoints;
  const bundle = w.t.ca.authority.bundle;
  for (const [what, options, message] of bad) {
    const [code, text] = await refusal(X509Source.fromTicket({ ticket: spawned.env[ENV.ticket]!, endpoints, bundle, ...options }));
    expect([what, code]).toEqual([what, 'ERR_INVALID_ARGUMENT']);
    expect(text).toMatch(message);
  }
  const env = { ...spawned.env };
  expect((await refusal(X509Source.fromEnv(env, { rotation: { retryMs: -1 } })))[0]).toBe('ERR_INVALID_ARGUMENT');
  expect(env).toEqual(spawned.env);
  const agent = w.own(await X509Source.fromEnv(env, { rotation: { at: 0.9, jitter: 0, retryMs: 1, maxRetryMs: 1, taintSpreadMs: 0 } }));
  expect(agent.getX509Svid().id.toString()).toBe(spawned.id.toString());
});

it('fail/an option out of range in fromAttestation -> ERR_INVALID_ARGUMENT before anything is sent; the join token still works', async () => {
  const w = (world = await startWorld());
  const { token } = await w.t.admin.createJoinToken({ orchestrator: 'orch-b' });
  const options = { attestor: joinTokenClient(token), endpoints: w.t.endpoints, bundle: w.t.ca.authority.bundle };
  expect(await refusal(X509Source.fromAttestation({ ...options, rotation: { maxRetryMs: Number.NaN } })))
    .toEqual(['ERR_INVALID_ARGUMENT', 'rotation.maxRetryMs must be a whole number of milliseconds from 1000 to 2147483647, not NaN']);
  const orchestrator = w.own(await X509Source.fromAttestation(options));
  expect(orchestrator.getX509Svid().id.toString()).toBe('spiffe://tessera.local/orchestrator/orch-b');
});
