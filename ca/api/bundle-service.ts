import type { TrustBundleServiceHandlers } from '../../agent-sdk/gen/tessera/v1/TrustBundleService.js';
import type { Authority } from '../authority/authority.js';
import { type HandlerDeps, unaryHandler } from './handler.js';
import { trustBundleMessage } from './wire.js';

/** GetTrustBundle: the X.509 roots and the JWT keys. */
export function bundleHandlers(deps: HandlerDeps, authority: Pick<Authority, 'bundle' | 'jwtBundle'>): TrustBundleServiceHandlers {
  return {
    GetTrustBundle: unaryHandler(deps, '/tessera.v1.TrustBundleService/GetTrustBundle', async () => ({
      bundle: trustBundleMessage(authority.bundle, authority.jwtBundle),
    })),
  };
}
