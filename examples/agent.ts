// An agent process, as an orchestrator spawns it: it redeems the spawn ticket
// from its environment, keeps its SVID in memory and rotating, and calls a tool
// service over mutual TLS until it has seen its SVID rotate a few times.
import { X509Source, authorizeId, connectMtls, peerId } from '../agent-sdk/index.js';

const service = process.env.DEMO_SERVICE_ADDRESS ?? '';
const serviceId = process.env.DEMO_SERVICE_ID ?? '';
const wantRotations = Number(process.env.DEMO_ROTATIONS ?? 3);
const [host, port] = [service.slice(0, service.lastIndexOf(':')), Number(service.slice(service.lastIndexOf(':') + 1))];

const source = await X509Source.fromEnv();
const me = source.getX509Svid().id.toString();
const say = (line: string) => process.stdout.write(`[agent …${me.slice(-6)}] ${line}\n`);
say(`activated as ${me}`);

let rotations = 0;
source.on('update', () => {
  rotations++;
  say(`rotated (${rotations}): new key, SVID valid until ${new Date(source.getX509Svid().expiresAtMs).toISOString()}`);
});
source.on('updateFailed', (err: Error) => say(`renewal failed: ${err.message}`));

// One request: a fresh mTLS connection, so every request shows the current SVID.
async function call(n: number): Promise<string> {
  const socket = await connectMtls({ host, port }, source, source, authorizeId(serviceId));
  try {
    const server = peerId(socket).toString();
    socket.write(`ping ${n}\n`);
    const reply = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        if (buffer.includes('\n')) resolve(buffer.trim());
      });
      socket.once('error', reject);
      socket.once('end', () => reject(new Error('connection closed before the reply')));
    });
    return `${reply} (server ${server})`;
  } finally {
    socket.destroy();
  }
}

let requests = 0;
let failures = 0;
while (rotations < wantRotations) {
  try {
    const reply = await call(++requests);
    if (requests === 1) say(`first reply: ${reply}`);
  } catch (err) {
    failures++;
    say(`request ${requests} failed: ${(err as Error).message}`);
  }
  await new Promise((r) => setTimeout(r, 100));
}
say(`done: ${requests} requests, ${failures} failed, ${rotations} rotations`);
source.close();
process.exitCode = failures === 0 ? 0 : 1;
