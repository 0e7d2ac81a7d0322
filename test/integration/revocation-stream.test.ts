/**
 * Propagation: a validator cut off from the CA's stream catches up on
 * reconnect and enforces what it missed; one cut off for longer than its
 * staleness limit fails closed (or open, when configured) until it is back;
 * the stream resumes from a sequence number and starts over for a client ahead
 * of the CA.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchRevocationsResponse__Output } from '../../agent-sdk/gen/tessera/v1/WatchRevocationsResponse.js';
import { type ServiceError, status } from '@grpc/grpc-js';
import { errorFromServiceError } from '../../agent-sdk/error-status.js';
import type { CaClient } from '../../agent-sdk/ca-client.js';
import { refusal } from '../helpers/task-agents.js';
import { type Proxy, startProxy } from '../helpers/tcp-proxy.js';
import {
  type World, closedAt, connect, expectRefused, roundTrip, spawnAgent, startWorld, timeUntil,
} from '../helpers/revocation-world.js';

let world: World | undefined;
/** The service's way to the CA: both listeners, each through a proxy, cut and healed together. */
let proxy: Pick<Proxy, 'cut' | 'heal' | 'close'> | undefined;
afterEach(async () => {
  proxy?.close();
  proxy = undefined;
  await world?.close();
  world = undefined;
});

/**
 * A world whose service reaches the CA only through proxies: its revocation
 * stream goes over the public channel it keeps (with an SVID proof), its
 * renewals too, and whatever it asks over mutual TLS through the other.
 */
async function worldWithProxy(serviceRevocation?: { staleAfterMs?: number; failOpen?: boolean }): Promise<World> {
  const [pub, mtls] = [await startProxy(), await startProxy()];
  proxy = {
    cut: () => [pub, mtls].forEach((p) => p.cut()),
    heal: () => [pub, mtls].forEach((p) => p.heal()),
    close: () => [pub, mtls].forEach((p) => p.close()),
  };
  return startWorld({
    serviceEndpoints: (ca) => {
      [pub.target, mtls.target] = [ca.address, ca.mtlsAddress];
      return { address: pub.address, mtlsAddress: mtls.address };
    },
    ...(serviceRevocation && { serviceRevocation }),
  });
}

describe('revocation stream', () => {
  it('ok/a service cut off from the stream catches up on reconnect and enforces everything it missed', async () => {
    world = await worldWithProxy();
    const service = world.service.source.revocations!;
    const [a, b, c] = [await spawnAgent(world, 'task-1'), await spawnAgent(world, 'task-2'), await spawnAgent(world, 'task-3')];
    const [sa, sb, sc] = [await connect(world, a), await connect(world, b), await connect(world, c)];
    await expectCurrent(world);

    proxy!.cut();
    await world.t.admin.revoke({ agent: a.getX509Svid().id.toString() });
    await world.t.admin.revoke({ task: 'orch-a/task-2' });
    // Cut off, the service has not heard: both still talk to it.
    await new Promise((r) => setTimeout(r, 300));
    expect(service.isRevoked({ id: a.getX509Svid().id })).toBe(false);
    expect(await roundTrip(sa)).toContain('pong');
    expect(await roundTrip(sb)).toContain('pong');

    const healed = performance.now();
    proxy!.heal();
    await Promise.all([closedAt(sa), closedAt(sb)]);
    console.log(`revocation catch-up after a partition: ${(performance.now() - healed).toFixed(0)} ms from reconnecting to both connections closed`);
    await expectRefused(world, a);
    await expectRefused(world, b);
    expect(await roundTrip(sc)).toContain('pong');
  });

  it('fail/cut off for longer than staleAfterMs, a validator fails closed, and recovers when the stream is back', async () => {
    world = await worldWithProxy({ staleAfterMs: 800 });
    const a = await spawnAgent(world, 'task-1');
    const sa = await connect(world, a);
    const stale = new Promise<void>((resolve) => world!.service.source.revocations!.once('stale', resolve));

    proxy!.cut();
    await closedAt(sa);
    await stale;
    await expectRefused(world, a, 'ERR_REVOCATION_STALE');

    proxy!.heal();
    await expectCurrent(world);
    (await connect(world, a)).destroy();
  });

  it('ok/failOpen: cut off for longer than staleAfterMs, a validator keeps accepting peers', async () => {
    world = await worldWithProxy({ staleAfterMs: 300, failOpen: true });
    const a = await spawnAgent(world, 'task-1');
    const sa = await connect(world, a);
    proxy!.cut();
    await new Promise<void>((resolve) => world!.service.source.revocations!.once('stale', resolve));
    expect(await roundTrip(sa)).toContain('pong');
    (await connect(world, a)).destroy();
  });

  it('ok/the stream resumes after a sequence number, and starts over for a client ahead of the CA', async () => {
    world = await startWorld();
    const a = await spawnAgent(world, 'task-1');
    const ids = [await spawnAgent(world, 'task-2'), await spawnAgent(world, 'task-3')].map((s) => s.getX509Svid().id.toString());
    const [first] = await world.t.admin.revoke({ agent: ids[0]! });
    const [second] = await world.t.admin.revoke({ agent: ids[1]! });
    expect(second!.sequence).toBe(first!.sequence + 1);

    const resumed = await firstMessage(a.caClient, first!.sequence);
    expect(resumed.entries.map((e) => e.sequence)).toEqual([second!.sequence]);
    expect(resumed).toMatchObject({ caughtUp: true, reset: false, headSequence: second!.sequence });

    const ahead = await firstMessage(a.caClient, second!.sequence + 100);
    expect(ahead.entries.map((e) => e.sequence)).toEqual([first!.sequence, second!.sequence]);
    expect(ahead.reset).toBe(true);
  });

  it('fail/a revoked agent may not watch the stream', async () => {
    world = await startWorld();
    const a = await spawnAgent(world, 'task-1');
    await world.t.admin.revoke({ agent: a.getX509Svid().id.toString() });
    await refusal(firstMessage(a.caClient, 0), 'ERR_REVOKED');
  });
});

function firstMessage(client: CaClient, after: number): Promise<WatchRevocationsResponse__Output> {
  return new Promise((resolve, reject) => {
    const stream = client.watchRevocations(after);
    stream.once('data', (m: WatchRevocationsResponse__Output) => {
      stream.cancel();
      resolve(m);
    });
    stream.on('error', (err: ServiceError) => {
      if (err.code !== status.CANCELLED) reject(errorFromServiceError(err));
    });
  });
}

/** Waits until the service's follower is connected and caught up. */
async function expectCurrent(w: World): Promise<void> {
  const list = w.service.source.revocations!;
  await timeUntil(performance.now(), () => list.isCurrent(), 15_000);
}
