import type { BenchContext, BenchResult } from './bench.js';
export async function handshakesBenchmark(_ctx: BenchContext): Promise<BenchResult> { return { rows: [], details: {} }; }
