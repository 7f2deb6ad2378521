/**
 * Close the connection cleanly, as if the client had sent its FIN: the gateway releases the client
 * id at once (`idGraceCleanMs`, 0 on every profile).
 */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import { sessionFaultFields, type SessionFaultKind } from './kind.ts';

export const disconnectSchema = strictObject({ kind: z.literal('disconnect'), ...sessionFaultFields });
export type DisconnectFault = z.infer<typeof disconnectSchema>;

export const disconnect: SessionFaultKind<DisconnectFault> = {
  name: 'disconnect',
  scope: 'session',
  schema: disconnectSchema,
  describe: () => 'close the connection cleanly',
  onMessage(_spec, s) {
    s.close(true, 'fault: disconnect');
    return 'consumed';
  },
  onSession(_spec, s) {
    s.close(true, 'fault: disconnect');
  },
};
