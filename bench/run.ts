/**
 * `npm run bench [-- --only issuance,handshakes --quick --profile DIR --peer-step-ca URL]`:
 * runs the benchmarks, prints one table on stdout and writes every figure to
 * bench/results/latest.json. Always exits 0 once the table is printed: a MISS is
 * a finding, not a failure (CI never runs this).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Benchmark, BenchContext } from './bench.js';
import { consoleBenchmark } from './console.js';
import { gatewayBenchmark } from './gateway.js';
import { handshakesBenchmark } from './handshakes.js';
import { issuanceBenchmark } from './issuance.js';
import { replicasBenchmark } from './replicas.js';
import { revocationBenchmark } from './revocation.js';
import { rotationBenchmark } from './rotation.js';
import { scaleBenchmark } from './scale.js';
import { type Row, formatTable, row } from './report.js';
import { machineCpuMicros } from './threads.js';

const BENCHMARKS: Record<string, Benchmark> = {
  issuance: issuanceBenchmark,
  handshakes: handshakesBenchmark,
  rotation: rotationBenchmark,
  revocation: revocationBenchmark,
  scale: scaleBenchmark,
  gateway: gatewayBenchmark,
  replicas: replicasBenchmark,
  console: consoleBenchmark,
};

/** Hard stop for the whole run, so a hung phase never hangs a shell or a CI job. */
const RUN_LIMIT_MS = { full: 10 * 60_000, quick: 2 * 60_000 };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'string' },
      out: { type: 'string' },
      'peer-step-ca': { type: 'string' },
    },
  });
  const names = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : Object.keys(BENCHMARKS);
  const unknown = names.filter((n) => !BENCHMARKS[n]);
  if (unknown.length) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
    process.exit(2);
  }
  const quick = values.quick ?? false;
  const limit = setTimeout(() => {
    process.stderr.write('bench: the run took longer than its limit; stopping\n');
    process.exit(3);
  }, quick ? RUN_LIMIT_MS.quick : RUN_LIMIT_MS.full);
  limit.unref();

  const ctx: BenchContext = {
    quick,
    log: (message) => process.stderr.write(`${message}\n`),
    ...(values.profile ? { cpuProfileDir: values.profile } : {}),
    ...(values['peer-step-ca'] ? { peerStepCa: values['peer-step-ca'] } : {}),
  };
  if (ctx.cpuProfileDir) await mkdir(ctx.cpuProfileDir, { recursive: true });
  const started = Date.now();
  const cpuAtStart = machineCpuMicros();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const interference: Record<string, number> = {};
  for (const name of names) {
    const before = machineCpuMicros();
    const benchStarted = Date.now();
    try {
      const result = await BENCHMARKS[name]!(ctx);
      rows.push(...result.rows);
      details[name] = result.details;
      const after = machineCpuMicros();
      if (before && after) {
        interference[name] = Math.max(0, (after.busy - before.busy) - (after.ours - before.ours)) / 1000 / ((Date.now() - benchStarted) * cpus().length);
      }
    } catch (err) {
      ctx.log(`${name}: failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      rows.push(row({ bench: name, figure: 'run', value: undefined, unit: '', note: `the benchmark failed: ${String(err)}` }));
    }
  }

  const machine = {
    node: process.version,
    openssl: process.versions.openssl,
    v8: process.versions.v8,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    platform: `${process.platform} ${process.arch}`,
  };
  const cpuAtEnd = machineCpuMicros();
  const wallMs = Date.now() - started;
  // Core-seconds other processes took during the run, as a share of the machine.
  const othersShare = cpuAtStart && cpuAtEnd
    ? Math.max(0, (cpuAtEnd.busy - cpuAtStart.busy) - (cpuAtEnd.ours - cpuAtStart.ours)) / 1000 / (wallMs * machine.cpus)
    : undefined;
  process.stdout.write(`Tessera benchmarks${quick ? ' (quick)' : ''}: Node ${machine.node}, OpenSSL ${machine.openssl}, ${machine.cpus} × ${machine.cpuModel}\n\n`);
  process.stdout.write(`${formatTable(rows)}\n`);
  if (othersShare !== undefined) {
    const warn = othersShare > 0.05 ? ': the machine was not idle, figures are lower than they would be' : '';
    const each = Object.entries(interference).map(([name, share]) => `${name} ${(share * 100).toFixed(1)} %`).join(', ');
    process.stdout.write(`\nother processes used ${(othersShare * 100).toFixed(1)} % of the machine during the run (${each})${warn}\n`);
  }
  const out = values.out ?? fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));
  await mkdir(dirname(out), { recursive: true });
  const report = { date: new Date(started).toISOString(), durationMs: wallMs, quick, machine: { ...machine, othersShare, othersShareByBenchmark: interference }, rows, details };
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${out}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
