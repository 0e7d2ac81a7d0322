// npm run console:screenshots: the PNGs of docs/console.md. A CA with the console on
// loopback and some history (an orchestrator, two tasks, a delegation two levels deep,
// a renewal, a task token, a revocation, a release), its pages photographed by
// headless Chromium (Debian's chromium through playwright-core); then one audit record
// edited on disk, as an attacker with the data directory would, and the audit page again.
import type { KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CaClient, type IssuedCertificates, type X509Svid, createCsr, delegateToSubAgent, generateP256Key, systemClock } from '../agent-sdk/index.js';
import { joinTokenClient } from '../node-attestor/index.js';
import { AdminClient, CaServer, createLogger, validateConfig } from '../ca/index.js';
import { auditKey, encodeRecord, parseRecord } from '../ca/audit/record.js';
import { CaMetrics } from '../ca/metrics/ca-metrics.js';
import { LevelStore } from '../ca/store/level-store.js';

const out = fileURLToPath(new URL('../../docs/console/', import.meta.url));
const dataDir = await mkdtemp(join(tmpdir(), 'tessera-console-shots-'));
const config = validateConfig({
  dataDir, publicAddress: '127.0.0.1:0', mtlsAddress: '127.0.0.1:0', console: { address: '127.0.0.1:0' }, audit: { checkpointEveryRecords: 5 },
});
const start = () => CaServer.start(config, { clock: systemClock, log: createLogger('warn'), metrics: new CaMetrics() });
let ca = await start();
const admin = new AdminClient(ca.adminSocket);
const endpoints = { address: ca.publicAddress, mtlsAddress: ca.mtlsAddress };
const bundle = ca.authority.bundle;
const clients: CaClient[] = [];
const client = (svid?: X509Svid) => {
  const c = new CaClient({ endpoints, bundle, ...(svid && { svid: { getX509Svid: () => svid } }) });
  clients.push(c);
  return c;
};
const svidOf = (issued: IssuedCertificates, privateKey: KeyObject): X509Svid => ({ ...issued, privateKey, notBeforeMs: Date.now() });
const activate = async (ticket: string) => {
  const key = generateP256Key();
  return svidOf(await client().activate(ticket, createCsr(key)), key);
};
const delegate = async (parent: X509Svid, scopes: string[]) => {
  const spawn = await delegateToSubAgent({ caClient: client(parent), bundle, getX509Svid: () => parent }, { scopes });
  return activate(spawn.env.TESSERA_SPAWN_TICKET!);
};

// The history the pages show.
const { token } = await admin.createJoinToken({ orchestrator: 'research-orch' });
const orchestratorKey = generateP256Key();
const orchestrator = svidOf(await client().attest(joinTokenClient(token), createCsr(orchestratorKey)), orchestratorKey);
const spawn = (taskId: string, sponsor: string) => client(orchestrator).spawn({ taskId, sponsor, scopes: ['search:query', 'read:files:*'] });
const lead = await activate((await spawn('research-42', 'user:alice')).ticket);
const helper = await activate((await spawn('research-42', 'user:alice')).ticket);
await spawn('research-42', 'user:alice'); // not activated yet: spawned
const renewKey = generateP256Key();
svidOf(await client(helper).renew(createCsr(renewKey)), renewKey);
const reader = await delegate(lead, ['read:files:*']);
const subReader = await delegate(reader, ['read:files:*']);
const { token: taskToken } = await client(reader).mintJwtSvid({ audience: 'file-service', scopes: ['read:files:*'] });
const jti = (JSON.parse(Buffer.from(taskToken.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
await admin.revoke({ agent: subReader.id.toString(), reason: 'read outside its task' });
const triage = await activate((await spawn('triage-7', 'user:bob')).ticket);
await client(triage).releaseIdentity();

await mkdir(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const shoot = async (path: string, file: string) => {
  await page.goto(new URL(path, ca.consoleUrl).href);
  await page.waitForSelector('#live[data-state="live"]');
  await page.screenshot({ path: join(out, file), fullPage: true });
  process.stdout.write(`docs/console/${file}\n`);
};
await shoot('/', 'agents.png');
await shoot('/task?orchestrator=research-orch&task=research-42', 'task.png');
await shoot('/revocations', 'revocations.png');
await shoot('/audit', 'audit.png');
await shoot(`/search?q=${jti}`, 'search.png');
await shoot('/authorities', 'authorities.png');

// One record edited on disk while the CA is stopped. The start check verifies only what
// follows its signed mark, so after one clean restart the CA starts; the console verifies all.
const records = (await admin.listAuditRecords({ limit: 1000 })).records;
const spawnRecord = records.find((r) => r.operation === 'spawn' && r.outcome === 'allowed')!;
admin.close();
clients.forEach((c) => c.close());
await ca.close();
await (await start()).close();
const store = await LevelStore.create(join(dataDir, 'store'));
const stored = parseRecord((await store.get(auditKey(spawnRecord.sequence)))!);
await store.write([{ type: 'put', key: auditKey(spawnRecord.sequence), value: encodeRecord({ ...stored, sponsor: 'user:mallory' }) }]);
await store.close();
ca = await start();
await shoot(`/audit?before=${spawnRecord.sequence + 4}`, 'audit-broken.png');
await browser.close();
await ca.close();
await rm(dataDir, { recursive: true, force: true });
