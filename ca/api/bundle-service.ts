import type { ServerWritableStream } from '@grpc/grpc-js';
import type { TrustBundleServiceHandlers } from '../../agent-sdk/gen/tessera/v1/TrustBundleService.js';
import type { WatchTrustBundleRequest__Output } from '../../agent-sdk/gen/tessera/v1/WatchTrustBundleRequest.js';
import type { WatchTrustBundleResponse } from '../../agent-sdk/gen/tessera/v1/WatchTrustBundleResponse.js';
import type { Authority } from '../authority/authority.js';
import { type HandlerDeps, admitCall, unaryHandler } from './handler.js';
import { toStatus } from './status.js';
import { authorityBundleMessage } from './wire.js';

const SERVICE = '/tessera.v1.TrustBundleService';
/** How often an idle WatchTrustBundle stream says "nothing new", so a client notices a dead connection. */
const HEARTBEAT_INTERVAL_MS = 5_000;

type Watch = ServerWritableStream<WatchTrustBundleRequest__Output, WatchTrustBundleResponse>;

/** The open WatchTrustBundle streams: each gets every new bundle; `close` ends them all. */
export class BundleWatchers {
  readonly #streams = new Set<Watch>();
  #closed = false;

  /** Sends the bundle to every open stream. */
  publish(authority: BundleHolder): void {
    const message = bundleMessage(authority);
    for (const call of this.#streams) call.write(message);
  }

  /** Sends `call` the current bundle, then every new one and a heartbeat, until it ends. */
  watch(call: Watch, authority: BundleHolder): void {
    // A stream a client opens on its existing connection while the CA shuts down would keep it waiting.
    if (this.#closed) {
      call.end();
      return;
    }
    this.#streams.add(call);
    call.write(bundleMessage(authority));
    const heartbeat = setInterval(() => call.write({ heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS }), HEARTBEAT_INTERVAL_MS);
    const stop = () => {
      clearInterval(heartbeat);
      this.#streams.delete(call);
    };
    call.on('cancelled', stop);
    call.on('close', stop);
    call.on('finish', stop);
  }

  close(): void {
    this.#closed = true;
    for (const call of [...this.#streams]) call.end();
    this.#streams.clear();
  }
}

type BundleHolder = Pick<Authority, 'bundle' | 'jwtBundle' | 'federatedBundles'>;

const bundleMessage = (authority: BundleHolder): WatchTrustBundleResponse =>
  ({ bundle: authorityBundleMessage(authority), heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS });

/** GetTrustBundle and WatchTrustBundle: the X.509 roots (with revoked and tainted intermediates) and the JWT keys. */
export function bundleHandlers(
  deps: HandlerDeps, authority: BundleHolder, watchers: BundleWatchers,
): TrustBundleServiceHandlers {
  return {
    GetTrustBundle: unaryHandler(deps, `${SERVICE}/GetTrustBundle`, async () => ({
      bundle: authorityBundleMessage(authority),
    })),
    WatchTrustBundle: (call: Watch) => {
      admitCall(deps, `${SERVICE}/WatchTrustBundle`, call)
        .then(() => {
          if (!call.cancelled) watchers.watch(call, authority);
        })
        .catch((err: unknown) => call.emit('error', toStatus(err, deps.log, `${SERVICE}/WatchTrustBundle`)));
    },
  };
}
