/**
 * Revocation: from an operator's Revoke call to the entry being held by every
 * connected validator, at 1k, 5k and 10k followers of WatchRevocations. Each
 * follower is the SDK's RevocationFollower with its own RevocationList (what an
 * X509Source runs), timed when its list emits 'revoked'; followers share a few
 * mutual-TLS connections (one per agent identity), as streams of one connection
 * would in a process with many validators.
 */
import { CaClient } from '../agent-sdk/ca-client.js';
import { RevocationList } from '../agent-sdk/revocation-list.js';
import { RevocationFollower } from '../agent-sdk/revocation.js';
import { AdminClient } from '../ca/admin-client.js';
import type { BenchContext, BenchResult } from './bench.js';
import { activateAgents, attestOrchestrator } from './agents.js';
import { CaProcess } from './ca-handle.js';
import { type Row, row } from './report.js';
import { nowMs, quantile, sleep } from './stats.js';

const LEVELS = [1000, 5000, 10_000] as const;
/** Followers per mutual-TLS connection. */
export const STREAMS_PER_CONNECTION = 250;
/** How long one revocation may take to reach every follower before the rest count as missed. */
export const DEADLINE_MS = 10_000;

export async function revocationBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const revocationsPerLevel = ctx.quick ? 2 : 5;
  const ca = await CaProcess.start({ config: { ttl: { spawnTicket: '10m' } } });
  const orchestrator = await attestOrchestrator(ca, 'bench-orch');
  const admin = new AdminClient(ca.adminSocket);
  const clients: CaClient[] = [];
  const followers: { follower: RevocationFollower; list: RevocationList }[] = [];
  try {
    const maxFollowers = LEVELS[LEVELS.length - 1]!;
    ctx.log('revocation: activating the watching agents and the agents to revoke');
    const watchers = await activateAgents(ca, orchestrator, Math.ceil(maxFollowers / STREAMS_PER_CONNECTION), 'watchers');
    const victims = await activateAgents(ca, orchestrator, LEVELS.length * revocationsPerLevel, 'victims');
    for (const svid of watchers) clients.push(new CaClient({ endpoints: ca.endpoints, bundle: ca.bundle, svid: { getX509Svid: () => svid } }));

    const rows: Row[] = [];
    const levels: Record<string, unknown>[] = [];
    let victim = 0;
    for (const level of LEVELS) {
      ctx.log(`revocation: ${level} followers`);
      while (followers.length < level) {
        const client = clients[Math.floor(followers.length / STREAMS_PER_CONNECTION)]!;
        const list = new RevocationList({ trustDomain: ca.bundle.trustDomain });
        const follower = new RevocationFollower({ list, open: (after) => client.watchRevocations(after) });
        follower.start();
        followers.push({ follower, list });
      }
      const synced = await Promise.all(followers.map(({ follower }) => follower.synced(30_000)));
      const notSynced = synced.filter((ok) => !ok).length;
      if (notSynced) ctx.log(`revocation: ${notSynced} followers did not catch up`);
      await sleep(200);
      const caUsage = await ca.usage();

      const delaysMs: number[] = [];
      let missed = 0;
      for (let r = 0; r < revocationsPerLevel; r++) {
        const target = victims[victim++]!.id.toString();
        const seen = await timeFanOut(followers.map(({ list }) => list), target, () => admin.revoke({ agent: target, reason: 'bench' }));
        delaysMs.push(...seen);
        missed += followers.length - seen.length;
        await sleep(300);
      }
      const p50 = quantile(delaysMs, 0.5);
      const p99 = quantile(delaysMs, 0.99);
      const max = Math.max(...delaysMs);
      levels.push({
        followers: level, revocations: revocationsPerLevel, p50Ms: p50, p99Ms: p99, maxMs: max, missed, notSynced,
        caRssBytes: caUsage.rssBytes, caHeapUsedBytes: caUsage.heapUsedBytes,
      });
      rows.push(row({
        bench: 'revocation', figure: `revoke to every follower, ${level / 1000}k followers (p99)`, value: missed ? undefined : p99, unit: 'ms',
        target: { op: '<=', value: 1000 },
        note: `p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms over ${revocationsPerLevel} revocations; stretch target 250 ms; CA RSS ${(caUsage.rssBytes / 2 ** 20).toFixed(0)} MiB with the streams open`
          + (missed ? `; ${missed} deliveries missed the ${DEADLINE_MS / 1000} s deadline` : ''),
      }));
    }
    return { rows, details: { streamsPerConnection: STREAMS_PER_CONNECTION, levels } };
  } finally {
    closeFollowers(followers);
    for (const client of clients) client.close();
    admin.close();
    orchestrator.close();
    await ca.close();
  }
}

/**
 * Runs `revoke` and resolves with each list's delay, in ms from the call, until
 * its 'revoked' event for `target`; lists that miss DEADLINE_MS are left out.
 */
export async function timeFanOut(lists: readonly RevocationList[], target: string, revoke: () => Promise<unknown>): Promise<number[]> {
  const seen: number[] = [];
  const started = nowMs();
  const all = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, DEADLINE_MS);
    for (const list of lists) {
      const onRevoked = (entry: { target: string }) => {
        if (entry.target !== target) return;
        list.off('revoked', onRevoked);
        seen.push(nowMs() - started);
        if (seen.length === lists.length) {
          clearTimeout(timer);
          resolve();
        }
      };
      list.on('revoked', onRevoked);
    }
  });
  await revoke();
  await all;
  return seen;
}

/** Stops each follower and its list. */
export function closeFollowers(followers: readonly { follower: RevocationFollower; list: RevocationList }[]): void {
  for (const { follower, list } of followers) {
    follower.close();
    list.close();
  }
}
