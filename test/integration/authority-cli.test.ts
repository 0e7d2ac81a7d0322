/**
 * The operator's commands for authorities and the bundle, run as the built
 * `tessera` command against a running CA's admin socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseSpiffeBundle } from '../../agent-sdk/spiffe-bundle.js';
import { certificatesFromPem } from '../../agent-sdk/bundle.js';
import { tessera } from '../helpers/ca-process.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';

let t: TestCa | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('tessera authority and bundle', () => {
  it('ok/show, prepare, activate, taint, revoke with --json; an illegal step exits 1 with its code; bundle show in both formats', async () => {
    t = await startTestCa();
    const socket = ['--socket', t.ca.adminSocket];
    const json = async (...args: string[]) => {
      const run = await tessera(...args, ...socket, '--json');
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { bundleSequence?: number; authorities: Array<{ id: string; state: string; certificatePem?: string }> };
    };
    const shown = await json('authority', 'x509', 'show');
    expect(shown.authorities.map((a) => a.state)).toEqual(['active']);
    expect(shown.authorities[0]!.certificatePem).toContain('BEGIN CERTIFICATE');
    const old = shown.authorities[0]!.id;

    const refused = await tessera('authority', 'x509', 'revoke', old, ...socket);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ERR_AUTHORITY_STATE');

    const prepared = (await json('authority', 'x509', 'prepare')).authorities[0]!;
    expect(prepared.state).toBe('prepared');
    expect((await json('authority', 'x509', 'activate')).authorities.map((a) => [a.id, a.state])).toEqual([[prepared.id, 'active'], [old, 'old']]);
    expect((await json('authority', 'x509', 'taint', old)).authorities[0]!.state).toBe('tainted');
    expect((await json('authority', 'x509', 'revoke', old)).authorities[0]!.state).toBe('revoked');
    const after = await json('authority', 'x509', 'show');
    expect(after.bundleSequence).toBe(t.ca.authority.bundle.sequenceNumber);
    expect((await json('authority', 'jwt', 'show')).authorities.map((a) => a.state)).toEqual(['active']);

    const pem = await tessera('bundle', 'show', ...socket);
    expect(pem.code).toBe(0);
    expect(certificatesFromPem(pem.stdout).map((c) => c.toString('base64'))).toEqual(t.ca.authority.bundle.authorities.map((c) => c.toString('base64')));
    const spiffe = await tessera('bundle', 'show', '--format', 'spiffe', ...socket);
    expect(spiffe.code).toBe(0);
    const doc = JSON.parse(spiffe.stdout) as { spiffe_sequence: number; spiffe_refresh_hint: number };
    expect(doc.spiffe_sequence).toBe(t.ca.authority.bundle.sequenceNumber);
    expect(doc.spiffe_refresh_hint).toBeGreaterThan(0);
    expect(parseSpiffeBundle('tessera.local', spiffe.stdout).jwt.authorities.size).toBe(1);
    // Eleven runs of the built command: each starts a node process (5 s apiece measured on a loaded machine).
  }, 90_000);

  it('ok/a JWT authority ID that begins with "-" (one in 64 thumbprints) reaches the CA as the ID; an unknown option is still refused', async () => {
    t = await startTestCa();
    const socket = ['--socket', t.ca.adminSocket];
    const dashId = `-${'A'.repeat(42)}`;
    // The CA answers for the ID it was given: the command line took it as the operand, and --socket after it as an option.
    const taint = await tessera('authority', 'jwt', 'taint', dashId, ...socket);
    expect(taint.code, taint.stderr).toBe(1);
    expect(taint.stderr).toContain(`ERR_NOT_FOUND: no jwt authority ${dashId}`);
    const afterDashDash = await tessera('authority', 'jwt', 'revoke', ...socket, '--', dashId);
    expect(afterDashDash.stderr).toContain(`no jwt authority ${dashId}`);
    // After the ID, `--` still ends the options: nothing after it, or only operands.
    const endsOptions = await tessera('authority', 'jwt', 'revoke', dashId, ...socket, '--');
    expect(endsOptions.stderr).toContain(`no jwt authority ${dashId}`);
    const extraOperand = await tessera('authority', 'jwt', 'revoke', dashId, '--', '--jsno', ...socket);
    expect([extraOperand.code, extraOperand.stderr]).toEqual([2, expect.stringContaining('too many arguments')]);

    const typo = await tessera('authority', 'jwt', 'taint', dashId, '--jsno', ...socket);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown option '--jsno'");
    const short = await tessera('authority', 'jwt', 'taint', '-j', ...socket);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("unknown option '-j'");
  }, 60_000);
});
