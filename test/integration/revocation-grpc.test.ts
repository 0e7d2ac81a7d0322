/**
 * Revocation on a gRPC service built with the SDK: a revoked agent's running
 * call ends with ERR_REVOKED and (served with serveMtlsGrpc) its connection
 * closes within a second; its next call is refused; the other agent's calls go on.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { authorizeId, authorizeMatch } from '../../agent-sdk/authorizer.js';
import { errorFromServiceError } from '../../agent-sdk/error-status.js';
import { mtlsChannelCredentials, mtlsServerCredentials, peerIdFromCall } from '../../agent-sdk/grpc.js';
import { type GrpcListener, serveMtlsGrpc } from '../../agent-sdk/grpc-serve.js';
import type { X509Source } from '../../agent-sdk/x509-source.js';
import { type World, spawnAgent, startWorld } from '../helpers/revocation-world.js';
import { jsonMethod } from '../helpers/json-grpc.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

// A JSON service with a unary and a server-streaming method, so the test needs no .proto.
const Tool = {
  say: jsonMethod('/test.Tool/Say'),
  watch: jsonMethod('/test.Tool/Watch', true),
} satisfies grpc.ServiceDefinition;
const SLOW_MS = 300;
const ToolClient = grpc.makeGenericClientConstructor(Tool, 'Tool');
type Client = InstanceType<typeof ToolClient>;

async function startTool(w: World, serve: 'inject' | 'bind', onListener?: (listener: GrpcListener) => void): Promise<number> {
  const source = w.service.source;
  const server = new grpc.Server();
  server.addService(Tool, {
    // `{ slow: true }` answers after SLOW_MS: a call in flight when the server closes.
    say: (call: grpc.ServerUnaryCall<{ slow?: boolean }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const answer = () => cb(null, { id: peerIdFromCall(call).toString() });
      if (call.request.slow) setTimeout(answer, SLOW_MS);
      else answer();
    },
    watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      const timer = setInterval(() => call.write({ tick: Date.now() }), 20);
      call.on('cancelled', () => clearInterval(timer));
      call.on('close', () => clearInterval(timer));
    },
  });
  const credentials = mtlsServerCredentials(source, source, authorizeMatch('spiffe://tessera.local/agent/orch-a/*/*'));
  if (serve === 'inject') {
    const listener = await serveMtlsGrpc(server, { host: '127.0.0.1', port: 0 }, credentials);
    w.own({ close: () => void listener.close() });
    onListener?.(listener);
    return listener.port;
  }
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  w.own({ close: () => server.forceShutdown() });
  return port;
}

function client(w: World, port: number, agent: X509Source): Client {
  const c = new ToolClient(`127.0.0.1:${port}`, mtlsChannelCredentials(agent, agent, authorizeId(w.service.source.getX509Svid().id)));
  w.own(c);
  return c;
}

function say(c: Client, request: { slow?: boolean } = {}): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    (c.say as (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: { id: string }) => void) => void)(
      request, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(errorFromServiceError(err)) : resolve(res)),
    );
  });
}

/** Opens a Watch stream; resolves once it delivers, with a promise of its end (status code, ms timestamp). */
async function watch(c: Client): Promise<{ ended: Promise<{ code: string; at: number }> }> {
  const stream = (c.watch as (req: unknown) => grpc.ClientReadableStream<unknown>)({});
  const ended = new Promise<{ code: string; at: number }>((resolve) => {
    stream.on('error', (err: grpc.ServiceError) => resolve({ code: errorFromServiceError(err).code, at: performance.now() }));
  });
  await new Promise((resolve) => stream.once('data', resolve));
  return { ended };
}

/** When the channel leaves READY (its connection closed). */
function disconnected(c: Client): Promise<number> {
  const channel = c.getChannel();
  return new Promise((resolve) => {
    const check = () => {
      const state = channel.getConnectivityState(false);
      if (state !== grpc.connectivityState.READY) return resolve(performance.now());
      channel.watchConnectivityState(state, Date.now() + 10_000, check);
    };
    check();
  });
}

describe('revocation on gRPC services', () => {
  it('ok/serveMtlsGrpc: the revoked agent\'s running call ends and its connection closes in under 1 s; its next call is refused; the other agent goes on', async () => {
    world = await startWorld();
    const port = await startTool(world, 'inject');
    const [a, b] = [await spawnAgent(world, 'task-1'), await spawnAgent(world, 'task-2')];
    const [ca, cb] = [client(world, port, a), client(world, port, b)];
    expect((await say(ca)).id).toBe(a.getX509Svid().id.toString());
    const [{ ended: aEnded }, { ended: bEnded }] = [await watch(ca), await watch(cb)];
    const aGone = disconnected(ca);

    const started = performance.now();
    await world.t.admin.revoke({ agent: a.getX509Svid().id.toString() });
    const [end, gone] = [await aEnded, await aGone];
    const ms = Math.max(end.at, gone) - started;
    console.log(`revocation propagation, gRPC: ${ms.toFixed(1)} ms from the revoke command until the running call ended and the connection closed`);
    expect(ms).toBeLessThan(1_000);
    expect(['ERR_REVOKED', 'ERR_UNAVAILABLE']).toContain(end.code);

    await expect(say(ca)).rejects.toMatchObject({ code: 'ERR_REVOKED' });
    expect((await say(cb)).id).toBe(b.getX509Svid().id.toString());
    const stillRunning = await Promise.race([bEnded.then(() => 'ended'), new Promise((r) => setTimeout(() => r('running'), 100))]);
    expect(stillRunning).toBe('running');
  });

  it('ok/bindAsync: the revoked agent\'s running call ends with ERR_REVOKED and its next call is refused', async () => {
    world = await startWorld();
    const port = await startTool(world, 'bind');
    const [a, b] = [await spawnAgent(world, 'task-1'), await spawnAgent(world, 'task-1')];
    const [ca, cb] = [client(world, port, a), client(world, port, b)];
    const { ended: aEnded } = await watch(ca);
    await world.t.admin.revoke({ agent: a.getX509Svid().id.toString() });
    expect((await aEnded).code).toBe('ERR_REVOKED');
    await expect(say(ca)).rejects.toMatchObject({ code: 'ERR_REVOKED' });
    expect((await say(cb)).id).toBe(b.getX509Svid().id.toString());
  });
  it('ok/serveMtlsGrpc close: a call in flight finishes, a stream nobody ends is cut after the grace, and close returns', async () => {
    world = await startWorld();
    let listener: GrpcListener | undefined;
    const port = await startTool(world, 'inject', (l) => {
      listener = l;
    });
    const agent = await spawnAgent(world, 'task-1');
    const c = client(world, port, agent);
    const held = await watch(c);
    const inFlight = say(c, { slow: true });
    // Let the slow call reach the server before the close.
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS / 3));
    await listener!.close(1_000);
    await expect(inFlight).resolves.toMatchObject({ id: agent.getX509Svid().id.toString() });
    expect((await held.ended).code).toBe('ERR_UNAVAILABLE');
  });
});
