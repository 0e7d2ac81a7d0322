// npm run demo:workload-api: an AI agent written in Python gets its identity
// from `tessera agent` over the standard SPIFFE Workload API. A CA, a host
// agent attested with a join token, a Node tool service built with the SDK;
// the host agent starts the Python agent (knowing so its pid and start time),
// which fetches its X509-SVID and JWT-SVIDs over the Unix socket and calls the
// service over mutual TLS across two rotations. The service prints the SPIFFE
// ID it verified. When the Python process exits, its identity is released.
// Exits 0 when every call succeeded. Needs Debian's python3-grpcio,
// python3-grpc-tools and python3-cryptography.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Orchestrator, authorizeMemberOf, createMtlsServer, peerCertificateOf, peerId, systemClock, validateJwtSvid } from '../agent-sdk/index.js';
import { joinTokenClient } from '../node-attestor/index.js';
import { AdminClient, CaServer, createLogger, validateConfig } from '../ca/index.js';
import { WorkloadAgent } from '../workload-agent/index.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const deadline = setTimeout(() => {
  say('demo: did not finish within 90 s');
  process.exit(1);
}, 90_000);

// Debian's interpreter, where python3-grpcio and python3-cryptography live (a python3 earlier on PATH may be another one).
const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const root = packageRoot();
const dir = await mkdtemp(join(tmpdir(), 'tessera-workload-demo-'));
try {
  execFileSync(python, ['-c', 'import grpc, grpc_tools, cryptography'], { stdio: 'ignore' });
} catch {
  say(`demo: ${python} lacks grpcio, grpc_tools or cryptography: apt-get install -y python3-grpcio python3-grpc-tools python3-cryptography`);
  process.exit(1);
}
// The Python stubs come from the standard proto, as any SPIFFE client's do.
execFileSync(python, ['-m', 'grpc_tools.protoc', '-I', join(root, 'workload-agent/proto'), `--python_out=${dir}`, `--grpc_python_out=${dir}`, 'spiffe/workload/workload.proto']);

const ca = await CaServer.start(validateConfig({ dataDir: join(dir, 'ca'), publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0' }), { clock: systemClock, log: createLogger('warn') });
const admin = new AdminClient(ca.adminSocket);
const endpoints = { address: ca.publicAddress, mtlsAddress: ca.mtlsAddress };
const attest = async (name: string) =>
  Orchestrator.attest({ attestor: joinTokenClient((await admin.createJoinToken({ orchestrator: name })).token), endpoints, bundle: ca.authority.bundle });

// A tool service: any agent of this trust domain, with a JWT-SVID for this service bound to its certificate.
const serviceIdentity = await attest('tools');
const serviceId = serviceIdentity.id.toString();
const service = createMtlsServer(serviceIdentity.source, serviceIdentity.source, authorizeMemberOf(ca.authority.trustDomain), {}, (socket) => {
  socket.on('data', (line: Buffer) => {
    validateJwtSvid(line.toString().trim(), { bundle: serviceIdentity.source, audience: serviceId, peerCertificate: peerCertificateOf(socket) }).then(
      (token) => socket.write(`ok ${token.id}\n`),
      (err: { code?: string }) => socket.end(`refused ${err.code}\n`),
    );
  });
  socket.on('error', () => {});
});
await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
const verified = new Set<string>();
service.on('secureConnection', (socket) => verified.add(peerId(socket).toString()));

// The host agent: its own identity from a join token, the Workload API on a Unix socket.
const host = await attest('host-1');
const agent = await WorkloadAgent.create({ orchestrator: host, endpoints, socketPath: join(dir, 'agent.sock'), log: createLogger('warn') });
say(`tessera agent: ${host.id}, Workload API at ${agent.endpointSocket}`);

const workload = await agent.spawn({
  command: python, args: [join(root, 'examples/python-agent/agent.py')],
  taskId: 'research-1', sponsor: 'user:alice', ttlMs: 4_000,
  spawn: {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PYTHONPATH: dir, SERVICE_ADDRESS: `127.0.0.1:${(service.address() as AddressInfo).port}`, SERVICE_ID: serviceId, ROTATIONS: '2' },
  },
});
say(`python agent: started as ${workload.id} (pid ${workload.child.pid})`);
let summary = '';
workload.child.stdout!.on('data', (chunk: Buffer) => (summary += chunk.toString()));
const exitCode = await new Promise<number>((resolve) => workload.child.once('exit', (code) => resolve(code ?? 1)));
await workload.released;
say(`python agent: ${summary.trim()}`);
for (const id of verified) say(`service: verified ${id}`);
const [inventory] = await admin.listAgents({ orchestrator: 'host-1' });
say(`CA: ${inventory?.spiffeId} is ${inventory?.status} after its process exited`);

await agent.close();
host.close();
service.close();
serviceIdentity.close();
admin.close();
await ca.close();
await rm(dir, { recursive: true, force: true });
clearTimeout(deadline);
const ok = exitCode === 0 && verified.has(workload.id.toString()) && inventory?.status === 'AGENT_STATUS_RELEASED';
say(ok ? 'demo: ok' : 'demo: FAILED');
process.exit(ok ? 0 : 1);

function packageRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); dirname(d) !== d; d = dirname(d)) {
    if (existsSync(join(d, 'examples/python-agent/agent.py'))) return d;
  }
  throw new Error('examples/python-agent not found above this script');
}
