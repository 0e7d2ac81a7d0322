/** Small measuring helpers shared by the benchmarks. */

/** The value at quantile `q` (0..1) of `samples`, nearest-rank; NaN when empty. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Monotonic milliseconds with sub-millisecond precision. */
export const nowMs = (): number => performance.now();

/** CPU time (user + system) of this process in microseconds. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * Runs `fn` synchronously in batches until `ms` have passed (after a short
 * warm-up) and returns microseconds per call.
 */
export function timeSync(fn: () => void, ms: number): number {
  for (let i = 0; i < 50; i++) fn();
  let calls = 0;
  const start = nowMs();
  let elapsed = 0;
  do {
    for (let i = 0; i < 20; i++) fn();
    calls += 20;
    elapsed = nowMs() - start;
  } while (elapsed < ms);
  return (elapsed * 1000) / calls;
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Keeps `concurrency` calls of `op` in flight until `deadlineMs` (by nowMs) or
 * until `op` returns undefined (nothing left to do). Returns each completed
 * call's latency in ms and how many calls failed.
 */
export async function closedLoop(
  concurrency: number, deadlineMs: number, op: () => Promise<unknown> | undefined,
): Promise<{ latenciesMs: number[]; failures: number; firstError?: unknown }> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstError: unknown;
  const worker = async () => {
    while (nowMs() < deadlineMs) {
      const started = nowMs();
      const call = op();
      if (!call) return;
      try {
        await call;
        latenciesMs.push(nowMs() - started);
      } catch (err) {
        failures++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latenciesMs, failures, ...(firstError === undefined ? {} : { firstError }) };
}

/**
 * Starts `op` at a fixed offered rate for `durationMs`, whatever the earlier
 * calls do (open loop), and measures each latency from its scheduled start, so a
 * stall shows in the tail instead of silently lowering the rate. With
 * `maxInFlight`, a call due while that many are pending is dropped and counted
 * as `shed` (the generator, not the server, is then the limit).
 */
export async function openLoop(
  ratePerSecond: number, durationMs: number, op: () => Promise<unknown> | undefined, maxInFlight = Number.POSITIVE_INFINITY,
): Promise<{ latenciesMs: number[]; failures: number; offered: number; shed: number; firstError?: unknown }> {
  const latenciesMs: number[] = [];
  const inFlight: Promise<void>[] = [];
  let pending = 0;
  let shed = 0;
  let failures = 0;
  let firstError: unknown;
  const total = Math.floor((ratePerSecond * durationMs) / 1000);
  const intervalMs = 1000 / ratePerSecond;
  const start = nowMs();
  let sent = 0;
  let exhausted = false;
  while (sent < total && !exhausted) {
    const due = Math.min(total, Math.floor((nowMs() - start) / intervalMs) + 1);
    for (; sent < due; sent++) {
      const scheduled = start + sent * intervalMs;
      // The load generator itself cannot keep up: drop the call rather than queue without bound.
      if (pending >= maxInFlight) {
        shed++;
        continue;
      }
      const call = op();
      if (!call) {
        exhausted = true;
        break;
      }
      pending++;
      inFlight.push(call.then(
        () => void latenciesMs.push(nowMs() - scheduled),
        (err: unknown) => {
          failures++;
          firstError ??= err;
        },
      ).finally(() => pending--));
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  return { latenciesMs, failures, offered: sent, shed, ...(firstError === undefined ? {} : { firstError }) };
}
