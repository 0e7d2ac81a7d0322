import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { Journal } from '../audit/journal.js';
import type { CaConfig } from '../config.js';
import type { Logger } from '../log.js';
import { type Policy, openPolicy, parsePolicy } from './policy.js';

/**
 * The CA's current policy: read from `config.policyFile` at start and again
 * whenever the file changes (polled by stat, so an editor's write-and-rename
 * is seen too). A new file that does not parse leaves the old policy in force;
 * the failure is logged and audited ('policy.reload', ERR_POLICY_INVALID), and
 * so is every policy file that takes effect ('policy.load', 'policy.reload').
 */
export class PolicySource {
  readonly #file: string | undefined;
  readonly #config: CaConfig;
  readonly #journal: Journal;
  readonly #log: Logger;
  #policy: Policy;
  #reloading: Promise<boolean> | undefined;
  #listener: ((curr: Stats, prev: Stats) => void) | undefined;

  private constructor(config: CaConfig, journal: Journal, log: Logger, policy: Policy) {
    this.#file = config.policyFile || undefined;
    this.#config = config;
    this.#journal = journal;
    this.#log = log;
    this.#policy = policy;
  }

  /**
   * Loads the policy file (or the built-in open policy when there is none),
   * audits a file's policy ('policy.load'; the open policy is logged, a
   * warning), and starts watching the file.
   *
   * @throws {TesseraError} `ERR_POLICY_INVALID` when the file is missing or invalid: the CA does not start on a bad policy.
   * @example const policies = await PolicySource.start({ config, journal, log });
   */
  static async start(params: { config: CaConfig; journal: Journal; log: Logger }): Promise<PolicySource> {
    const { config, journal, log } = params;
    const event = { operation: 'policy.load' };
    let policy: Policy;
    try {
      policy = config.policyFile ? await loadPolicyFile(config.policyFile, config) : openPolicy(config);
    } catch (err) {
      if (err instanceof TesseraError) await journal.record(event, 'denied', err.code);
      throw err;
    }
    if (policy.source === 'file') await journal.record(event, 'allowed');
    if (policy.source === 'open') {
      log.warn({}, 'no policy file: every orchestrator may spawn any task with any scopes; set policyFile to impose ceilings');
    } else {
      log.info({ policyFile: config.policyFile, digest: policy.digest }, 'policy loaded');
    }
    const source = new PolicySource(config, journal, log, policy);
    source.#watch();
    return source;
  }

  /** The policy in force. Never blocks. */
  get current(): Policy {
    return this.#policy;
  }

  /**
   * Reads the file again now (the watcher calls this on change). Resolves true
   * when a new policy took effect, false when the file is unchanged or invalid
   * (the old policy stays). Never rejects.
   */
  reload(): Promise<boolean> {
    this.#reloading ??= this.#reload().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  /** Stops watching the file. */
  close(): void {
    if (this.#file && this.#listener) unwatchFile(this.#file, this.#listener);
    this.#listener = undefined;
  }

  #watch(): void {
    if (!this.#file) return;
    this.#listener = (curr, prev) => {
      if (curr.mtimeMs !== prev.mtimeMs || curr.ino !== prev.ino || curr.size !== prev.size) void this.reload();
    };
    // persistent: false, so a watched policy never keeps the process alive.
    watchFile(this.#file, { interval: this.#config.policyPollMs, persistent: false }, this.#listener);
  }

  async #reload(): Promise<boolean> {
    const file = this.#file;
    if (!file) return false;
    const event = { operation: 'policy.reload' };
    try {
      const policy = await loadPolicyFile(file, this.#config);
      if (policy.digest === this.#policy.digest) return false;
      await this.#journal.record(event, 'allowed');
      this.#policy = policy;
      this.#log.info({ policyFile: file, digest: policy.digest }, 'policy reloaded');
      return true;
    } catch (err) {
      const code = err instanceof TesseraError ? err.code : 'ERR_POLICY_INVALID';
      this.#log.error({ policyFile: file, code, problem: (err as Error).message }, 'policy file is invalid: keeping the previous policy');
      await this.#journal.record(event, 'denied', code).catch(() => {});
      return false;
    }
  }
}

/**
 * Reads and parses a policy file (`tessera policy check` and `ca start` call it before the CA opens anything).
 *
 * @throws {TesseraError} `ERR_POLICY_INVALID` naming the file, and the line and column of a JSON syntax error.
 * @example const policy = await loadPolicyFile('/etc/tessera/policy.json', config);
 */
export async function loadPolicyFile(file: string, config: CaConfig): Promise<Policy> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new TesseraError('ERR_POLICY_INVALID', `${file}: the policy file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parsePolicy(bytes, config, file);
}
