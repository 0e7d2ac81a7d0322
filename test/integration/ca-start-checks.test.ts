// `tessera ca start` refuses a bad start before it makes keys or opens a store,
// and never takes over a running CA's admin socket or data directory.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CaProcess, startCaProcess, tessera } from '../helpers/ca-process.js';

let dir: string;
let running: CaProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-start-'));
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await rm(dir, { recursive: true, force: true });
});

const start = (...args: string[]) => tessera('ca', 'start', '--listen', '127.0.0.1:0', '--mtls-listen', '127.0.0.1:0', ...args);

describe('tessera ca start: checks before anything is created', () => {
  it('fail/a configuration file that is not JSON is named with the line and column', async () => {
    const config = join(dir, 'ca.json');
    await writeFile(config, '{\n  "trustDomain": "example.org",\n}\n');
    const out = await start('--data-dir', join(dir, 'data'), '--config', config);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`tessera: ERR_CONFIG_INVALID: ${config}:3:1: not JSON`);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('fail/a setting the configuration file gets wrong names the file and the setting', async () => {
    const config = join(dir, 'ca.json');
    await writeFile(config, JSON.stringify({ csrWorkers: -1, ttl: { agent: 'soon' } }));
    const out = await start('--data-dir', join(dir, 'data'), '--config', config);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`invalid configuration (${config} and the flags)`);
    expect(out.stderr).toContain('csrWorkers: must be a non-negative integer');
    expect(out.stderr).toContain('ttl.agent: must be a duration');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('fail/a policy with a JSON error or a bad entry names the file and where', async () => {
    const policy = join(dir, 'policy.json');
    await writeFile(policy, '{ "orchestrators": { "o": { "tasks": ["t"] "scopes": [] } } }');
    const syntax = await start('--data-dir', join(dir, 'data'), '--policy', policy);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toContain(`tessera: ERR_POLICY_INVALID: ${policy}:1:44: not JSON: Expected ',' or '}' after property value`);

    await writeFile(policy, JSON.stringify({ orchestrators: { o: { tasks: ['t'], scopes: ['Not A Scope'] } } }));
    const entry = await start('--data-dir', join(dir, 'data'), '--policy', policy);
    expect(entry.code).toBe(1);
    expect(entry.stderr).toContain(`invalid policy ${policy}:`);
    expect(entry.stderr).toContain('orchestrators.o.scopes: "Not A Scope" is not a canonical scope');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it("fail/a second CA pointed at a live CA's admin socket refuses and leaves the first CA alone", async () => {
    running = await startCaProcess({ dataDir: join(dir, 'first') });
    const second = await start('--data-dir', join(dir, 'second'), '--socket', running.adminSocket);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`ERR_CONFIG_INVALID: the admin socket ${running.adminSocket} is in use by a running CA`);
    expect(existsSync(join(dir, 'second'))).toBe(false);
    // The first CA still answers on its socket.
    const listed = await tessera('audit', 'list', '--socket', running.adminSocket, '--json');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('ca.server_svid');
  });

  it('fail/a second CA on the same data directory says the store is in use', async () => {
    running = await startCaProcess({ dataDir: join(dir, 'data') });
    const keyBefore = await readFile(join(dir, 'data/keys/root-cert.pem'), 'utf8');
    const second = await start('--data-dir', join(dir, 'data'), '--socket', join(dir, 'other.sock'));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`ERR_UNAVAILABLE: the store ${join(dir, 'data/store')} is in use by another process (a CA already runs on this data directory)`);
    expect(await readFile(join(dir, 'data/keys/root-cert.pem'), 'utf8')).toBe(keyBefore);
  });

  it('fail/a file that is not a socket at --socket is refused and kept', async () => {
    const notSocket = join(dir, 'notes.txt');
    await writeFile(notSocket, 'keep me');
    const out = await start('--data-dir', join(dir, 'data'), '--socket', notSocket);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`the admin socket path ${notSocket} exists and is not a socket`);
    expect(await readFile(notSocket, 'utf8')).toBe('keep me');
  });
});
