// Readiness as grpc.health.v1 reports it, on a real server, a real journal and a real level store.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../ca/audit/journal.js';
import { CaHealth } from '../../ca/health.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { InstrumentedStore } from '../helpers/failing-store.js';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function world(notAfterMs: number) {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-health-'));
  closers.push(() => rm(dir, { recursive: true, force: true }));
  const store = new InstrumentedStore(await LevelStore.create(dir));
  closers.push(() => store.close());
  let probeFails = false;
  const clock = { nowMs: 1_000_000, now() { return this.nowMs; } };
  const health = new CaHealth({
    services: ['tessera.v1.SVIDService'], clock, notAfterMs: () => notAfterMs, probeEveryMs: 20,
    probeStore: () => (probeFails ? Promise.reject(new Error('io')) : store.get('health/probe')),
  });
  const journal = await Journal.open({ store, clock, observer: health });
  closers.push(() => journal.close());
  const server = new grpc.Server();
  health.addTo(server);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  closers.push(() => server.forceShutdown());
  const client = new (grpc.makeClientConstructor(healthService as grpc.ServiceDefinition, 'grpc.health.v1.Health'))(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  closers.push(() => client.close());
  const status = (service = '') => new Promise<string>((resolve, reject) => {
    (client as unknown as { Check: (r: object, cb: (e: Error | null, r?: { status: string }) => void) => void })
      .Check({ service }, (err, res) => (err ? reject(err) : resolve(res!.status)));
  });
  const until = async (want: string) => {
    for (let i = 0; i < 200 && (await status()) !== want; i++) await new Promise((r) => setTimeout(r, 10));
    return status();
  };
  return { store, clock, health, journal, status, until, failProbes: (fail: boolean) => void (probeFails = fail) };
}

describe('CaHealth', () => {
  it('ok/NOT_SERVING until started, SERVING while the store and keys are good, NOT_SERVING once stopped', async () => {
    const w = await world(2_000_000);
    expect(await w.status()).toBe('NOT_SERVING');
    w.health.start();
    expect(await w.status()).toBe('SERVING');
    expect(await w.status('tessera.v1.SVIDService')).toBe('SERVING');
    w.health.stop();
    expect(await w.status()).toBe('NOT_SERVING');
  });

  it('fail/a failed store write turns it NOT_SERVING; a good probe read brings it back', async () => {
    const w = await world(2_000_000);
    w.failProbes(true);
    w.health.start();
    w.store.failNextWrite = true;
    await expect(w.journal.record({ operation: 'test' }, 'allowed')).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
    expect(await w.status()).toBe('NOT_SERVING');
    w.failProbes(false);
    expect(await w.until('SERVING')).toBe('SERVING');
  });

  it('fail/past the earliest notAfter of its certificates it is NOT_SERVING', async () => {
    const w = await world(2_000_000);
    w.health.start();
    expect(await w.status()).toBe('SERVING');
    w.clock.nowMs = 2_000_000;
    expect(await w.until('NOT_SERVING')).toBe('NOT_SERVING');
  });
});
