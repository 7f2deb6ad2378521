/**
 * A gateway restart (IB Gateway restarts daily, or on demand): every connection drops, no client
 * id stays held (a new process holds none), new connections are refused for
 * `connections.restartDowntimeMs` (docs/wire-facts/gateway.md#daily-restart).
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
