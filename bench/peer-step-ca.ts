/**
 * The step-ca peer (../shared/peer/README.md): smallstep's step-ca 0.19 built
 * from Debian's sources, with a Go load client that signs CSRs through its JWK
 * provisioner. Given its URL (`--peer-step-ca https://127.0.0.1:9000`), the
 * issuance benchmark runs that load client right after its own phase at the same
 * concurrency and prints the ratios; the load client reports step-ca's own CPU
 * per certificate, the figure to compare with the CA CPU per SVID.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Where peer.sh is: $TESSERA_PEER_SH, or `shared/peer/peer.sh` beside the checkout (the
 * main checkout) or one level further up (a worktree under wt/), as on the team's machines.
 */
const PEER_SCRIPT = process.env.TESSERA_PEER_SH ?? ((): string => {
  const repository = fileURLToPath(new URL('../..', import.meta.url));
  const candidates = [join(repository, '..', 'shared', 'peer', 'peer.sh'), join(repository, '..', '..', 'shared', 'peer', 'peer.sh')];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
})();

/** How to get a step-ca to compare with, for the table when none was given. */
export const STEP_CA_HOW_TO = `no --peer-step-ca URL: run ${PEER_SCRIPT} with deps, build, init, start (Debian packages only, see its README), `
  + 'then npm run bench -- --only issuance --peer-step-ca https://127.0.0.1:9000';

/** One load run against step-ca, as its load client reports it. */
export interface StepCaRun {
  readonly certsPerSecond: number;
  readonly caCpuUsPerCert: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU anything else took during the run; above a few percent the run is contaminated. */
  readonly otherProcsCpuCores: number;
}

/**
 * Runs peer.sh's load client against the step-ca at `url` (started by `peer.sh start`,
 * whose pid file the client reads for the CA's CPU) for `durationMs` at `concurrency`.
 *
 * @throws {Error} when peer.sh fails or reports no figures.
 */
export async function measureStepCa(url: string, concurrency: number, durationMs: number): Promise<StepCaRun> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-peer-run-'));
  try {
    const out = join(dir, 'run.json');
    const env = { ...process.env, ADDR: new URL(url).host, DUR: `${Math.ceil(durationMs / 1000)}s` };
    await promisify(execFile)('bash', [PEER_SCRIPT, 'load', String(concurrency), '-json', out], { env, timeout: durationMs + 120_000 });
    const run = JSON.parse(await readFile(out, 'utf8')) as Record<string, number>;
    const figures = {
      certsPerSecond: run.certs_per_s, caCpuUsPerCert: (run.ca_cpu_ms_per_cert ?? NaN) * 1000, p50Ms: run.p50_ms, p99Ms: run.p99_ms,
      otherProcsCpuCores: run.other_procs_cpu_cores,
    };
    if (!Object.values(figures).every((v) => typeof v === 'number' && Number.isFinite(v))) throw new Error(`peer.sh load reported ${JSON.stringify(run)}`);
    return figures as StepCaRun;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
