#!/usr/bin/env node
// The `tessera` command. The only module that reads argv and the environment:
// everything below gets plain, validated values.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TesseraError } from '../agent-sdk/errors.js';
import { createToken, listAudit, startCa, verifyAuditLog, type Output } from './cli/commands.js';
import { validateConfig } from './config.js';
import { listAgentsCommand, revokeCommand, showAgentCommand } from './cli/revocation-commands.js';
import { createLogger } from './log.js';

const USAGE = `usage: tessera <command> [options]

  ca start        run the CA          [--config FILE] [--data-dir DIR] [--trust-domain TD] [--policy FILE]
                                      [--listen HOST:PORT] [--mtls-listen HOST:PORT] [--log-level LEVEL]
                                      [--store postgresql://...]  (replicas on one database: docs/ha.md)
  token create    make a join token   --orchestrator NAME [--ttl 10m]
  audit verify    check the audit hash chain and its signed checkpoints
  audit list      print audit records [--after SEQ] [--limit N] [--json]
  revoke          revoke one of       --serial HEX | --jti JTI | --agent SPIFFE_ID
                                      | --task ORCHESTRATOR/TASK | --chain SPIFFE_ID  [--reason TEXT]
  agents list     the agent inventory [--orchestrator O] [--task T] [--status S] [--limit N] [--json]
  agents show     one agent and its delegation tree: SPIFFE_ID [--json]

  Commands that talk to a running CA use its admin socket: --socket PATH, or
  <data dir>/admin.sock. The data directory is --data-dir, else $TESSERA_DATA_DIR,
  else ./.data. The store is --store, else $TESSERA_STORE, else level in the data directory.`;

const io: Output = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      'trust-domain': { type: 'string' },
      listen: { type: 'string' },
      'mtls-listen': { type: 'string' },
      'log-level': { type: 'string' },
      socket: { type: 'string' },
      orchestrator: { type: 'string' },
      ttl: { type: 'string' },
      after: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      serial: { type: 'string' },
      jti: { type: 'string' },
      agent: { type: 'string' },
      task: { type: 'string' },
      chain: { type: 'string' },
      reason: { type: 'string' },
      status: { type: 'string' },
      policy: { type: 'string' },
      store: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  // `agents show` takes the SPIFFE ID as an operand; every other command takes none.
  const command = positionals.slice(0, 2).join(' ') === 'agents show' ? 'agents show' : positionals.join(' ');
  const operands = positionals.slice(command.split(' ').length);
  if (values.help || command === '') {
    io.out(USAGE);
    return command === '' && !values.help ? 2 : 0;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env.TESSERA_DATA_DIR ?? '.data');
  const socket = values.socket ?? join(dataDir, 'admin.sock');

  switch (command) {
    case 'ca start': {
      const file = values.config ? (JSON.parse(await readFile(values.config, 'utf8')) as Record<string, unknown>) : {};
      const config = validateConfig({
        ...file,
        // Precedence: flag, then file, then $TESSERA_DATA_DIR, then ./.data.
        dataDir: values['data-dir'] || typeof file.dataDir !== 'string' ? dataDir : file.dataDir,
        ...(values['trust-domain'] && { trustDomain: values['trust-domain'] }),
        ...(values.listen && { publicAddress: values.listen }),
        ...(values['mtls-listen'] && { mtlsAddress: values['mtls-listen'] }),
        ...(values.socket && { adminSocket: values.socket }),
        ...(values.policy && { policyFile: resolve(values.policy) }),
        // A database URL may hold a password: $TESSERA_STORE keeps it off the command line.
        ...((values.store ?? process.env.TESSERA_STORE) && { store: values.store ?? process.env.TESSERA_STORE }),
      });
      const stop = new Promise((done) => {
        process.once('SIGTERM', done);
        process.once('SIGINT', done);
      });
      return startCa(config, createLogger(values['log-level'] ?? 'info'), stop, io);
    }
    case 'token create':
      if (!values.orchestrator) throw new TesseraError('ERR_INVALID_ARGUMENT', '--orchestrator NAME is required');
      return createToken(socket, { orchestrator: values.orchestrator, ...(values.ttl && { ttl: values.ttl }) }, io);
    case 'audit verify':
      return verifyAuditLog(dataDir, socket, io, values.store ?? process.env.TESSERA_STORE ?? '');
    case 'audit list':
      return listAudit(socket, { after: Number(values.after ?? 0), limit: Number(values.limit ?? 100), json: values.json ?? false }, io);
    case 'revoke':
      return revokeCommand(socket, values, io);
    case 'agents list':
      return listAgentsCommand(socket, {
        ...(values.orchestrator && { orchestrator: values.orchestrator }), ...(values.task && { task: values.task }),
        ...(values.status && { status: values.status }), limit: Number(values.limit ?? 1000), json: values.json ?? false,
      }, io);
    case 'agents show':
      if (operands.length !== 1) throw new TesseraError('ERR_INVALID_ARGUMENT', 'usage: tessera agents show SPIFFE_ID');
      return showAgentCommand(socket, operands[0]!, { json: values.json ?? false }, io);
    default:
      io.err(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    io.err(err instanceof TesseraError ? `tessera: ${err.code}: ${err.message}` : `tessera: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
