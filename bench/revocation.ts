/**
 * Revocation: time from a revoke to its enforcement at 1k/5k/10k connected
 * followers. Needs the WatchRevocations stream (the revocation issue); until it
 * exists the table says so instead of inventing a figure.
 */
import type { BenchContext, BenchResult } from './bench.js';
import { row } from './report.js';

export async function revocationBenchmark(_ctx: BenchContext): Promise<BenchResult> {
  return {
    rows: [row({
      bench: 'revocation', figure: 'revoke to enforcement, 10k followers (p99)', value: undefined, unit: 'ms',
      target: { op: '<=', value: 1000 }, note: 'not yet measurable: needs WatchRevocations',
    })],
    details: { measured: false, reason: 'not yet measurable: needs WatchRevocations' },
  };
}
