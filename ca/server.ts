import { X509Certificate, sign } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../agent-sdk/clock.js';
import { tesseraProto } from '../agent-sdk/proto.js';
import { certificatesFromPem } from '../agent-sdk/bundle.js';
import { joinTokenAttestor } from '../node-attestor/join-token/server.js';
import { x509popAttestor } from '../node-attestor/x509pop/server.js';
import { createAttestorRegistry } from '../node-attestor/registry.js';
import type { ServerAttestor } from '../node-attestor/types.js';
import { Journal } from './audit/journal.js';
import { appendAnchor } from './audit/anchor.js';
import type { Checkpoint } from './audit/record.js';
import { markVerified, signCrashTail, unsignedTail, verifyAuditAtStart } from './audit/start-check.js';
import { Authority } from './authority/authority.js';
import { Authorities } from './authority/authorities.js';
import { keysDir, loadOrCreateRoot } from './authority/keys.js';
import { CaServerSvid } from './authority/server-svid.js';
import { followSharedAuthorities } from './authority/follow-shared.js';
import { KeyVault } from './authority/key-vault.js';
import { checkReplicaKeys, checkRootFiles } from './authority/replica-keys.js';
import { rootCertificates } from './authority/root-rotation.js';
import { TesseraError } from '../agent-sdk/errors.js';
import { svidServerCredentials } from '../agent-sdk/grpc.js';
import { CsrChecker } from './authority/csr-checker.js';
import { ConnectionGate } from './limits/connection-gate.js';
import { PolicySource } from './policy/policy-source.js';
import { claimAdminSocket } from './admin-socket.js';
import type { CaConfig } from './config.js';
import { buildInfo } from './build-info.js';
import { CaHealth } from './health.js';
import type { AuthorityExpiry, CaMetrics } from './metrics/ca-metrics.js';
import { observeAll, operationLog } from './operation-log.js';
import { OpenCalls, observeCalls } from './api/call-observer.js';
import { SHUTDOWN_GRACE_MS, stopServing } from './stop-serving.js';
import type { IssuanceContext } from './issuance/context.js';
import { redeemJoinToken } from './issuance/join-tokens.js';
import type { Logger } from './log.js';
import { openStore } from './store/open-store.js';
import { isSharedStore, type Store } from './store/store.js';
import { followSharedRevocations } from './revocation/follow-shared.js';
import { adminHandlers } from './api/admin-service.js';
import { attestationHandlers } from './api/attestation-service.js';
import { BundleWatchers, bundleHandlers } from './api/bundle-service.js';
import { authorityHandlers } from './api/authority-service.js';
import { startBundleEndpoint } from './bundle-endpoint.js';
import { FederatedBundles } from './federation/federated-bundles.js';
import { svidHandlers } from './api/svid-service.js';
import { revocationHandlers, revocationServiceDefinition } from './api/revocation-service.js';
import { RevocationFeed } from './revocation/feed.js';
import { schedulePruning } from './revocation/prune.js';
import type { RevocationContext } from './revocation/revoke.js';
import { type Listener, METHOD_RULES } from './api/authz.js';
import type { HandlerDeps } from './api/handler.js';
import { CallLimits } from './limits/call-limits.js';
import { checkedRequests } from './api/request-decode.js';

/** How often expired revocation entries are deleted from the store. */
const PRUNE_EVERY_MS = 60_000;
/** Never written: health probes read it to see that the store answers. */
const HEALTH_PROBE_KEY = 'health/probe';
const WATCH_REVOCATIONS = '/tessera.v1.RevocationService/WatchRevocations';
/** What grpc.health.v1 reports on, besides the server as a whole (''). */
const SERVICE_NAMES = ['NodeAttestationService', 'SVIDService', 'TrustBundleService', 'AdminService', 'RevocationService', 'AuthorityService'].map((s) => `tessera.v1.${s}`);

/**
 * The running CA: store, keys, authority, journal, attestors and the three
 * listeners (public TLS, mutual TLS, admin Unix socket).
 */
export class CaServer {
  readonly publicAddress: string;
  readonly mtlsAddress: string;
  readonly adminSocket: string;
  /** host:port of the SPIFFE bundle endpoint, when config.bundleEndpoint turns it on. */
  readonly bundleEndpointAddress: string | undefined;
  /** The web console's URL, when config.console turns it on. */
  readonly consoleUrl: string | undefined;
  readonly authority: Authority;
  /** The issuance policy in force; `policy.reload()` re-reads the file now. */
  readonly policy: PolicySource;
  readonly #stopServers: (graceMs: number) => Promise<void>;
  readonly #journal: Journal;
  readonly #store: Store;
  readonly #limits: CallLimits;
  readonly #csrs: CsrChecker;
  readonly #listeners: net.Server[];
  readonly #beforeShutdown: () => void;

  private constructor(parts: {
    publicAddress: string; mtlsAddress: string; adminSocket: string; bundleEndpointAddress: string | undefined; consoleUrl: string | undefined; authority: Authority; policy: PolicySource;
    stopServers: (graceMs: number) => Promise<void>; journal: Journal; store: Store; limits: CallLimits; csrs: CsrChecker; listeners: net.Server[]; beforeShutdown: () => void;
  }) {
    this.publicAddress = parts.publicAddress;
    this.mtlsAddress = parts.mtlsAddress;
    this.adminSocket = parts.adminSocket;
    this.bundleEndpointAddress = parts.bundleEndpointAddress;
    this.consoleUrl = parts.consoleUrl;
    this.authority = parts.authority;
    this.policy = parts.policy;
    this.#stopServers = parts.stopServers;
    this.#journal = parts.journal;
    this.#store = parts.store;
    this.#limits = parts.limits;
    this.#csrs = parts.csrs;
    this.#listeners = parts.listeners;
    this.#beforeShutdown = parts.beforeShutdown;
  }

  /**
   * Opens the data directory (made 0700 on first start), loads or makes the CA
   * keys, and starts listening. Resolves once every listener is bound.
   *
   * @throws {TesseraError} ERR_CONFIG_INVALID for keys of another trust domain;
   * ERR_AUDIT_CHAIN_BROKEN when the stored audit chain does not verify (from the
   * signed mark the previous start left; see ca/audit/start-check.ts).
   * @example const ca = await CaServer.start(validateConfig({ dataDir }), { clock: systemClock, log });
   */
  static async start(config: CaConfig, deps: { clock: Clock; log: Logger; metrics?: CaMetrics }): Promise<CaServer> {
    const { clock, log, metrics } = deps;
    // Refused before anything is opened or made; checked again just before binding.
    await claimAdminSocket(config.adminSocket);
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await chmod(config.dataDir, 0o700);
    const store = await openStore(config);
    // The gated TCP listeners; closing one stops new connections and leaves the open ones to grpc-js.
    const listeners: net.Server[] = [];
    const csrs = new CsrChecker({
      workers: config.csrWorkers, maxBytes: config.limits.maxCsrBytes,
      onWorkerFailed: (err) => log.error({ err }, 'a CSR check worker stopped; its pending checks failed'),
    });
    let policy: PolicySource | undefined;
    try {
      // Nothing is written on a chain that does not verify (ERR_AUDIT_CHAIN_BROKEN stops the start);
      // the root is all that verifying needs, and Authorities.load finds the same root below.
      const keys = await keysDir(config.dataDir);
      const root = await loadOrCreateRoot(keys, { trustDomain: config.trustDomain, clock, rootTtlMs: config.ttl.rootMs });
      // Every CA on one store holds the same root and key-encryption key; one that does not is refused here.
      const vault = await KeyVault.loadOrCreate(keys);
      await checkReplicaKeys(store, root, vault);
      await checkRootFiles(store, keys);
      const { anchorFile } = config.audit;
      // Every root this CA has had: checkpoints of the past were signed under any of them (root-rotation.ts).
      const verified = await verifyAuditAtStart(store, { roots: await rootCertificates(keys), log, ...(anchorFile && { anchorFile }) });
      // The checkpoint signer is the active intermediate at the time of each checkpoint.
      let signing: Authority | undefined;
      const signer = () => {
        if (!signing) throw new TesseraError('ERR_UNAVAILABLE', 'the CA authorities are not loaded yet');
        return signing.checkpointSigner;
      };
      const auditSigner = { sign: (data: Buffer) => sign('sha256', data, signer().privateKey), get chain() { return signer().chain; } };
      // The certificates the CA cannot work without, as they are now; health and metrics watch their expiry.
      let current: { authorities: Authorities; serverSvid?: CaServerSvid } | undefined;
      const expiring = (): AuthorityExpiry[] => (current ? [
        { authority: 'x509_root', notAfterMs: current.authorities.root.notAfterMs },
        { authority: 'x509_intermediate', notAfterMs: current.authorities.intermediate.notAfterMs },
        ...(current.serverSvid ? [{ authority: 'ca_server_svid' as const, notAfterMs: current.serverSvid.getX509Svid().expiresAtMs }] : []),
      ] : []);
      const health = new CaHealth({
        services: SERVICE_NAMES, clock, notAfterMs: () => Math.min(...expiring().map((e) => e.notAfterMs)), probeStore: () => store.get(HEALTH_PROBE_KEY),
      });
      // The console's live updates follow the journal: every change it shows is audited.
      const consoleEvents = config.console ? new (await import('./console/events.js')).ConsoleEvents({ maxStreams: config.console.maxEventStreams }) : undefined;
      const journal = await Journal.open({
        store, clock, observer: observeAll(operationLog(log), metrics, health, consoleEvents),
        checkpoint: {
          signer: auditSigner,
          everyRecords: config.audit.checkpointEveryRecords,
          everyMs: config.audit.checkpointEveryMs,
          ...(anchorFile && { onCheckpoint: (checkpoint: Checkpoint) => appendAnchor(anchorFile, checkpoint) }),
        },
      });
      const crashTail = await unsignedTail(store, journal);
      // Before the authorities: revoking one publishes an entry to the feed.
      const feed = await RevocationFeed.load(store, config.trustDomain, clock);
      const authorities = await Authorities.load({
        dataDir: config.dataDir, trustDomain: config.trustDomain, store, journal, clock,
        rootTtlMs: config.ttl.rootMs, intermediateTtlMs: config.ttl.intermediateMs, schedule: config.authorities, vault, revocations: feed,
      });
      // Replicas: what the others change (prepare, activate, taint, revoke) is in force here too.
      const stopFollowingAuthorities = isSharedStore(store)
        ? followSharedAuthorities(store, authorities, (err) => log.error({ err }, 'reading the authorities from the database failed; retrying on the next wake-up'))
        : () => {};
      const federation = await FederatedBundles.load({
        store, journal, trustDomain: config.trustDomain,
        ...(config.federationWebRootsFile && { webRoots: await readFile(config.federationWebRootsFile, 'utf8') }),
      });
      for (const failure of await federation.applyConfig(config.federation, (file) => readFile(file, 'utf8'))) log.warn({ failure }, 'federation from the config');
      const authority = new Authority({ trustDomain: config.trustDomain, clock, signers: authorities, federation });
      signing = authority;
      current = { authorities };
      await markVerified(store, auditSigner, verified, clock.now());
      await signCrashTail(journal, crashTail, log);
      policy = await PolicySource.start({ config, journal, log });
      const ctx: IssuanceContext = { config, authority, csrs, journal, clock, store, policy };
      // Replicas: what the others revoke reaches this one's feed (the table is the truth, NOTIFY the wake-up).
      const shared = isSharedStore(store)
        ? followSharedRevocations(store, feed, (err) => log.warn({ err }, 'reading revocations from the database failed; retrying on the next wake-up'))
        : undefined;
      const stopFollowing = shared?.stop ?? (() => {});
      const rctx: RevocationContext = { ...ctx, feed, ...(shared && { catchUpFeed: shared.catchUp }) };
      const limits = new CallLimits(config.rateLimits, {
        journal, clock, onSweepFailed: (err) => log.warn({ err }, 'writing rate-limit summaries failed; retrying later'),
      });
      const handlerDeps: HandlerDeps = { trustDomain: config.trustDomain, journal, clock, log, revocations: feed.list, limits, bundle: () => authority.bundle, signatures: csrs };
      const attestors: ServerAttestor[] = [joinTokenAttestor({ redeem: (token) => redeemJoinToken(ctx, token) })];
      if (config.x509popRootsPem) {
        attestors.push(x509popAttestor({
          roots: certificatesFromPem(config.x509popRootsPem).map((der) => new X509Certificate(der)), clock, challengeTimeoutMs: config.limits.challengeTimeoutMs,
        }));
      }
      const registry = createAttestorRegistry(attestors);

      const proto = tesseraProto().tessera.v1;
      const bundleWatch = new BundleWatchers();
      const revocation = revocationHandlers(handlerDeps, rctx);
      const handlers: Array<[grpc.ServiceDefinition, grpc.UntypedServiceImplementation]> = [
        [proto.NodeAttestationService.service, attestationHandlers(handlerDeps, ctx, registry) as grpc.UntypedServiceImplementation],
        [proto.SVIDService.service, svidHandlers(handlerDeps, ctx) as grpc.UntypedServiceImplementation],
        [proto.TrustBundleService.service, bundleHandlers(handlerDeps, authority, bundleWatch) as grpc.UntypedServiceImplementation],
        [proto.AuthorityService.service, authorityHandlers(handlerDeps, authorities, authority, federation) as grpc.UntypedServiceImplementation],
        [proto.AdminService.service, adminHandlers(handlerDeps, rctx, store, () => authorities.everyRoot) as grpc.UntypedServiceImplementation],
        [revocationServiceDefinition(), revocation.handlers as grpc.UntypedServiceImplementation],
      ];
      // Counted on every server: a stop waits for them (see stop-serving.ts); metrics count followers.
      const openCalls = new OpenCalls();
      const serverFor = (listener: Listener) => {
        // grpc-js refuses a larger message itself (RESOURCE_EXHAUSTED); clients queue streams beyond the maximum.
        const server = new grpc.Server({
          'grpc.max_receive_message_length': config.limits.maxMessageBytes,
          'grpc.max_concurrent_streams': config.limits.maxConcurrentStreams,
          interceptors: [observeCalls((method, code, seconds) => metrics?.rpcHandled(method, code, seconds), openCalls)],
        });
        for (const [definition, implementation] of handlers) {
          server.addService(checkedRequests(definition), methodsOf(listener, definition, implementation));
        }
        health.addTo(server);
        return server;
      };

      // The CA's own server SVID, renewed when a new intermediate becomes active; its key never leaves memory.
      const serverSvid = await CaServerSvid.create({ authority, journal, clock, ttlMs: config.ttl.caServerMs });
      current = { authorities, serverSvid };
      const stopWatching = authorities.onChange((kind) => {
        const renewed = kind === 'x509' ? serverSvid.renew() : Promise.resolve();
        renewed.catch((err: unknown) => log.error({ err }, 'renewing the CA server SVID failed'));
        serverSvid.bundleChanged();
        bundleWatch.publish(authority);
      });
      const stopFederationWatch = federation.onChange(() => bundleWatch.publish(authority));
      const warnOperator = (warnings: string[]) => { for (const warning of warnings) log.warn({ warning }, 'the authorities need the operator'); };
      warnOperator(authorities.warnings());
      const stopSchedule = authorities.schedule(config.authorities.checkEveryMs, (err) => log.error({ err }, 'the authority schedule failed; retrying later'), warnOperator);

      const gate = new ConnectionGate({
        maxConnections: config.limits.maxConnections, maxPerAddress: config.limits.maxConnectionsPerAddress,
        rate: config.rateLimits.connect, maxKeys: config.rateLimits.maxKeys, bursts: limits.bursts, clock,
        onAuditFailed: (err) => log.error({ err }, 'auditing a refused connection failed'),
      });
      const publicServer = serverFor('public');
      const publicListener = await listenGated(publicServer, config.publicAddress, svidServerCredentials(serverSvid, serverSvid), gate, log);
      listeners.push(publicListener);
      // Mutual TLS: a client certificate is required and verified against the roots by TLS itself.
      const mtlsServer = serverFor('mtls');
      const mtlsListener = await listenGated(mtlsServer, config.mtlsAddress, svidServerCredentials(serverSvid, serverSvid, config.trustDomain), gate, log);
      listeners.push(mtlsListener);
      const publicPort = (publicListener.address() as AddressInfo).port;
      const mtlsPort = (mtlsListener.address() as AddressInfo).port;
      const adminServer = serverFor('admin');
      await claimAdminSocket(config.adminSocket);
      await bind(adminServer, `unix:${config.adminSocket}`, grpc.ServerCredentials.createInsecure());
      await chmod(config.adminSocket, 0o600);

      const bundleEndpoint = config.bundleEndpoint && await startBundleEndpoint(config.bundleEndpoint, authority);
      const consoleServer = config.console && await (await import('./console/server.js')).startConsole({
        config: config.console, sources: { ctx, revocations: feed.list, authorities, ...(metrics && { metrics }) }, events: consoleEvents!, svid: serverSvid, log,
      });
      const stopPruning = schedulePruning(ctx, PRUNE_EVERY_MS, (err) => log.warn({ err }, 'revocation pruning failed; retrying later'));
      health.start();
      metrics?.watch({ followers: () => openCalls.of(WATCH_REVOCATIONS), authorities: expiring, now: () => clock.now() });
      log.info({ version: buildInfo.version, trustDomain: config.trustDomain, publicPort, mtlsPort, adminSocket: config.adminSocket }, 'tessera CA listening');
      return new CaServer({
        // The server streams (health Watch, WatchTrustBundle, WatchRevocations) never finish by themselves: ended here.
        beforeShutdown: () => {
          health.stop();
          stopPruning();
          stopSchedule();
          stopWatching();
          stopFederationWatch();
          federation.close();
          serverSvid.close();
          bundleWatch.close();
          void bundleEndpoint?.close();
          void consoleServer?.close();
          stopFollowing();
          stopFollowingAuthorities();
          policy?.close();
          revocation.close();
          feed.close();
        },
        publicAddress: withPort(config.publicAddress, publicPort),
        mtlsAddress: withPort(config.mtlsAddress, mtlsPort),
        adminSocket: config.adminSocket,
        bundleEndpointAddress: bundleEndpoint?.address,
        consoleUrl: consoleServer?.url,
        authority,
        policy,
        stopServers: async (graceMs) => {
          const cancelled = await stopServing([publicServer, mtlsServer, adminServer], openCalls, graceMs);
          if (Object.keys(cancelled).length > 0) log.warn({ cancelled, graceMs }, 'calls still open after the stop grace were cancelled');
        },
        journal,
        store,
        limits,
        csrs,
        listeners,
      });
    } catch (err) {
      for (const listener of listeners) listener.close();
      policy?.close();
      await csrs.close();
      await store.close();
      throw err;
    }
  }

  /**
   * Stops the listeners and ends the CA's server streams; the calls in flight
   * get `graceMs` to finish (those still open then are cancelled); then writes
   * a final checkpoint and closes the store. Always ends.
   */
  async close(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    this.#beforeShutdown();
    // No new connections; the open ones get GOAWAY and finish their calls.
    for (const listener of this.#listeners) listener.close();
    await this.#stopServers(graceMs);
    // The refusals counted in open bursts go into the log before it closes. If that write fails the
    // journal is failing, and closing it below reports that.
    await this.#limits.close().catch(() => {});
    await this.#csrs.close();
    await this.#journal.close();
    await this.#store.close();
  }
}

/** Only the methods METHOD_RULES assigns to `listener`; others answer UNIMPLEMENTED there. */
function methodsOf(
  listener: Listener, definition: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation,
): grpc.UntypedServiceImplementation {
  const picked: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    if (METHOD_RULES[method.path]?.listener === listener && implementation[name]) picked[name] = implementation[name]!;
  }
  return picked;
}

/**
 * Listens on `address` with a TCP server of our own and hands grpc-js only the
 * connections `gate` admits (grpc-js does TLS and HTTP/2 on them as on its own).
 */
async function listenGated(
  server: grpc.Server, address: string, credentials: grpc.ServerCredentials, gate: ConnectionGate, log: Logger,
): Promise<net.Server> {
  const injector = server.createConnectionInjector(credentials);
  const listener = net.createServer((socket) => {
    if (gate.admit(socket)) injector.injectConnection(socket);
  });
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(Number(address.slice(at + 1)), host, () => {
      listener.off('error', reject);
      // Accept errors (out of file descriptors, ...) must not end the CA; the listener goes on.
      listener.on('error', (err) => log.error({ err, address }, 'accepting a connection failed'));
      resolve();
    });
  });
  return listener;
}

function bind(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port)));
  });
}

function withPort(address: string, port: number): string {
  return `${address.slice(0, address.lastIndexOf(':'))}:${port}`;
}
