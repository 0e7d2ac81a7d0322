import type { TrustBundleServiceHandlers } from '../../agent-sdk/gen/tessera/v1/TrustBundleService.js';
import type { X509Bundle } from '../../agent-sdk/bundle.js';
import { type HandlerDeps, unaryHandler } from './handler.js';
import { trustBundleMessage } from './wire.js';

/** GetTrustBundle. */
export function bundleHandlers(deps: HandlerDeps, bundle: () => X509Bundle): TrustBundleServiceHandlers {
  return {
    GetTrustBundle: unaryHandler(deps, '/tessera.v1.TrustBundleService/GetTrustBundle', async () => ({
      bundle: trustBundleMessage(bundle()),
    })),
  };
}
