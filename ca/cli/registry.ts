import { agentsList } from './agents-list.js';
import { agentsShow } from './agents-show.js';
import { auditList } from './audit-list.js';
import { auditVerify } from './audit-verify.js';
import { caStart } from './ca-start.js';
import type { CliCommand } from './command.js';
import { gateway } from './gateway.js';
import { revoke } from './revoke.js';
import { tokenCreate } from './token-create.js';

/**
 * Every `tessera` command, in the order help lists them.
 *
 * To add one: write ca/cli/<words>.ts exporting a CliCommand (its path, its
 * options with their parsers from options.ts, and a run() that calls a plain
 * async function), then add it to this list. Nothing else changes: the
 * dispatcher, help, completion and docs/operations.md's reference read it from here.
 */
export const COMMANDS: ReadonlyArray<CliCommand<never>> = [
  caStart,
  tokenCreate,
  auditList,
  auditVerify,
  revoke,
  agentsList,
  agentsShow,
  gateway,
];
