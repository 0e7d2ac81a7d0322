/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` in a temp
 * directory, `postgres` on 127.0.0.1 at a free port (and a Unix socket in the
 * same directory), trust authentication, removed on stop. initdb refuses to
 * run as root, so as root the cluster belongs to the `postgres` system user.
 * Never skipped: without the binaries it fails and says what to install.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SUPERUSER = 'tessera';

export interface PostgresCluster {
  /** The server's port on 127.0.0.1. */
  readonly port: number;
  /** The connection URL of database `name`. */
  url(name: string): string;
  /** Creates an empty database and returns its connection URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: clients are disconnected) and keeps the data. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same data and port. */
  startServer(): Promise<void>;
  /** Stops the server and removes the data directory. */
  stop(): Promise<void>;
}

/**
 * The newest `/usr/lib/postgresql/<major>/bin` (Debian's layout), or the
 * directory `pg_config --bindir` names. Throws with what to install when neither has `initdb`.
 */
export async function postgresBinDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? (await readdir(root)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) {
    if (existsSync(join(root, major, 'bin', 'initdb'))) return join(root, major, 'bin');
  }
  const fromPgConfig = await run('pg_config', ['--bindir']).then(({ stdout }) => stdout.trim(), () => '');
  if (fromPgConfig && existsSync(join(fromPgConfig, 'initdb'))) return fromPgConfig;
  throw new Error('PostgreSQL server binaries not found (no initdb under /usr/lib/postgresql/*/bin): apt-get install -y postgresql');
}

/**
 * Initialises and starts a cluster. `durable: false` turns fsync off (tests
 * never crash the machine under the database); benchmarks keep it on, as the
 * level store syncs every batch too.
 *
 * @example const cluster = await startPostgresCluster(); const url = await cluster.createDatabase();
 */
export async function startPostgresCluster(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const bin = await postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'tessera-pg-'));
  const dataDir = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // The postgres user must reach the directory; mkdtemp makes it 0700 for root.
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    await chmod(dir, 0o700);
  }
  const asOwner = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];

  await run(...asOwner('initdb', ['-D', dataDir, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']));
  const port = await freePort();
  let server: ChildProcess | undefined;
  let log = '';

  const startServer = async () => {
    const settings = [
      '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
      '-c', `fsync=${options.durable ? 'on' : 'off'}`, '-c', 'max_connections=200', '-c', 'shared_buffers=32MB',
    ];
    const [command, args] = asOwner('postgres', settings);
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    server = child;
    await waitUntilAccepting(port, child, () => log);
  };
  const stopServer = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data is checkpointed. It goes
    // to the postmaster itself (postmaster.pid's first line): runuser does not pass it on.
    const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    if (postmaster > 0) process.kill(postmaster, 'SIGINT');
    else child.kill('SIGINT');
    await exited;
  };
  await startServer();

  const url = (name: string) => databaseUrl(port, name);
  return {
    port,
    url,
    createDatabase: () => createDatabase(port),
    stopServer,
    startServer,
    async stop() {
      await stopServer();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The connection URL of database `name` on the cluster at `port`. */
export function databaseUrl(port: number, name: string): string {
  return `postgresql://${SUPERUSER}@127.0.0.1:${port}/${name}`;
}

/** Creates an empty database on the cluster at `port` and returns its connection URL. */
export async function createDatabase(port: number): Promise<string> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl(port, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(port, name);
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once the server answers a query; rejects with its log if it exits first. */
async function waitUntilAccepting(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log()}`);
    const client = new pg.Client({ connectionString: databaseUrl(port, 'postgres') });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (attempt > 300) throw new Error(`postgres did not accept connections: ${(err as Error).message}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
