import { TesseraError } from '../../agent-sdk/errors.js';
import type { SVIDServiceHandlers } from '../../agent-sdk/gen/tessera/v1/SVIDService.js';
import type { IssuanceContext } from '../issuance/context.js';
import { type HandlerDeps, unaryHandler } from './handler.js';

const SERVICE = '/tessera.v1.SVIDService';

/** MintJWTSVID, PrepareDelegation and Delegate: thin adapters over the token and delegation flows. */
export function taskHandlers(
  deps: HandlerDeps, _ctx: IssuanceContext,
): Pick<SVIDServiceHandlers, 'MintJWTSVID' | 'PrepareDelegation' | 'Delegate'> {
  const notYet = async (): Promise<never> => {
    throw new TesseraError('ERR_UNAVAILABLE', 'this CA does not serve task tokens or delegation yet');
  };
  return {
    MintJWTSVID: unaryHandler(deps, `${SERVICE}/MintJWTSVID`, notYet),
    PrepareDelegation: unaryHandler(deps, `${SERVICE}/PrepareDelegation`, notYet),
    Delegate: unaryHandler(deps, `${SERVICE}/Delegate`, notYet),
  };
}
