/**
 * A revocation is durable when `tessera revoke` returns: the CA runs as a real
 * child process (the built `tessera` command), is killed with SIGKILL right
 * after the command returns, and after a restart on the same data directory it
 * still refuses the agent, serves the entry to a validator that connects only
 * then, and shows it in the inventory.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { X509Bundle, certificatesFromPem } from '../../agent-sdk/bundle.js';
import { authorizeAny } from '../../agent-sdk/authorizer.js';
import type { TesseraError } from '../../agent-sdk/errors.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { connectMtls, createMtlsServer } from '../../agent-sdk/tls.js';
import { X509Source } from '../../agent-sdk/x509-source.js';
import { AdminClient } from '../../ca/admin-client.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { textUntilClose } from '../helpers/svid-pki.js';
import { refusal } from '../helpers/task-agents.js';

// The built command, as `npx tessera` runs it (npm test builds first).
const MAIN = new URL('../../dist/ca/main.js', import.meta.url).pathname;
const run = promisify(execFile);

let dataDir: string;
let ca: ChildProcess | undefined;
const closers: Array<{ close(): unknown }> = [];
afterEach(async () => {
  closers.splice(0).reverse().forEach((c) => c.close());
  ca?.kill('SIGKILL');
  ca = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

interface Started {
  publicAddress: string;
  mtlsAddress: string;
  adminSocket: string;
}

async function startCa(listen = '127.0.0.1:0', mtlsListen = '127.0.0.1:0'): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, 'ca', 'start', '--data-dir', dataDir, '--listen', listen, '--mtls-listen', mtlsListen, '--log-level', 'warn']);
  ca = child;
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`CA exited with ${code}: ${log}`)));
  });
  return JSON.parse(first) as Started;
}

/** Runs `call` until the CA answers it (a channel whose CA just came back first fails fast with ERR_UNAVAILABLE). */
async function reachable<T>(call: () => Promise<T>): Promise<T> {
  for (const deadline = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 100))) {
    try {
      return await call();
    } catch (err) {
      if ((err as TesseraError).code !== 'ERR_UNAVAILABLE' || Date.now() > deadline) throw err;
    }
  }
}

async function tessera(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [MAIN, ...args, '--data-dir', dataDir]);
  return stdout;
}

describe('revocation survives kill -9', () => {
  it('ok/revoked by the CLI, the CA killed at once, restarted: the agent is still refused everywhere', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-crash-'));
    const started = await startCa();
    const endpoints = { address: started.publicAddress, mtlsAddress: started.mtlsAddress };
    const bundle = new X509Bundle('tessera.local', certificatesFromPem(await readFile(join(dataDir, 'keys/root-cert.pem'), 'utf8')));
    const admin = new AdminClient(started.adminSocket);
    closers.push(admin);
    const { token } = await admin.createJoinToken({ orchestrator: 'orch-a' });
    const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints, bundle });
    closers.push(orchestrator);
    const agent = async () => {
      const spawned = await orchestrator.spawn('task-1', { sponsor: 'user:alice', scopes: ['search:query'] });
      const source = await X509Source.fromEnv({ ...spawned.env });
      closers.push(source);
      return source;
    };
    const [a, b] = [await agent(), await agent()];
    const aId = a.getX509Svid().id.toString();

    const revoked = JSON.parse(await tessera('revoke', '--agent', aId, '--reason', 'laptop stolen')) as { entries: Array<{ sequence: number; kind: string }> };
    // The command returned: the entry must be on disk now. Kill the CA before it can do anything else.
    const exited = new Promise((resolve) => ca!.once('exit', resolve));
    ca!.kill('SIGKILL');
    await exited;
    expect(revoked.entries).toEqual([expect.objectContaining({ kind: 'agent', sequence: 1 })]);

    // Same data directory, same addresses.
    const again = await startCa(started.publicAddress, started.mtlsAddress);
    expect(again.mtlsAddress).toBe(started.mtlsAddress);

    // The CA refuses the agent's renewal and tokens (once the client's channel has reconnected).
    await refusal(reachable(() => a.rotate()), 'ERR_REVOKED');
    await refusal(a.caClient.mintJwtSvid({ audience: 'spiffe://tessera.local/service/search' }), 'ERR_REVOKED');
    await reachable(() => b.rotate());

    // A validator that first connects to the restarted CA gets the entry and refuses the agent's handshake.
    const validator = await agent();
    const rejected: TesseraError[] = [];
    const server = createMtlsServer(validator, validator, authorizeAny(), {}, (socket) => socket.end('ok\n'));
    server.on('peerRejected', (err: TesseraError) => rejected.push(err));
    closers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    expect(validator.revocations!.isRevoked({ id: aId })).toBe(true);
    const attempt = await textUntilClose(connectMtls({ host: '127.0.0.1', port }, a, a, authorizeAny()));
    expect(attempt).toBe('');
    await vi.waitFor(() => expect(rejected.map((e) => e.code)).toContain('ERR_REVOKED'));
    const fine = await connectMtls({ host: '127.0.0.1', port }, b, b, authorizeAny());
    fine.destroy();

    // The inventory and the audit log agree.
    const listed = (await tessera('agents', 'list', '--json')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(listed.find((r) => r.spiffeId === aId)).toMatchObject({ status: 'revoked', revocationSequence: 1, revocationReason: 'laptop stolen', task: 'task-1' });
    expect(listed.find((r) => r.spiffeId === b.getX509Svid().id.toString())).toMatchObject({ status: 'active', renewals: 1 });
    const shown = await tessera('agents', 'show', aId);
    expect(shown).toMatch(/status\s+revoked/);
    expect(shown).toContain(`${aId}  revoked  depth 0`);
    expect((await admin.verifyAudit()).ok).toBe(true);
    const { records } = await admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation === 'revoke.agent')).toEqual([expect.objectContaining({ outcome: 'allowed', subject: aId })]);
  });
});
