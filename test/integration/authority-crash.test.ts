/**
 * An authority step is durable when the CLI acknowledges it: the CA runs as a
 * real child process (the built `tessera` command), is killed with SIGKILL as
 * soon as the step's command returns, and after a restart on the same data
 * directory the step's state and its audit record are there, and the audit
 * chain verifies.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CaProcess, startCaProcess, tessera } from '../helpers/ca-process.js';

interface Shown {
  readonly authorities: ReadonlyArray<{ readonly id: string; readonly state: string }>;
}

interface Audited {
  readonly sequence: number;
  readonly operation: string;
  readonly outcome: string;
  readonly serial?: string;
}

let dir: string | undefined;
let ca: CaProcess | undefined;
afterEach(async () => {
  await ca?.stop();
  ca = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('authority steps survive kill -9', () => {
  it('ok/each step acknowledged by the CLI, the CA killed at once, restarted: the state and its audit record are there', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-authority-crash-'));
    const dataDir = join(dir, 'data');
    ca = await startCaProcess({ dataDir });
    const cli = async (...args: string[]) => {
      const run = await tessera(...args, '--socket', ca!.adminSocket, '--json');
      expect(run.code, run.stderr).toBe(0);
      return run.stdout;
    };
    const show = async (kind: string) => (JSON.parse(await cli('authority', kind, 'show')) as Shown).authorities.map((a) => [a.id, a.state]);
    const auditedAfter = async (sequence: number) => (await cli('audit', 'list', '--after', String(sequence), '--limit', '1000'))
      .trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Audited);
    const lastAudited = async () => (await auditedAfter(0)).at(-1)!.sequence;

    const stepThenKill = async (kind: 'x509' | 'jwt', step: 'prepare' | 'activate' | 'taint' | 'revoke', id?: string) => {
      const before = await lastAudited();
      const answer = JSON.parse(await cli('authority', kind, step, ...(id ? [id] : []))) as Shown;
      await ca!.stop('SIGKILL');
      ca = await startCaProcess({ dataDir });
      // What the CLI was told is what the restarted CA holds.
      const shown = await show(kind);
      for (const a of answer.authorities) expect(shown, `${kind} ${step}`).toContainEqual([a.id, a.state]);
      const records = (await auditedAfter(before)).filter((r) => r.operation === `authority.${kind}.${step}`);
      expect(records, `${kind} ${step}`).toEqual([expect.objectContaining({ outcome: 'allowed', ...(id && { serial: id }) })]);
      return answer.authorities;
    };

    const oldX509 = (await show('x509'))[0]![0]!;
    const [prepared] = await stepThenKill('x509', 'prepare');
    expect(prepared!.state).toBe('prepared');
    await stepThenKill('x509', 'activate');
    expect(await show('x509')).toEqual(expect.arrayContaining([[prepared!.id, 'active'], [oldX509, 'old']]));
    expect((await stepThenKill('x509', 'taint', oldX509))[0]!.state).toBe('tainted');
    expect((await stepThenKill('x509', 'revoke', oldX509))[0]!.state).toBe('revoked');

    const oldJwt = (await show('jwt'))[0]![0]!;
    await cli('authority', 'jwt', 'prepare');
    await cli('authority', 'jwt', 'activate');
    await cli('authority', 'jwt', 'taint', oldJwt);
    expect((await stepThenKill('jwt', 'revoke', oldJwt))[0]!.state).toBe('revoked');

    // Five kills, and the hash chain still holds every record.
    const verified = await tessera('audit', 'verify', '--socket', ca.adminSocket);
    expect(verified.code, verified.stderr).toBe(0);
  }, 300_000);
});
