import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { OrchestratorAttestor } from '../../agent-sdk/attestor.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { x509popClientFromFiles } from '../../node-attestor/x509pop/files.js';
import { createLogger } from '../log.js';
import { runAgent } from '../../workload-agent/run-agent.js';
import type { AgentOptions } from './agent.js';
import type { CliContext } from './command.js';

/**
 * `tessera agent -- CMD...`: attests this host, serves the Workload API on
 * `opts.socket` to CMD and releases its identity when CMD exits; resolves with
 * CMD's exit status.
 *
 * @throws {TesseraError} ERR_INVALID_ARGUMENT unless exactly one attestor is given; whatever attestation or the CA refuses with.
 */
export async function startAgent(opts: AgentOptions, [command, ...args]: string[], ctx: CliContext): Promise<number> {
  return runAgent({
    endpoints: { address: opts.ca, mtlsAddress: opts.caMtls },
    trustDomain: opts.trustDomain,
    bundlePem: await readFile(resolve(opts.bundle), 'utf8'),
    attestor: await attestorOf(opts),
    socketPath: opts.socket,
    workload: { command: command!, args, taskId: opts.task, sponsor: opts.sponsor, scopes: opts.scope, ttlMs: opts.ttl },
    log: createLogger(opts.logLevel),
  }, ctx.io.out, ctx.stopRequested());
}

/** Exactly one node attestor: a join token, or x509pop (certificate and key). */
async function attestorOf(opts: AgentOptions): Promise<OrchestratorAttestor> {
  const x509pop = opts.x509popCert !== undefined || opts.x509popKey !== undefined;
  if (x509pop === (opts.joinTokenFile !== undefined)) {
    throw new TesseraError('ERR_INVALID_ARGUMENT', 'give exactly one attestor: --join-token-file, or --x509pop-cert with --x509pop-key');
  }
  if (!x509pop) return joinTokenClient((await readFile(resolve(opts.joinTokenFile!), 'utf8')).trim());
  if (opts.x509popCert === undefined || opts.x509popKey === undefined) throw new TesseraError('ERR_INVALID_ARGUMENT', '--x509pop-cert and --x509pop-key go together');
  return x509popClientFromFiles({ certFile: resolve(opts.x509popCert), keyFile: resolve(opts.x509popKey) });
}
