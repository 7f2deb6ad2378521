/**
 * IB ↔ gateway connectivity: `lost` sends 1100 to every client and holds farm requests; `restored`
 * sends 1102 (data maintained) or, with `dataLost`, 1101 and drops what was held. `lost` with
 * `forMs` restores by itself that many model ms later. Gateway behaviour, invoked through the
 * model (docs/wire-facts/gateway.md).
 */
import { z } from 'zod';
import { count, strictObject } from '../../common/schema.ts';
import type { GatewayFaultKind } from './kind.ts';

export const connectivitySchema = strictObject({
  kind: z.literal('connectivity'),
  state: z.enum(['lost', 'restored']),
  /** Restored: whether market data subscriptions were lost (1101) or maintained (1102). Lost + forMs: how the restore goes. */
  dataLost: z.boolean().optional(),
  /** Lost only: restore after this many model ms. */
  forMs: count().optional(),
}).superRefine((s, ctx) => {
  if (s.state === 'restored' && s.forMs !== undefined) ctx.addIssue({ code: 'custom', path: ['forMs'], message: 'only applies to {"state": "lost"}' });
  if (s.state === 'lost' && s.forMs === undefined && s.dataLost !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['dataLost'], message: 'only applies to {"state": "restored"} or to "lost" with "forMs"' });
  }
});
export type ConnectivityFault = z.infer<typeof connectivitySchema>;

export const connectivity: GatewayFaultKind<ConnectivityFault> = {
  name: 'connectivity',
  scope: 'gateway',
  schema: connectivitySchema,
  describe: (s) =>
    s.state === 'lost'
      ? `connectivity lost${s.forMs !== undefined ? ` for ${s.forMs} ms${s.dataLost ? ' (data lost)' : ''}` : ''}`
      : `connectivity restored${s.dataLost ? ' (data lost)' : ''}`,
  apply(spec, gw) {
    if (spec.state === 'restored') {
      gw.restoreConnectivity(spec.dataLost ?? false);
      return undefined;
    }
    gw.loseConnectivity();
    if (spec.forMs === undefined) return undefined;
    return gw.clock.setTimer(spec.forMs, () => gw.restoreConnectivity(spec.dataLost ?? false));
  },
};
