import type { BenchContext, BenchResult } from './bench.js';
export async function scaleBenchmark(_ctx: BenchContext): Promise<BenchResult> { return { rows: [], details: {} }; }
