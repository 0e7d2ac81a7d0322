import type { Row } from './report.js';

/** What every benchmark gets from the runner. */
export interface BenchContext {
  /** Shorter phases (the whole run under a minute); figures are noisier. */
  readonly quick: boolean;
  /** Progress lines on stderr, so stdout holds only the table. */
  log(message: string): void;
  /** Where to write V8 CPU profiles of the timed phases (CA and load generator), when asked (--profile DIR). */
  readonly cpuProfileDir?: string;
  /** A running step-ca to compare issuance with (--peer-step-ca URL, see peer-step-ca.ts). */
  readonly peerStepCa?: string;
}

/** Rows for the table, and details (raw figures, phase settings) for the JSON file. */
export interface BenchResult {
  readonly rows: Row[];
  readonly details: Record<string, unknown>;
}

export type Benchmark = (ctx: BenchContext) => Promise<BenchResult>;
