/** Hand matching requests to the gateway only `ms` model milliseconds later. A rule. */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import { sessionFaultFields, type SessionFaultKind } from './kind.ts';

/** Longest delay: Node timers overflow past 2^31-1 ms and then fire at once. */
export const MAX_DELAY_MS = 2_147_483_647;

export const delaySchema = strictObject({ kind: z.literal('delay'), ms: z.number().min(0).max(MAX_DELAY_MS), ...sessionFaultFields });
export type DelayFault = z.infer<typeof delaySchema>;

export const delay: SessionFaultKind<DelayFault> = {
  name: 'delay',
  scope: 'session',
  schema: delaySchema,
  describe: (s) => `delay the request by ${s.ms} ms`,
  onMessage(spec, s, msg) {
    s.deliverLater(msg, spec.ms);
    return 'consumed';
  },
};
