// What a `tessera` command line loads before it does anything. Every test that
// spawns the CLI pays for it on each call, and on a busy machine a command that
// loads the whole CA (gRPC, every .proto parsed, the store, the server) costs
// half a second of CPU before it prints its version. A command file declares
// its options cheaply and loads its implementation only when it runs
// (ca/cli/command.ts); this test names what each command line may not load.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TESSERA_MAIN } from '../helpers/ca-process.js';

const run = promisify(execFile);
const RECORDER = new URL('../fixtures/module-recorder.mjs', import.meta.url).pathname;
const DIST = new URL('../../dist/', import.meta.url).href;

/** The project's modules only the command lines that run them may load (paths under dist/): the server and its store, the gateway, the workload agent... */
const SERVER = ['ca/server.js', 'ca/store/', 'ca/audit/', 'gateway/', 'workload-agent/agent.js'];
/** ...and the gRPC clients, with the protos they parse. */
const GRPC_CLIENTS = ['agent-sdk/proto.js', 'ca/admin-client.js', 'ca/authority-client.js', 'ca/health-client.js'];
const among = (modules: string[], parts: string[]) => modules.filter((m) => parts.some((part) => m.startsWith(part)));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cli-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `tessera args` and resolves with its exit code, the npm packages it loaded and the project modules it loaded (paths under dist/). */
async function modulesOf(...args: string[]): Promise<{ code: number; packages: string[]; project: string[] }> {
  const record = join(dir, `${args.join('_').replace(/[^\w-]/g, '')}.txt`);
  let code = 0;
  try {
    await run(process.execPath, ['--import', RECORDER, TESSERA_MAIN, ...args], { env: { ...process.env, MODULE_RECORD: record } });
  } catch (err) {
    code = (err as { code: number }).code;
  }
  const urls = [...new Set((await readFile(record, 'utf8')).split('\n').filter(Boolean))];
  const packages = new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p) => p !== undefined));
  const project = urls.filter((u) => u.startsWith(DIST)).map((u) => u.slice(DIST.length));
  return { code, packages: [...packages].sort(), project };
}

describe('what a tessera command line loads', () => {
  it.each([
    [['--version']],
    [['--help']],
    [['agents', 'list', '--help']],
    [['ca', 'start', '--help']],
    [['completion', 'bash']],
  ])('ok/`tessera %j` loads the parser and no other package, nor any part of the server', async (args) => {
    const { code, packages, project } = await modulesOf(...args);
    expect(code).toBe(0);
    expect(packages).toEqual(['commander']);
    expect(among(project, [...SERVER, ...GRPC_CLIENTS])).toEqual([]);
  });

  it('ok/`config check` reads the configuration without gRPC, the store or the server', async () => {
    const { code, packages, project } = await modulesOf('config', 'check', '--data-dir', join(dir, 'data'));
    expect(code).toBe(0);
    expect(packages).toEqual(['commander']);
    expect(among(project, [...SERVER, ...GRPC_CLIENTS])).toEqual([]);
  });

  it('ok/an admin command loads gRPC and its client, not the store, the server or the gateway', async () => {
    const { code, packages, project } = await modulesOf('agents', 'list', '--socket', join(dir, 'no-ca.sock'));
    expect(code).toBe(1);
    expect(packages).toContain('@grpc/grpc-js');
    expect(packages).not.toContain('level');
    expect(packages).not.toContain('pg');
    expect(packages).not.toContain('pino');
    expect(project).toContain('ca/admin-client.js');
    expect(among(project, SERVER)).toEqual([]);
  });
});
