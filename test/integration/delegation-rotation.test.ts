/**
 * Delegating while the agent rotates: the CA may commit the renewal and then see
 * the delegation presented with the SVID it just made old, before the renewal's
 * reply reached the agent ("only the newest SVID of an identity may delegate").
 * delegateToSubAgent waits for the renewal under way and goes again with the new
 * SVID. Found as a rare failure of `npm run demo` under load.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { delegateToSubAgent } from '../../agent-sdk/delegation.js';
import { type World, spawnAgent, startWorld } from '../helpers/revocation-world.js';

const ROUNDS = 25;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('delegation during a rotation', () => {
  it(`ok/${ROUNDS} delegations each started together with a rotation of the delegating agent all succeed`, async () => {
    world = await startWorld();
    const agent = await spawnAgent(world, 'task-rotating');
    const subAgents = [];
    for (let i = 0; i < ROUNDS; i++) {
      const [, sub] = await Promise.all([agent.rotate(), delegateToSubAgent(agent, { scopes: ['search:query'] })]);
      subAgents.push(sub.id.toString());
    }
    expect(new Set(subAgents).size).toBe(ROUNDS);
  }, 60_000);
});
