/**
 * A client that reads slowly: what the gateway sends reaches it at `bytesPerSecond` (model time).
 * The rest waits and counts toward the gateway's outbound backlog, so a client slow enough is
 * closed as "not reading" once the backlog passes `limits.maxOutboundBytes`, as a real gateway
 * drops a consumer that never drains its socket.
 */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import { sessionFaultFields, type SessionFaultKind } from './kind.ts';

export const slowConsumerSchema = strictObject({ kind: z.literal('slow-consumer'), bytesPerSecond: z.number().positive(), ...sessionFaultFields });
export type SlowConsumerFault = z.infer<typeof slowConsumerSchema>;

export const slowConsumer: SessionFaultKind<SlowConsumerFault> = {
  name: 'slow-consumer',
  scope: 'session',
  schema: slowConsumerSchema,
  describe: (s) => `the client reads at most ${s.bytesPerSecond} bytes/s`,
  onMessage(spec, s, _msg, id) {
    s.throttle(id, spec.bytesPerSecond);
    return 'pass';
  },
  onSession(spec, s, id) {
    s.throttle(id, spec.bytesPerSecond);
  },
};
