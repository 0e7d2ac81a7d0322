/**
 * The `tessera gateway` command and `tessera audit verify --gateway FILE`, as
 * plain async functions; ca/main.ts reads argv and signals and calls them.
 * The environment is read here only for the join token named in the config
 * (`identity.joinTokenEnv`) and upstream secrets (`secretEnv`), both passed in.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Bundle, certificatesFromPem } from '../agent-sdk/bundle.js';
import { TesseraError } from '../agent-sdk/errors.js';
import { orchestratorId } from '../agent-sdk/tessera-id.js';
import { X509Source } from '../agent-sdk/x509-source.js';
import { verifyAudit } from '../ca/audit/verify.js';
import type { Output } from '../ca/cli/commands.js';
import type { Logger } from '../ca/log.js';
import { LevelStore } from '../ca/store/level-store.js';
import type { OrchestratorAttestor } from '../agent-sdk/attestor.js';
import { joinTokenClient } from '../node-attestor/join-token/client.js';
import { x509popClient } from '../node-attestor/x509pop/client.js';
import { readConfigFile, watchConfigFile } from './config-file.js';
import { type GatewayConfig, validateGatewayConfig } from './config.js';
import type { Gateway } from './gateway.js';

/**
 * `tessera gateway --config FILE`: attests as orchestrator `identity.name`
 * with the one-time join token, serves until `stop` resolves, reloads the
 * route table when the file changes.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID, the attestation's refusal (ERR_JOIN_TOKEN_USED, ...), ERR_UNAVAILABLE.
 */
export async function runGateway(
  configFile: string, deps: { log: Logger; env: NodeJS.ProcessEnv; stop: Promise<unknown>; metricsListen?: string }, io: Output,
): Promise<number> {
  const config = validateGatewayConfig(readConfigFile(configFile));
  // Loaded here, not at the top: the rest of the CLI (audit verify --gateway) needs neither the server nor prom-client.
  const { Gateway } = await import('./gateway.js');
  const identity = await attestGateway(config, deps.env);
  let gateway: Gateway;
  try {
    gateway = await Gateway.start(config, { identity, log: deps.log, env: deps.env, ...(deps.metricsListen && { metricsListen: deps.metricsListen }) });
  } catch (err) {
    identity.close();
    throw err;
  }
  const unwatch = watchConfigFile(configFile, (raw) => gateway.reload(raw));
  io.out(JSON.stringify({
    listen: gateway.address, spiffeId: gateway.id.toString(), audience: gateway.audience, ...(gateway.metricsAddress && { metrics: gateway.metricsAddress }),
  }));
  await deps.stop;
  unwatch();
  await gateway.close();
  identity.close();
  return 0;
}

/**
 * `tessera audit verify --gateway FILE`: the gateway's decision log, its hash
 * chain and its checkpoints, which must be signed by the gateway's SVID
 * (`spiffe://<td>/orchestrator/<identity.name>`) chaining to the trust bundle.
 * Reads the log directly: the gateway must be stopped (LevelDB allows one process).
 * Exit code 0 when it verifies, 1 when it does not.
 */
export async function verifyGatewayAudit(configFile: string, params: { json: boolean }, io: Output): Promise<number> {
  const config = validateGatewayConfig(readConfigFile(configFile));
  const roots = certificatesFromPem(await readFile(config.ca.bundleFile, 'utf8')).map((der) => new X509Certificate(der));
  const store = await LevelStore.create(join(config.dataDir, 'audit'));
  let result;
  try {
    result = await verifyAudit(store, { roots, signerId: orchestratorId(config.trustDomain, config.identity.name) });
  } finally {
    await store.close();
  }
  if (params.json) io.out(JSON.stringify(result));
  else if (result.ok) io.out(`gateway audit log OK: ${result.records} records, ${result.checkpoints} signed checkpoints`);
  else io.out(`gateway audit log BROKEN at record ${result.firstBadSequence}: ${result.reason} (${result.records} records checked)`);
  return result.ok ? 0 : 1;
}

/**
 * The gateway's own SVID: attests to the CA as orchestrator `identity.name` with
 * the configured node attestor, and keeps the SVID current (and the CA's revocations).
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID (a missing token, an unreadable certificate or key, a
 *   certificate for another name), the attestation's refusal, ERR_UNAVAILABLE.
 * @example const source = await attestGateway(config, process.env);
 */
export async function attestGateway(config: GatewayConfig, env: NodeJS.ProcessEnv): Promise<X509Source> {
  const bundle = new X509Bundle(config.trustDomain, certificatesFromPem(await readFile(config.ca.bundleFile, 'utf8')));
  const source = await X509Source.fromAttestation({
    attestor: await attestorFor(config.identity, env), endpoints: { address: config.ca.address, mtlsAddress: config.ca.mtlsAddress }, bundle,
  });
  // The audit verifier expects checkpoints from this name: a certificate for another one is a misconfiguration.
  const id = source.getX509Svid().id;
  if (!id.equals(orchestratorId(config.trustDomain, config.identity.name))) {
    source.close();
    throw new TesseraError('ERR_CONFIG_INVALID', `the gateway attested as ${id}, not as orchestrator ${config.identity.name}`);
  }
  return source;
}

async function attestorFor(identity: GatewayConfig['identity'], env: NodeJS.ProcessEnv): Promise<OrchestratorAttestor> {
  if (identity.x509pop) {
    const [pem, key] = await Promise.all([readFile(identity.x509pop.certFile, 'utf8'), readFile(identity.x509pop.keyFile)]).catch(() => {
      throw new TesseraError('ERR_CONFIG_INVALID', 'the gateway\'s x509pop certificate or key cannot be read');
    });
    let privateKey;
    try {
      privateKey = createPrivateKey(key);
    } catch {
      throw new TesseraError('ERR_CONFIG_INVALID', 'the gateway\'s x509pop key is not a private key');
    }
    return x509popClient({ certChain: certificatesFromPem(pem), privateKey });
  }
  const token = identity.joinTokenFile !== undefined
    ? (await readFile(identity.joinTokenFile, 'utf8').catch(() => '')).trim()
    : env[identity.joinTokenEnv!];
  if (!token) throw new TesseraError('ERR_CONFIG_INVALID', 'the gateway\'s join token is missing (identity.joinTokenFile or identity.joinTokenEnv)');
  return joinTokenClient(token);
}
