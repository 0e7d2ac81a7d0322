import { type CaConfigOptions, caConfigFrom } from './ca-config.js';
import type { CliCommand } from './command.js';
import { jsonOption } from './options.js';

interface Options extends Pick<CaConfigOptions, 'config'> {
  json?: boolean;
}

/** `tessera policy check FILE`: a policy file checked as the CA would load it. */
export const policyCheck: CliCommand<Options> = {
  path: ['policy', 'check'],
  define: (cmd) => cmd
    .summary('check a policy file without starting the CA')
    .description("Checks a policy file as the CA would load it, its ceilings capped by the configuration's TTLs and limits (--config).\nExit status 0 when it is valid; 1 naming the file, the line and column of a JSON error, or every bad entry.")
    .argument('<file>', 'the policy file')
    .option('--config <file>', 'the JSON configuration file the CA runs with')
    .addOption(jsonOption('print { "policyFile", "digest" } as JSON')),
  async run(opts, [file], ctx) {
    const config = await caConfigFrom({ ...(opts.config !== undefined && { config: opts.config }) }, ctx);
    const { loadPolicyFile } = await import('../policy/policy-source.js');
    const policy = await loadPolicyFile(file!, config);
    ctx.io.out(opts.json ? JSON.stringify({ policyFile: file, digest: policy.digest }) : `policy OK: ${file} (digest ${policy.digest})`);
    return 0;
  },
};
