import { checkHealth } from '../health-client.js';
import type { CliCommand } from './command.js';
import { type AdminOptions, addAdminOptions, jsonOption, socketOf } from './options.js';

interface Options extends AdminOptions {
  service: string;
  json?: boolean;
}

/** `tessera healthcheck`: the CA's grpc.health.v1 status; the exit status says it. */
export const healthcheck: CliCommand<Options> = {
  path: ['healthcheck'],
  define: (cmd) => addAdminOptions(cmd
    .summary("check the running CA's health over its admin socket")
    .description("Asks the running CA for its grpc.health.v1 status over its admin socket and prints it.\nExit status 0 when it is SERVING, 1 when it is not or does not answer.")
    .option('--service <name>', "one service's status, such as tessera.v1.SVIDService (default: the CA as a whole)", '')
    .addOption(jsonOption('print { "status": ... } as JSON'))),
  async run(opts, _operands, ctx) {
    const status = await checkHealth(socketOf(opts, ctx), opts.service);
    ctx.io.out(opts.json ? JSON.stringify({ status }) : status);
    return status === 'SERVING' ? 0 : 1;
  },
};
