// The package as a user gets it: `npm pack`, installed into an empty project,
// its `tessera` command and its subpath exports; the CA run the documented way
// (node_modules/.bin/tessera ca start) stops cleanly on SIGTERM to its PID.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelStore } from '../../ca/store/level-store.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
let project: string;

// npm test builds dist/ first; packing skips the prepare script so it does not build again.
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'tessera-pkg-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], { cwd: root });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'probe', private: true, type: 'module' }));
  // From the registry, or from npm's cache when it already holds the dependencies.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${stdout.trim()}`], { cwd: project });
}, 240_000);
afterAll(() => rm(project, { recursive: true, force: true }));

describe('the installed package', () => {
  it('ok/npx tessera --version prints the packed version', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await run('npx', ['--no-install', 'tessera', '--version'], { cwd: project });
    expect(stdout.trim()).toBe(version);
  });

  it("ok/import 'tessera/agent-sdk' and 'tessera/node-attestor' resolve to the built modules", async () => {
    const probe = "const sdk = await import('tessera/agent-sdk'); const na = await import('tessera/node-attestor');" +
      "console.log(typeof sdk.X509Source, typeof sdk.SpiffeId, Object.keys(na).length > 0)";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: project });
    expect(stdout.trim()).toBe('function function true');
  });

  it('ok/SIGTERM to the PID of node_modules/.bin/tessera ca start stops the CA: ports and store released', async () => {
    const dataDir = join(project, 'data');
    const ca = spawn(join(project, 'node_modules/.bin/tessera'),
      ['ca', 'start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--mtls-listen', '127.0.0.1:0'], { cwd: project });
    let log = '';
    ca.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => ca.once('exit', resolve));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: ca.stdout }).once('line', resolve);
      ca.once('exit', (code) => reject(new Error(`CA exited (${code}): ${log}`)));
    });
    const { publicAddress } = JSON.parse(first) as { publicAddress: string };

    ca.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toContain('"msg":"tessera CA stopped"');
    const [host, port] = publicAddress.split(':');
    await expect(new Promise((resolve, reject) => net.connect(Number(port), host).once('connect', resolve).once('error', reject)))
      .rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // LevelDB admits one process: opening the store proves the CA let go of it.
    const store = await LevelStore.create(join(dataDir, 'store'));
    await store.close();
  });
});
