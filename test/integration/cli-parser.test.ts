// The `tessera` command line as an operator meets it: per-command options and
// help, values refused with the allowed range, a closed pipe, a CA not running.
// No CA runs here: every case is refused or answered before one is needed.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { TESSERA_MAIN, tessera } from '../helpers/ca-process.js';

describe('tessera command line', () => {
  it('ok/--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const out = await tessera('--version');
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toBe(version);
  });

  it('ok/each command has its own help, naming its own options only', async () => {
    const token = await tessera('token', 'create', '--help');
    expect(token.code).toBe(0);
    expect(token.stdout).toContain('Usage: tessera token create');
    expect(token.stdout).toContain('--orchestrator <name>');
    expect(token.stdout).not.toContain('--serial');
    const revoke = await tessera('revoke', '--help');
    expect(revoke.stdout).toContain('--serial <hex>');
    expect(revoke.stdout).not.toContain('--orchestrator');
  });

  it('fail/an option of another command is refused, not ignored', async () => {
    const out = await tessera('token', 'create', '--orchestrator', 'o', '--serial', '0102', '--json');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("unknown option '--serial'");
    expect(out.stderr).toContain('tessera token create --help');
    expect((await tessera('audit', 'list', 'extra')).code).toBe(2);
  });

  it.each([
    [['token', 'create', '--orchestrator', 'o', '--ttl', '0s'], /'0s' is invalid\. allowed: a duration from 1s to 1d/],
    [['token', 'create', '--orchestrator', 'o', '--ttl', '5d'], /'5d' is invalid\. allowed: a duration from 1s to 1d/],
    [['token', 'create', '--orchestrator', 'o', '--ttl', '10'], /allowed: a duration/],
    [['audit', 'list', '--limit', 'abc'], /'abc' is invalid\. allowed: an integer from 1 to 1000/],
    [['audit', 'list', '--limit', '0'], /allowed: an integer from 1 to 1000/],
    [['audit', 'list', '--after', '-1'], /allowed: an integer from 0 to/],
    [['agents', 'list', '--status', 'dead'], /Allowed choices are active, released, revoked, expired/],
    [['ca', 'start', '--log-level', 'verbose'], /Allowed choices are silent, fatal, error, warn, info, debug, trace/],
    [['ca', 'start', '--listen', '127.0.0.1:70000'], /allowed: HOST:PORT with a port from 0 to 65535/],
    [['ca', 'start', '--mtls-listen', 'localhost'], /allowed: HOST:PORT/],
  ])('fail/bad value %j is refused with what is allowed', async (args, message) => {
    const out = await tessera(...args);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^tessera: ERR_INVALID_ARGUMENT: /);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe('');
  });

  it('fail/no CA on the socket: the error names the socket and how to point at the right one', async () => {
    const out = await tessera('agents', 'list', '--socket', '/nonexistent/tessera/admin.sock');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('ERR_UNAVAILABLE: no CA answers on the admin socket /nonexistent/tessera/admin.sock');
    expect(out.stderr).toContain('--socket PATH');
    expect(out.stderr).toContain('--data-dir DIR');
    expect(out.stderr).not.toContain('Resolution note');
  });

  it('ok/a reader that closes the pipe early ends the command quietly', async () => {
    const child = spawn(process.execPath, [TESSERA_MAIN, 'agents', 'list', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
