/**
 * Agent SVIDs as parsers that are not ours meet them: an SVID fetched through
 * the Workload API is loaded by Debian's python3-cryptography and by Go's
 * crypto/x509 (a program on the standard library alone, verifying the chain
 * against the bundle), each reading the lineage extension by its OID. Both
 * refuse a certificate carrying the pre-0.2.0 2.25 OID, which is why it moved
 * (docs/decisions.md). Needs /usr/bin/python3 with python3-cryptography and Go
 * (golang-go): without them the tests fail with the apt-get line, never skip.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, readTlv } from '../../agent-sdk/der.js';
import { certificateThumbprint } from '../../agent-sdk/jwt-svid.js';
import { LEGACY_LINEAGE_OID, LINEAGE_OID, decodeLineage, readLineageExtension } from '../../agent-sdk/lineage.js';
import { leafWithLineage } from '../helpers/lineage-leaf.js';
import { createRoot } from '../helpers/pki.js';
import { type AgentWorld, CALL_FIXTURE, linesOf, startAgentWorld } from '../helpers/workload-agent.js';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const GO_PROGRAM = new URL('../fixtures/svid-check.go', import.meta.url).pathname;

// Loads a DER leaf, reads the extension by OID and the URI SANs, and checks the leaf's signature with the intermediate's key.
const PYTHON_CHECK = `
import json, sys
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
try:
    leaf = x509.load_der_x509_certificate(open(sys.argv[1], "rb").read())
    ext = leaf.extensions.get_extension_for_oid(x509.ObjectIdentifier(sys.argv[3]))
except ValueError as err:
    print(json.dumps({"error": str(err)}))
    sys.exit(1)
issuer = x509.load_der_x509_certificate(open(sys.argv[2], "rb").read())
issuer.public_key().verify(leaf.signature, leaf.tbs_certificate_bytes, ec.ECDSA(leaf.signature_hash_algorithm))
uris = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.UniformResourceIdentifier)
print(json.dumps({"uris": uris, "critical": ext.critical, "lineage": ext.value.value.hex()}))
`;

const run = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ code: number; out: Record<string, unknown>; stderr: string }>((resolve, reject) => {
    execFile(file, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err); // not started (ENOENT): no such program
      resolve({ code: err ? Number(err.code) : 0, out: jsonOf(stdout), stderr });
    });
  });

const jsonOf = (stdout: string): Record<string, unknown> => {
  try {
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return { stdout };
  }
};

let world: AgentWorld;
let dir: string;
let fetched: { id: string; leaf: string; intermediate: string; chain: string; bundle: string };
let legacy: { leaf: string; root: string };

beforeAll(async () => {
  world = await startAgentWorld();
  dir = await mkdtemp(join(tmpdir(), 'tessera-interop-'));
  const workload = await world.agent.spawn({
    command: process.execPath, args: [CALL_FIXTURE, 'FetchX509SVID', 'der'], taskId: 'task-1', sponsor: 'user-1', spawn: { stdio: ['pipe', 'pipe', 'inherit'] },
  });
  const message = (await linesOf(workload.child).next()).value as { id: string; chain: string; bundle: string };
  workload.child.stdin!.end();
  const chain = Buffer.from(message.chain, 'base64');
  const leaf = bytesOf(chain, readTlv(chain, 0));
  const write = async (name: string, der: Uint8Array) => {
    await writeFile(join(dir, `${name}.der`), der);
    return join(dir, `${name}.der`);
  };
  fetched = {
    id: message.id, leaf: await write('leaf', leaf), intermediate: await write('intermediate', chain.subarray(leaf.length)),
    chain: await write('chain', chain), bundle: await write('bundle', Buffer.from(message.bundle, 'base64')),
  };
  // A leaf as CAs before 0.2.0 wrote it: the same lineage under 2.25.<UUID>.
  const root = await createRoot();
  const oldLeaf = await leafWithLineage(root, { orchestrator: 'host-1', task: 'task-1', sponsor: 'user-1', scopes: [], hops: [] }, [LEGACY_LINEAGE_OID]);
  legacy = { leaf: await write('legacy-leaf', oldLeaf), root: await write('legacy-root', root.der) };
  await workload.released;
});

afterAll(async () => {
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What our own reader finds in the fetched leaf: the lineage the other parsers must return byte for byte. */
const ourLineage = async () => {
  const lineage = readLineageExtension(await readFile(fetched.leaf));
  expect(lineage).toMatchObject({ orchestrator: 'host-1', task: 'task-1', sponsor: 'user-1', hops: [] });
  return lineage!;
};

describe('agent SVIDs in other languages', () => {
  it('ok/python-cryptography: Debian\'s python3-cryptography loads the SVID and reads the lineage by its OID; it refuses the old OID', async () => {
    const found = await run(PYTHON, ['-c', PYTHON_CHECK, fetched.leaf, fetched.intermediate, LINEAGE_OID]).catch(() => undefined);
    expect(found, `${PYTHON} is missing: apt-get install -y python3-cryptography`).toBeDefined();
    expect(found!.stderr, `${PYTHON} lacks cryptography: apt-get install -y python3-cryptography`).not.toContain('ModuleNotFoundError');
    expect(found!.code, JSON.stringify(found)).toBe(0);
    expect(found!.out.uris).toEqual([fetched.id]);
    expect(found!.out.critical).toBe(false);
    expect(decodeLineage(Buffer.from(String(found!.out.lineage), 'hex'))).toEqual(await ourLineage());

    const old = await run(PYTHON, ['-c', PYTHON_CHECK, legacy.leaf, legacy.root, LEGACY_LINEAGE_OID]);
    expect(old.code).toBe(1);
    expect(String(old.out.error)).toMatch(/error parsing asn1 value/i);
  });

  it('ok/go: crypto/x509 alone parses the SVID, verifies it against the bundle, reads the lineage by its OID and computes the cnf thumbprint; it refuses the old OID', async () => {
    const binary = join(dir, 'svid-check');
    // GOPROXY=off: the standard library only, as in CI, which has no Go proxy. A build cache of its own: no $HOME needed.
    const env = { ...process.env, GOPROXY: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local', GOCACHE: join(dir, 'go-cache') };
    const built = await run('go', ['build', '-o', binary, GO_PROGRAM], env).catch(() => undefined);
    expect(built, 'go is missing: apt-get install -y golang-go').toBeDefined();
    expect(built!.code, built!.stderr).toBe(0);

    const found = await run(binary, [fetched.chain, fetched.bundle, LINEAGE_OID]);
    expect(found.code, JSON.stringify(found.out)).toBe(0);
    expect(found.out).toMatchObject({ uris: [fetched.id], chain: 3, critical: false });
    // docs/workload-api.md's recipe for the cnf binding gives what the CA puts in cnf.
    expect(found.out.x5t).toBe(certificateThumbprint(await readFile(fetched.leaf)));
    expect(decodeLineage(Buffer.from(String(found.out.lineage), 'hex'))).toEqual(await ourLineage());

    const old = await run(binary, [legacy.leaf, legacy.root, LEGACY_LINEAGE_OID]);
    expect(old).toMatchObject({ code: 1, out: { error: 'x509: malformed extension OID field' } });
  });
});
