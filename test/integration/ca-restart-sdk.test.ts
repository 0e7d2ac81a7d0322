import { afterEach, describe, expect, it } from 'vitest';
import { isTesseraError } from '../../agent-sdk/errors.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';

let t: TestCa;
let orchestrator: Orchestrator | undefined;
afterEach(async () => {
  orchestrator?.close();
  await t?.close();
});

describe('SDK calls after a CA restart', () => {
  it('ok/Orchestrator.spawn right after the CA came back waits for the connection instead of failing with ERR_UNAVAILABLE', async () => {
    t = await startTestCa();
    const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
    orchestrator = await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: t.endpoints, bundle: t.ca.authority.bundle });
    await orchestrator.spawn('task-1', { sponsor: 'user-42' });
    await t.restart(async () => {
      // While the CA is down a call fails (typed), and its channel backs off between reconnect attempts.
      const down = await orchestrator!.spawn('task-1', { sponsor: 'user-42' }).catch((err: unknown) => err);
      expect(isTesseraError(down, 'ERR_UNAVAILABLE')).toBe(true);
      await new Promise((r) => setTimeout(r, 1_500));
    });
    // The CA is back: the very next call succeeds, within its deadline.
    const spawned = await orchestrator.spawn('task-1', { sponsor: 'user-42' });
    expect(spawned.id.toString()).toMatch(/^spiffe:\/\/tessera\.local\/agent\/orch-a\/task-1\/[0-9a-f]{32}$/);
  });
});
