import { type CaConfigOptions, addCaConfigOptions, caConfigFrom } from './ca-config.js';
import type { CliCommand } from './command.js';
import { jsonOption } from './options.js';

interface Options extends CaConfigOptions {
  json?: boolean;
}

/** `tessera config check`: the configuration `ca start` would use, checked without starting. */
export const configCheck: CliCommand<Options> = {
  path: ['config', 'check'],
  define: (cmd) => addCaConfigOptions(cmd
    .summary('check a configuration (and its policy file) without starting the CA')
    .description('Reads the configuration exactly as `ca start` does (the same flags and file) and checks it and its policy file; creates nothing.\nExit status 0 when it is valid, 1 naming every problem when it is not.')
    .addOption(jsonOption('print the effective configuration as JSON'))),
  async run(opts, _operands, ctx) {
    const config = await caConfigFrom(opts, ctx);
    ctx.io.out(opts.json ? JSON.stringify(config) : `configuration OK: trust domain ${config.trustDomain}, data directory ${config.dataDir}${config.policyFile ? `, policy ${config.policyFile}` : ''}`);
    return 0;
  },
};
