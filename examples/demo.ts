// npm run demo: the whole flow on the embedded default. A CA on a fresh `level`
// directory with a policy file, an orchestrator attested with a join token (and
// refused a task beyond its ceiling), two agent processes spawned for one task,
// each calling a tool service over mutual TLS with a task token bound to that
// connection while their SVIDs rotate on a short TTL; one of them delegates to
// a sub-agent with narrower scopes. Then the audit trail, verified.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import {
  Orchestrator, authorizeLineage, createMtlsServer, isTesseraError, lineageOfVerifiedPeer, peerCertificateOf, peerId, systemClock, validateJwtSvid,
} from '../agent-sdk/index.js';
import { joinTokenClient } from '../node-attestor/index.js';
import { AdminClient, CaServer, createLogger, validateConfig } from '../ca/index.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const deadline = setTimeout(() => {
  say('demo: did not finish within 60 s');
  process.exit(1);
}, 60_000);

const dataDir = await mkdtemp(join(tmpdir(), 'tessera-demo-'));
// The operator's policy: what demo-orch may spawn, with which scopes, how deep its agents may delegate.
const policyFile = join(dataDir, 'policy.json');
await writeFile(policyFile, JSON.stringify({
  orchestrators: { 'demo-orch': { tasks: ['research-*'], scopes: ['search:query', 'read:files:*'], maxSvidTtl: '5m', maxDelegationDepth: 1 } },
}, null, 2));
const ca = await CaServer.start(validateConfig({ dataDir, publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0', policyFile }), {
  clock: systemClock, log: createLogger('warn'),
});
const admin = new AdminClient(ca.adminSocket);
say(`CA: trust domain ${ca.authority.trustDomain}, public ${ca.publicAddress}, mTLS ${ca.mtlsAddress}, data ${dataDir}`);

// 1. The operator makes a one-time join token; the orchestrator attests with it.
const { token } = await admin.createJoinToken({ orchestrator: 'demo-orch' });
const endpoints = { address: ca.publicAddress, mtlsAddress: ca.mtlsAddress };
const orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints, bundle: ca.authority.bundle });
say(`orchestrator: attested as ${orchestrator.id}`);
try {
  await orchestrator.spawn('deploy-1', { sponsor: 'user:alice', scopes: ['deploy:prod'] });
  say('orchestrator: ERROR: a spawn beyond the policy went through');
} catch (err) {
  say(`orchestrator: spawning task deploy-1 with deploy:prod is beyond the policy: ${isTesseraError(err) ? err.code : String(err)}`);
}

// 2. A tool service, here run by the orchestrator with its own SVID. It accepts
//    only agents of this orchestrator acting for user:alice (their delegation
//    lineage, verified offline from the certificate), and on every request a
//    task token with search:query bound to the certificate of that connection.
const serviceId = orchestrator.id.toString();
const seen = new Map<string, number>();
const service = createMtlsServer(orchestrator.source, orchestrator.source,
  authorizeLineage({ orchestrator: 'demo-orch', sponsor: 'user:alice' }), {}, (socket) => {
    const caller = peerId(socket).toString();
    socket.on('data', (line: Buffer) => {
      const [, n, bearer = ''] = line.toString().trim().split(' ');
      validateJwtSvid(bearer, {
        bundle: orchestrator.source, audience: serviceId, requiredScopes: ['search:query'], peerCertificate: peerCertificateOf(socket),
      }).then((token) => {
        const count = (seen.get(caller) ?? 0) + 1;
        seen.set(caller, count);
        if (count === 1) {
          const lineage = lineageOfVerifiedPeer(socket.getPeerCertificate().raw);
          const chain = token.delegationChain.length ? `, delegated by ${token.delegationChain.map(String).join(' <- ')}` : '';
          say(`service: first request from ${caller}: token bound to this connection, scopes [${token.scopes.join(' ')}], `
            + `for ${token.sponsor}, depth ${lineage.depth}${chain}`);
        }
        socket.end(`pong ${n} for ${caller}\n`);
      }, (err: unknown) => {
        const code = isTesseraError(err) ? err.code : 'ERR_INTERNAL';
        say(`service: refused the token presented by ${caller}: ${code}`);
        socket.end(`refused ${code}\n`);
      });
    });
  });
service.on('peerRejected', (err: Error) => say(`service: refused a peer: ${err.message}`));
await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
const serviceAddress = `127.0.0.1:${(service.address() as AddressInfo).port}`;

// 3. Two agents for one task, each its own process with its own identity.
const agentScript = fileURLToPath(new URL('./agent.js', import.meta.url));
const exits = await Promise.all([1, 2].map(async (i) => {
  const agent = await orchestrator.spawn('research-1', { sponsor: 'user:alice', scopes: ['search:query', 'read:files:*'], ttlMs: 3000 });
  say(`orchestrator: spawned ${agent.id}`);
  const child = spawn(process.execPath, [agentScript], {
    env: {
      ...process.env, ...agent.env, DEMO_SERVICE_ADDRESS: serviceAddress, DEMO_SERVICE_ID: serviceId, DEMO_DELEGATE: i === 1 ? '1' : '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}));

// 4. Who authorised what: the audit trail, and its hash chain verified.
const { records } = await admin.listAuditRecords({ limit: 1000 });
const count = (operation: string) => records.filter((r) => r.operation === operation && r.outcome === 'allowed').length;
say(`audit: ${records.length} records: ${count('attest')} attest, ${count('spawn')} spawn, ${count('activate')} activate, ${count('renew')} renew, `
  + `${count('token.mint')} token.mint, ${count('delegate')} delegate`);
for (const r of records.filter((rec) => rec.outcome === 'denied')) {
  say(`audit: denied ${r.operation} (${r.reason}) caller ${r.caller || '-'} sponsor ${r.sponsor || '-'} depth ${r.depth}`);
}
const delegation = records.find((r) => r.operation === 'delegate' && r.outcome === 'allowed');
if (delegation) say(`audit: delegate ${delegation.caller} -> ${delegation.subject}, depth ${delegation.depth}, chain hash ${delegation.chainHash.slice(0, 16)}…`);
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
