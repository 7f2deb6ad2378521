/**
 * A forced partial fill: the matching PLACE_ORDER reaches the gateway as usual, but its order fills
 * at most `shares` (or `fraction` of its quantity, rounded down, at least 1) in total; then its
 * remainder rests with no further fills (`remainder: "rest"`, the default: Submitted with `remaining` > 0
 * until cancelled or its day ends) or is cancelled (`remainder: "cancel"`: Cancelled with `filled` > 0
 * and error 202). What a thin book or an exchange that cancels the rest does to a real order
 * (docs/wire-facts/orders.md#forced-partial-fills). A rule on PLACE_ORDER only.
 */
import { z } from 'zod';
import { integer, strictObject } from '../../common/schema.ts';
import { sessionFaultFields, type SessionFaultKind } from './kind.ts';

export const partialFillSchema = strictObject({
  kind: z.literal('partial-fill'),
  /** Shares the order may fill in total. */
  shares: integer().min(1).optional(),
  /** Or: this part of the order's quantity (0 < fraction < 1), rounded down, at least 1 share. */
  fraction: z.number().gt(0).lt(1).optional(),
  /** What becomes of the remainder: keep resting without fills (default), or cancel it. */
  remainder: z.enum(['rest', 'cancel']).optional(),
  ...sessionFaultFields,
}).superRefine((s, ctx) => {
  if ((s.shares === undefined) === (s.fraction === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['shares'], message: 'give exactly one of "shares" (a whole number ≥ 1) or "fraction" (between 0 and 1)' });
  }
  if (s.match?.message !== 'PLACE_ORDER') {
    ctx.addIssue({ code: 'custom', path: ['match', 'message'], message: 'partial-fill acts on orders: set "match": {"message": "PLACE_ORDER", …}' });
  }
});
export type PartialFillFault = z.infer<typeof partialFillSchema>;

const limitOf = (spec: PartialFillFault) => (spec.shares !== undefined ? `${spec.shares} shares` : `${spec.fraction! * 100}% of the order`);

export const partialFill: SessionFaultKind<PartialFillFault> = {
  name: 'partial-fill',
  scope: 'session',
  schema: partialFillSchema,
  describe: (s) => `fill at most ${limitOf(s)}, then ${s.remainder === 'cancel' ? 'cancel the rest' : 'let the rest rest'}`,
  onMessage(spec, s, msg) {
    if (msg.type !== 'PLACE_ORDER') return 'pass';
    const shares = spec.shares ?? Math.max(1, Math.floor(spec.fraction! * msg.totalQuantity));
    s.deliverNow(msg);
    s.capOrderFills(msg.orderId, { shares, remainder: spec.remainder ?? 'rest' });
    return 'consumed';
  },
};
