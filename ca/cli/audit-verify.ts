import { resolve } from 'node:path';
import { storeUrlOf } from './ca-config.js';
import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, dataDirOf, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  json?: boolean;
  anchor?: string;
  gateway?: string;
  store?: string;
}

/** `tessera audit verify`: checks the hash chain and its signed checkpoints. */
export const auditVerify: CliCommand<Options> = {
  path: ['audit', 'verify'],
  define: (cmd) => addAdminOptions(cmd
    .summary('check the audit hash chain and its signed checkpoints')
    .description('Checks the audit hash chain and its signed checkpoints, through the running CA or, when none runs, on the data directory itself.\nExit status 0 when the chain verifies, 1 when it does not (naming the first record that does not fit).')
    .option('--anchor <file>', 'also check that every checkpoint anchored in this file (config audit.anchorFile) is in the log')
    .option('--store <url>', 'check the replicas\' database (postgresql://..., else $TESSERA_STORE) when no CA answers on the socket')
    .option('--gateway <file>', 'verify the decision log of the agent gateway with this config instead (the gateway must be stopped)')
    .addOption(jsonOption('print the result as JSON'))),
  run: async (opts, _operands, ctx) => {
    if (opts.gateway) return (await import('../../gateway/commands.js')).verifyGatewayAudit(resolve(opts.gateway), { json: opts.json ?? false }, ctx.io);
    const store = storeUrlOf(opts, ctx);
    const { verifyAuditLog } = await import('./commands.js');
    const chain = await verifyAuditLog(dataDirOf(opts, ctx), socketOf(opts, ctx), { json: opts.json ?? false, ...(store && { store }) }, ctx.io);
    if (!opts.anchor) return chain;
    const { verifyAnchorFile } = await import('./audit-anchor.js');
    return Math.max(chain, await verifyAnchorFile(dataDirOf(opts, ctx), socketOf(opts, ctx), opts.anchor, { json: opts.json ?? false, ...(store && { store }) }, ctx.io));
  },
};
