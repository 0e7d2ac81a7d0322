// The README's "Running a CA" block, run exactly as written by bash in an
// empty directory where this checkout is installed (node_modules linked), as
// an operator would paste it. It uses the CA's default ports (8443, 8444) and 9090,
// so a suite running beside this one waits for them (withHostLock), and a port held
// by anything else fails at once by name rather than as a hang.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { withHostLock } from '../helpers/host-lock.js';

const root = new URL('../..', import.meta.url).pathname;
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The first ```sh block after `heading`. */
function shellBlockAfter(markdown: string, heading: string): string {
  const section = markdown.slice(markdown.indexOf(`\n${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`no sh block after ${heading}`);
  return block[1]!;
}

async function assertFree(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`port ${port}, which the README's commands use, is taken by another process`, { cause: err })));
    server.listen(port, '127.0.0.1', resolve);
  });
  await new Promise((resolve) => server.close(resolve));
}

describe('README', () => {
  it('ok/the "Running a CA" commands work as written', async () => {
    const block = shellBlockAfter(await readFile(join(root, 'README.md'), 'utf8'), '## Running a CA');
    dir = await mkdtemp(join(tmpdir(), 'tessera-readme-'));
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
    const env = { ...process.env };
    delete env.TESSERA_DATA_DIR;
    const { stdout, stderr } = await withHostLock('default-ports', async () => {
      for (const port of [8443, 8444, 9090]) await assertFree(port);
      return promisify(execFile)('bash', ['-e', '-c', block], { cwd: dir, env });
    });

    expect(stdout).toMatch(/^bundle +.*\/\.data\/keys\/root-cert\.pem$/m);
    expect(stdout).toMatch(/^SERVING$/m);
    const token = JSON.parse(stdout.split('\n').find((l) => l.includes('"token"'))!) as { spiffeId: string };
    expect(token.spiffeId).toBe('spiffe://tessera.local/orchestrator/orch-a');
    expect(stdout).toMatch(/join_token\.create allowed +subject=spiffe:\/\/tessera\.local\/orchestrator\/orch-a/);
    // The first start's root adoption and four authority steps (x509 and jwt, prepare and activate), the CA's server SVID, the token.
    expect(stdout).toMatch(/^audit log OK: 7 records/m);
    expect(stderr).toContain('"msg":"tessera CA stopped"');
  }, 240_000); // with up to one other suite's run of the block to wait for
});
