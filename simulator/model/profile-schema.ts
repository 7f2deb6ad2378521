/**
 * The schema of a gateway profile (`profile.ts` documents each field and its source). It gives the
 * validator of profile overrides (`--set`, `PATCH /profile`, `POST /reset`); a compile-time check
 * in profile.ts keeps it equal to the `Profile` type.
 */
import { z } from 'zod';
import { strictObject } from '../../common/schema.ts';
import { SIM_HIGHEST_VERSION, SIM_MIN_VERSION } from '../protocol/index.ts';

/** Durations, counts and limits: never negative. */
const amount = () => z.number().min(0, 'must not be negative');
const latency = strictObject({ median: amount(), sigma: amount() });

export const profileSchema = strictObject({
  name: z.string(),
  description: z.string(),
  accounts: z.array(z.string().min(1)),
  timeZone: z.string().min(1),
  maxServerVersion: z
    .number()
    .int('must be a whole number')
    .min(SIM_MIN_VERSION, `must be at least ${SIM_MIN_VERSION} (the v100+ handshake)`)
    .max(SIM_HIGHEST_VERSION, `must be at most ${SIM_HIGHEST_VERSION} (@stoqey/ib 1.6.10's maximum; 178 for ib_async)`),
  connections: strictObject({
    maxClients: amount(),
    idGraceMs: amount(),
    idGraceCleanMs: amount(),
    loginLatency: latency,
    loginPerOtherClientMs: amount(),
    restartDowntimeMs: amount(),
    handshakeTimeoutMs: amount(),
  }),
  secdef: strictObject({
    service: latency,
    perOtherClientMs: amount(),
    perWaitingClientMs: amount(),
    throttle: strictObject({ windowMs: amount(), threshold: amount(), penaltyMs: amount(), perExcessMs: amount() }),
  }),
  history: strictObject({
    service: latency,
    pacing: strictObject({
      enabled: z.boolean(),
      identicalWindowMs: amount(),
      sameContractWindowMs: amount(),
      sameContractMax: amount(),
      windowMs: amount(),
      windowMax: amount(),
      maxOpen: amount(),
      bidAskWeight: amount(),
      /** null: the rules apply to every bar size. */
      maxBarSeconds: amount().nullable(),
    }),
  }),
  messageRate: strictObject({
    enabled: z.boolean(),
    maxPerSecond: amount(),
    toleranceMs: amount(),
    warnAbove: amount(),
    closeAfterViolatingSeconds: amount(),
  }),
  marketData: strictObject({
    permissions: strictObject({ live: z.array(z.string().min(1)), delayed: z.array(z.string().min(1)) }),
    lines: amount(),
    delayMs: amount(),
    tickIntervalMs: z.number().min(1, 'must be at least 1 ms'),
    snapshotLatency: latency,
    maxDepth: amount(),
    maxTickByTick: amount(),
    realTimeBarPacing: strictObject({ windowMs: amount(), max: amount() }),
    historyUpdateMs: z.number().min(1, 'must be at least 1 ms'),
  }),
  paper: strictObject({
    startingCash: z.number(),
    baseCurrency: z.string().length(3, 'must be a three-letter currency code such as USD'),
    startingPositions: z.array(strictObject({ conId: z.number().int(), position: z.number(), avgCost: amount() })),
    commissions: z.enum(['fixed', 'tiered']),
    ackLatencyMs: amount(),
    readOnly: z.boolean(),
  }),
  limits: strictObject({ maxOutboundBytes: amount(), maxPacedBacklog: amount() }),
});

/** Any subset of the profile's fields, nested; lists are replaced whole. Unknown fields are refused. */
export const profileOverridesSchema = deepPartial(profileSchema);

/** Every field optional, at every depth, still strict. */
function deepPartial(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [k, v] of Object.entries(schema.shape as Record<string, z.ZodType>)) shape[k] = deepPartial(v).optional();
    return strictObject(shape);
  }
  return schema;
}
