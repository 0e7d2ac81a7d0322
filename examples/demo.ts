// npm run demo: the whole flow on the embedded default. A CA on a fresh `level`
// directory, an orchestrator attested with a join token, two agent processes
// spawned for one task, each calling a tool service over mutual TLS while their
// SVIDs rotate on a short TTL, then the audit trail, verified.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Orchestrator, authorizeMatch, createMtlsServer, peerId, systemClock } from '../agent-sdk/index.js';
import { joinTokenClient } from '../node-attestor/index.js';
import { AdminClient, CaServer, createLogger, validateConfig } from '../ca/index.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const deadline = setTimeout(() => {
  say('demo: did not finish within 60 s');
  process.exit(1);
}, 60_000);

const dataDir = await mkdtemp(join(tmpdir(), 'tessera-demo-'));
const ca = await CaServer.start(validateConfig({ dataDir, publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0' }), {
  clock: systemClock, log: createLogger('warn'),
});
const admin = new AdminClient(ca.adminSocket);
say(`CA: trust domain ${ca.authority.trustDomain}, public ${ca.publicAddress}, mTLS ${ca.mtlsAddress}, data ${dataDir}`);

// 1. The operator makes a one-time join token; the orchestrator attests with it.
const { token } = await admin.createJoinToken({ orchestrator: 'demo-orch' });
const endpoints = { address: ca.publicAddress, mtlsAddress: ca.mtlsAddress };
const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints, bundle: ca.authority.bundle });
say(`orchestrator: attested as ${orchestrator.id}`);

// 2. A tool service, here run by the orchestrator with its own SVID, that accepts
//    only agents of this orchestrator and tells each caller who it is.
const seen = new Map<string, number>();
const service = createMtlsServer(orchestrator.source, orchestrator.source,
  authorizeMatch(`spiffe://${ca.authority.trustDomain}/agent/demo-orch/*/*`), {}, (socket) => {
    const caller = peerId(socket).toString();
    socket.on('data', (line: Buffer) => {
      const n = (seen.get(caller) ?? 0) + 1;
      seen.set(caller, n);
      if (n === 1) say(`service: first request from verified peer ${caller}`);
      socket.end(`pong ${line.toString().trim().split(' ')[1]} for ${caller}\n`);
    });
  });
service.on('peerRejected', (err: Error) => say(`service: refused a peer: ${err.message}`));
await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
const serviceAddress = `127.0.0.1:${(service.address() as AddressInfo).port}`;

// 3. Two agents for one task, each its own process with its own identity.
const agentScript = fileURLToPath(new URL('./agent.js', import.meta.url));
const exits = await Promise.all([1, 2].map(async () => {
  const agent = await orchestrator.spawn('research-1', { sponsor: 'user:alice', scopes: ['search:query'], ttlMs: 3000 });
  say(`orchestrator: spawned ${agent.id}`);
  const child = spawn(process.execPath, [agentScript], {
    env: { ...process.env, ...agent.env, DEMO_SERVICE_ADDRESS: serviceAddress, DEMO_SERVICE_ID: orchestrator.id.toString() },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}));

// 4. Who authorised what: the audit trail, and its hash chain verified.
const { records } = await admin.listAuditRecords({ limit: 1000 });
const count = (operation: string) => records.filter((r) => r.operation === operation && r.outcome === 'allowed').length;
say(`audit: ${records.length} records: ${count('attest')} attest, ${count('spawn')} spawn, ${count('activate')} activate, ${count('renew')} renew`);
const audit = await admin.verifyAudit();
say(`audit: hash chain ${audit.ok ? 'verified' : `BROKEN at ${audit.firstBadSequence} (${audit.reason})`}`);

service.close();
orchestrator.close();
admin.close();
await ca.close();
await rm(dataDir, { recursive: true, force: true });
clearTimeout(deadline);
const ok = exits.every((code) => code === 0) && audit.ok;
say(ok ? 'demo: OK' : `demo: FAILED (agent exit codes ${exits.join(', ')})`);
process.exitCode = ok ? 0 : 1;
