/**
 * A gateway restart (IB Gateway restarts daily, or on demand): every session dropped, their ids
 * held for the grace period, new connections refused for `connections.restartDowntimeMs`.
 */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import type { GatewayFaultKind } from './kind.ts';

export const restartSchema = strictObject({ kind: z.literal('restart') });
export type RestartFault = z.infer<typeof restartSchema>;

export const restart: GatewayFaultKind<RestartFault> = {
  name: 'restart',
  scope: 'gateway',
  schema: restartSchema,
  describe: () => 'gateway restart',
  apply(_spec, gw) {
    gw.restart();
    return undefined;
  },
};
