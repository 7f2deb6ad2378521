/**
 * Close the connection cleanly, as if the client had sent its FIN: the gateway releases the client
 * id at once (`idGraceCleanMs`, 0 on every profile). With `deliverFirst` the triggering message
 * reaches the gateway before the close: "disconnect right after placeOrder" leaves an order working
 * at the gateway, as on a real one (docs/wire-facts/orders.md#who-sees-which-order).
 */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import { sessionFaultFields, type SessionFaultKind } from './kind.ts';

export const disconnectSchema = strictObject({
  kind: z.literal('disconnect'),
  /** Rules only: hand the matching message to the gateway, then close (default false: it is lost). */
  deliverFirst: z.boolean().optional(),
  ...sessionFaultFields,
});
export type DisconnectFault = z.infer<typeof disconnectSchema>;

export const disconnect: SessionFaultKind<DisconnectFault> = {
  name: 'disconnect',
  scope: 'session',
  schema: disconnectSchema,
  describe: (spec) => (spec.deliverFirst ? 'deliver the message, then close the connection cleanly' : 'close the connection cleanly'),
  onMessage(spec, s, msg) {
    if (spec.deliverFirst) s.deliverNow(msg);
    s.close(true, 'fault: disconnect');
    return 'consumed';
  },
  onSession(_spec, s) {
    s.close(true, 'fault: disconnect');
  },
};
