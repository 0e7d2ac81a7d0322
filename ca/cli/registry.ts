import { agentsList } from './agents-list.js';
import { agentsShow } from './agents-show.js';
import { authorityJwt, authorityRoot, authorityX509 } from './authority.js';
import { bundleShow } from './bundle-show.js';
import { bundleSet } from './bundle-set.js';
import { bundleUnset } from './bundle-unset.js';
import { auditList } from './audit-list.js';
import { auditVerify } from './audit-verify.js';
import { auditSeal } from './audit-seal.js';
import { ban } from './ban.js';
import { unban } from './unban.js';
import { caInit } from './ca-init.js';
import { caStart } from './ca-start.js';
import { configCheck } from './config-check.js';
import { policyCheck } from './policy-check.js';
import { healthcheck } from './healthcheck.js';
import type { CliCommand } from './command.js';
import { completion } from './completion.js';
import { gateway } from './gateway.js';
import { revoke } from './revoke.js';
import { tokenCreate } from './token-create.js';
import { agent } from './agent.js';
import { run } from './run.js';
import { x509Mint } from './x509-mint.js';
import { jwtMint } from './jwt-mint.js';

/**
 * Every `tessera` command, in the order help lists them.
 *
 * To add one: write ca/cli/<words>.ts exporting a CliCommand (its path, its
 * options with their parsers from options.ts, and a run() that imports a plain
 * async function and calls it), then add it to this list. Nothing else changes: the
 * dispatcher, help, completion and docs/operations.md's reference read it from here.
 */
export const COMMANDS: ReadonlyArray<CliCommand<never>> = [
  caStart,
  caInit,
  configCheck,
  policyCheck,
  tokenCreate,
  auditList,
  auditVerify,
  auditSeal,
  revoke,
  ban,
  unban,
  agentsList,
  agentsShow,
  authorityX509,
  authorityJwt,
  authorityRoot,
  x509Mint,
  jwtMint,
  bundleShow,
  bundleSet,
  bundleUnset,
  agent,
  run,
  gateway,
  healthcheck,
  completion,
];
