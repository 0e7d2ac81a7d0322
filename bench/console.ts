/**
 * The console's live updates with many pages open: what an open event stream
 * costs the CA in memory, how long a change (an audited operator call) takes
 * to reach every stream as `change`, and what one change costs the CA when
 * each open page then fetches itself again, as console.js does. The streams
 * are plain HTTP clients in this process, not browsers.
 */
import http from 'node:http';
import { AdminClient } from '../ca/admin-client.js';
import { CONSOLE_DEFAULTS } from '../ca/console/config.js';
import { activateAgents, attestOrchestrator } from './agents.js';
import type { BenchContext, BenchResult } from './bench.js';
import { CaProcess } from './ca-handle.js';
import { type Row, row } from './report.js';
import { nowMs, quantile, sleep } from './stats.js';

const DEADLINE_MS = 10_000;

/** One open GET /events; `onChange` is called at its next `change` event. */
interface Stream {
  readonly req: http.ClientRequest;
  onChange?: (() => void) | undefined;
}

export async function consoleBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const levels = ctx.quick ? [100, 1000] : [100, 1000, 5000];
  const changesPerLevel = ctx.quick ? 3 : 10;
  const ca = await CaProcess.start({ config: { console: { address: '127.0.0.1:0', maxEventStreams: 100_000 } } });
  const admin = new AdminClient(ca.adminSocket);
  const orchestrator = await attestOrchestrator(ca, 'bench-orch');
  const streams: Stream[] = [];
  try {
    // Something for the agents page to list.
    await activateAgents(ca, orchestrator, 50, 'console');
    const url = ca.consoleUrl!;
    const change = () => admin.createJoinToken({ orchestrator: 'bench-orch' });
    await sleep(500);
    const idle = await ca.usage();
    const rows: Row[] = [];
    const details: Record<string, unknown>[] = [];
    for (const level of levels) {
      ctx.log(`console: ${level} event streams`);
      while (streams.length < level) streams.push(await openStream(url));
      await sleep(500);
      const open = await ca.usage();
      const delaysMs: number[] = [];
      let missed = 0;
      for (let i = 0; i < changesPerLevel; i++) {
        const seen = await timeFanOut(streams, change);
        delaysMs.push(...seen);
        missed += streams.length - seen.length;
        await sleep(300);
      }
      const p50 = quantile(delaysMs, 0.5);
      const p99 = quantile(delaysMs, 0.99);
      const perStreamKiB = (open.rssBytes - idle.rssBytes) / level / 1024;
      details.push({ streams: level, changes: changesPerLevel, p50Ms: p50, p99Ms: p99, missed, caRssBytes: open.rssBytes, idleRssBytes: idle.rssBytes });
      rows.push(row({
        bench: 'console', figure: `a change to every live page, ${level} streams (p99)`, value: missed ? undefined : p99, unit: 'ms',
        target: { op: '<=', value: 1000 },
        note: `p50 ${p50.toFixed(0)} ms over ${changesPerLevel} changes; CA RSS ${(open.rssBytes / 2 ** 20).toFixed(0)} MiB, about ${perStreamKiB.toFixed(1)} KiB per stream`
          + (missed ? `; ${missed} deliveries missed the ${DEADLINE_MS / 1000} s deadline` : ''),
      }));
    }

    // What one change costs when every open page fetches itself again: at the default bound, and at 1000.
    for (const pages of [CONSOLE_DEFAULTS.maxEventStreams, 1000]) {
      const before = await ca.usage();
      const started = nowMs();
      await change();
      await Promise.all(Array.from({ length: pages }, () => fetchPage(url)));
      const wallMs = nowMs() - started;
      const cpuMs = ((await ca.usage()).cpuMicros - before.cpuMicros) / 1000;
      details.push({ refetchingPages: pages, wallMs, cpuMs });
      rows.push(row({
        bench: 'console', figure: `one change, ${pages} pages fetching the agents page again: CA CPU`, value: cpuMs, unit: 'ms',
        note: `all ${pages} pages served within ${wallMs.toFixed(0)} ms (50 agents listed; pages of one URL share a render); changes reach pages at most every 200 ms`,
      }));
    }
    return { rows, details: { levels: details } };
  } finally {
    for (const s of streams) s.req.destroy();
    orchestrator.close();
    admin.close();
    await ca.close();
  }
}

/** Opens GET /events and resolves once its first event arrived. */
function openStream(url: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL('/events', url), { agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /events answered ${res.statusCode}`));
      let pending = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        const messages = (pending + chunk).split('\n\n');
        pending = messages.pop()!;
        for (const message of messages) {
          if (message.startsWith('event: change')) stream.onChange?.();
        }
        resolve(stream);
      });
    });
    const stream: Stream = { req };
    req.on('error', reject);
  });
}

/** Runs `change` and resolves with each stream's delay, in ms from the call, to its next `change` event. */
async function timeFanOut(streams: Stream[], change: () => Promise<unknown>): Promise<number[]> {
  const seen: number[] = [];
  const started = nowMs();
  const all = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, DEADLINE_MS);
    for (const stream of streams) {
      stream.onChange = () => {
        stream.onChange = undefined;
        seen.push(nowMs() - started);
        if (seen.length === streams.length) {
          clearTimeout(timer);
          resolve();
        }
      };
    }
  });
  await change();
  await all;
  for (const stream of streams) stream.onChange = undefined;
  return seen;
}

function fetchPage(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}
