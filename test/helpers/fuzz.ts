/**
 * How hard the property tests push. CI runs a short pass; set TESSERA_FUZZ_RUNS
 * (for example 100000) for a long local run.
 */
export const FUZZ_RUNS = Number(process.env.TESSERA_FUZZ_RUNS ?? 300);
