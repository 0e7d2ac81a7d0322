import type { BenchContext, BenchResult } from './bench.js';
export async function rotationBenchmark(_ctx: BenchContext): Promise<BenchResult> { return { rows: [], details: {} }; }
