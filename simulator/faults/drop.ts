/**
 * Drop the connection uncleanly, as a network failure would: the gateway notices the loss but keeps
 * the client id "in use" for its grace period (`idGraceMs`), so a fast reconnect with the same id
 * gets 326. See docs/wire-facts/gateway.md for what is known of the grace period.
 */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import { sessionFaultFields, type SessionFaultKind } from './kind.ts';

export const dropSchema = strictObject({ kind: z.literal('drop'), ...sessionFaultFields });
export type DropFault = z.infer<typeof dropSchema>;

export const drop: SessionFaultKind<DropFault> = {
  name: 'drop',
  scope: 'session',
  schema: dropSchema,
  describe: () => 'drop the connection uncleanly (id held)',
  onMessage(_spec, s) {
    s.close(false, 'fault: dropped');
    return 'consumed';
  },
  onSession(_spec, s) {
    s.close(false, 'fault: dropped');
  },
};
