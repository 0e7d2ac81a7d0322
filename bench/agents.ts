/**
 * What the load generators prepare before a timed part: an attested
 * orchestrator, and for each agent to activate its key, its CSR and a spawn
 * ticket from the CA.
 */
import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { createCsr } from '../agent-sdk/csr.js';
import { Orchestrator } from '../agent-sdk/orchestrator.js';
import { joinTokenClient } from '../node-attestor/join-token/client.js';
import { AdminClient } from '../ca/admin-client.js';
import type { CaProcess } from './ca-handle.js';
import { closedLoop, nowMs } from './stats.js';

/** One agent ready to activate. */
export interface PreparedAgent {
  readonly key: KeyObject;
  readonly csr: Buffer;
  readonly ticket: string;
}

/** Attests an orchestrator with a one-time join token from the CA's admin socket. */
export async function attestOrchestrator(ca: CaProcess, name: string): Promise<Orchestrator> {
  const admin = new AdminClient(ca.adminSocket);
  try {
    const { token } = await admin.createJoinToken({ orchestrator: name });
    return await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: ca.endpoints, bundle: ca.bundle });
  } finally {
    admin.close();
  }
}

/**
 * Makes `count` keys and CSRs, and spawn tickets for them (64 spawns in
 * flight). Resolves with the agents and how long the preparation took.
 */
export async function prepareAgents(
  orchestrator: Orchestrator, count: number, taskId = 'bench',
): Promise<{ agents: PreparedAgent[]; prepareMs: number }> {
  const started = nowMs();
  const keys: { key: KeyObject; csr: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keys.push({ key: privateKey, csr: createCsr(privateKey) });
  }
  const tickets: string[] = [];
  let next = 0;
  const client = orchestrator.source.caClient;
  const { failures, firstError } = await closedLoop(64, Number.POSITIVE_INFINITY, () => {
    if (next++ >= count) return undefined;
    return client.spawn({ taskId, sponsor: 'user:bench' }).then((spawned) => void tickets.push(spawned.ticket));
  });
  if (failures > 0) throw new Error(`preparing spawn tickets failed ${failures} times`, { cause: firstError });
  return { agents: keys.map((k, i) => ({ ...k, ticket: tickets[i]! })), prepareMs: nowMs() - started };
}
