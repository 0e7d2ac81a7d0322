// An agent process, as an orchestrator (or a delegating agent) spawns it: it
// redeems the spawn ticket from its environment, keeps its SVID in memory and
// rotating, and calls a tool service over mutual TLS until it has seen its SVID
// rotate a few times. With each request it presents a task token bound to the
// certificate of that very connection. With DEMO_DELEGATE=1 it also delegates
// to a sub-agent (this same script) with narrower scopes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  JwtSvidSource, X509Source, authorizeId, certificateThumbprint, connectMtls, delegateToSubAgent, isTesseraError, peerId,
} from '../agent-sdk/index.js';

const service = process.env.DEMO_SERVICE_ADDRESS ?? '';
const serviceId = process.env.DEMO_SERVICE_ID ?? '';
const wantRotations = Number(process.env.DEMO_ROTATIONS ?? 3);
const shouldDelegate = process.env.DEMO_DELEGATE === '1';
// A sub-agent in the demo gets its parent's token, to show that a token taken
// from another agent is refused: it is bound to the parent's certificate. It asks
// for it once it is running (over the IPC channel), so the token is fresh however
// slowly the process started: the point is its binding, not its expiry.
const wantsStolenToken = process.env.DEMO_STEAL_TOKEN === '1' && process.send !== undefined;
const [host, port] = [service.slice(0, service.lastIndexOf(':')), Number(service.slice(service.lastIndexOf(':') + 1))];

const source = await X509Source.fromEnv();
const me = source.getX509Svid().id.toString();
const say = (line: string) => process.stdout.write(`[agent …${me.slice(-6)}] ${line}\n`);
say(`activated as ${me}`);
const tokens = new JwtSvidSource(source);

let rotations = 0;
source.on('update', () => {
  rotations++;
  say(`rotated (${rotations}): new key, SVID valid until ${new Date(source.getX509Svid().expiresAtMs).toISOString()}`);
});
source.on('updateFailed', (err: Error) => say(`renewal failed: ${err.message}`));

/**
 * One request on a fresh mTLS connection, with a token bound to the certificate
 * this connection presents (a rotation between the two would mismatch: retry).
 */
async function call(n: number, presented?: string): Promise<string> {
  for (;;) {
    const fetched = presented ? undefined : await tokens.fetchJwtSvid({ audience: serviceId, scopes: ['search:query'] });
    const token = presented ?? fetched!.token;
    const socket = await connectMtls({ host, port }, source, source, authorizeId(serviceId));
    const local = socket.getCertificate();
    if (fetched && (!local || !('raw' in local) || certificateThumbprint(local.raw) !== fetched.boundTo)) {
      socket.destroy();
      continue;
    }
    try {
      const server = peerId(socket).toString();
      socket.write(`ping ${n} ${token}\n`);
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
}

/** Delegates to a sub-agent process with narrower scopes; resolves with its exit code. */
async function delegateOnce(): Promise<number> {
  try {
    await delegateToSubAgent(source, { scopes: ['write:files:*'] });
    say('ERROR: a delegation beyond my scopes went through');
    return 1;
  } catch (err) {
    say(`delegating write:files:* (which I lack) was refused: ${isTesseraError(err) ? err.code : String(err)}`);
  }
  const sub = await delegateToSubAgent(source, { scopes: ['search:query'], ttlMs: 3000 });
  say(`delegated to ${sub.id} with scopes [search:query] (mine: [read:files:* search:query])`);
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, ...sub.env, DEMO_DELEGATE: '0', DEMO_STEAL_TOKEN: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', () => {
    tokens.fetchJwtSvid({ audience: serviceId, scopes: ['search:query'] }).then((t) => child.send(t.token), () => child.kill());
  });
  return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

let failures = 0;
if (wantsStolenToken) {
  const stolenToken = await new Promise<string>((resolve) => {
    process.once('message', (token) => resolve(String(token)));
    process.send!('token?');
  });
  process.disconnect();
  const reply = await call(0, stolenToken);
  say(`presented my parent's token on my own connection: ${reply.split(' (')[0]}`);
  if (!reply.startsWith('refused ERR_TOKEN_BINDING')) failures++;
  try {
    await delegateToSubAgent(source, { scopes: ['search:query'] });
    say('ERROR: a delegation deeper than the policy went through');
    failures++;
  } catch (err) {
    say(`delegating one level deeper was refused: ${isTesseraError(err) ? err.code : String(err)}`);
  }
}

let requests = 0;
let subAgent: Promise<number> | undefined;
while (rotations < wantRotations) {
  try {
    const reply = await call(++requests);
    if (requests === 1) say(`first reply: ${reply}`);
    if (!reply.startsWith('pong')) failures++;
    if (shouldDelegate && !subAgent) subAgent = delegateOnce();
  } catch (err) {
    failures++;
    say(`request ${requests} failed: ${(err as Error).message}`);
  }
  await new Promise((r) => setTimeout(r, 100));
}
const subExit = subAgent ? await subAgent : 0;
say(`done: ${requests} requests, ${failures} failed, ${rotations} rotations${subAgent ? `, sub-agent exit ${subExit}` : ''}`);
source.close();
process.exitCode = failures === 0 && subExit === 0 ? 0 : 1;
