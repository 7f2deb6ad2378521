/**
 * A zombie session: the socket stays open and the gateway still reads (and works on) what the
 * client sends, but nothing it sends reaches the client any more — a downstream black hole, as a
 * half-dead network path or a hung client-side reader looks from the client. The client id stays
 * in use. Removing the fault lets later messages through again.
 */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import { sessionFaultFields, type SessionFaultKind } from './kind.ts';

export const stallSchema = strictObject({ kind: z.literal('stall'), ...sessionFaultFields });
export type StallFault = z.infer<typeof stallSchema>;

export const stall: SessionFaultKind<StallFault> = {
  name: 'stall',
  scope: 'session',
  schema: stallSchema,
  describe: () => 'stall the session (a zombie: nothing reaches the client)',
  onMessage(_spec, s, _msg, id) {
    s.stall(id);
    return 'pass';
  },
  onSession(_spec, s, id) {
    s.stall(id);
  },
};
