/**
 * Interop: a Python agent (Debian's python3-grpcio, stubs generated from the
 * standard proto at run time) gets its identity from the workload agent and
 * calls a Node service built with the SDK over mutual TLS across two
 * rotations, with zero failed calls; the service verifies its SPIFFE ID. This
 * runs `npm run demo:workload-api`'s script from dist/ (npm test builds first).
 * Without the Python packages it fails and says which to install: never skipped.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const DEMO = new URL('../../dist/examples/workload-api-demo.js', import.meta.url).pathname;

describe('the Workload API from Python', () => {
  it('ok/python: X509-SVID and JWT-SVID over the Workload API, mTLS to a Node service across two rotations, released on exit', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [DEMO], { timeout: 90_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: stdout + stderr }));
    });
    expect(stdout, stdout).not.toContain('lacks grpcio');
    expect(code, stdout).toBe(0);
    const python = JSON.parse(/python agent: (\{.*\})/.exec(stdout)![1]!) as { spiffe_id: string; validated: string; svids: number; calls: number; failures: string[] };
    expect(python.failures).toEqual([]);
    expect(python.svids).toBeGreaterThanOrEqual(3); // the first SVID and two rotations
    expect(python.validated).toBe(python.spiffe_id);
    expect(stdout).toContain(`service: verified ${python.spiffe_id}`);
    expect(stdout).toContain(`CA: ${python.spiffe_id} is AGENT_STATUS_RELEASED`);
  });
});
