import type { RevocationList } from '../../agent-sdk/revocation-list.js';
import type { Authorities } from '../authority/authorities.js';
import type { IssuanceContext } from '../issuance/context.js';
import type { CaMetrics } from '../metrics/ca-metrics.js';

/** What the console reads, all of it state the CA already keeps; it writes nothing. */
export interface ConsoleSources {
  /** The store (read only here), the clock, the authority and its bundle. */
  readonly ctx: IssuanceContext;
  /** The revocations in force, as the CA's own feed has them. */
  readonly revocations: RevocationList;
  readonly authorities: Authorities;
  /** Present when the CA serves metrics (--metrics-listen): the console shows the main figures too. */
  readonly metrics?: CaMetrics;
}
