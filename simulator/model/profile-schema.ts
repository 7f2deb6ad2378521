/**
 * The schema of a gateway profile (`profile.ts` documents each field and its source). It gives the
 * validator of profile overrides (`--set`, `PATCH /profile`, `POST /reset`); a compile-time check
 * in profile.ts keeps it equal to the `Profile` type.
 */
import { z } from 'zod';
import { ACCOUNT_ID_TEXT } from '../../common/ib/accounts.ts';
import { isValidTimeZone } from '../../common/ib/time-zones.ts';
import { integer, strictObject } from '../../common/schema.ts';
import { SIM_HIGHEST_VERSION, SIM_MIN_VERSION } from '../protocol/index.ts';

/** Durations and rates (model ms, ms per client, …): never negative, fractions allowed. */
const amount = () => z.number().min(0, 'must not be negative');
/** How many of something (clients, requests, messages, bytes): a whole number, never negative. */
const howMany = () => integer().min(0, 'must not be negative');
const latency = strictObject({ median: amount(), sigma: amount() });

/**
 * A zone id the handshake's connection time can be written in: an IANA id (`Europe/Paris`) or
 * one of the legacy ids TWS itself uses (`MET`, `US/Eastern`) — docs/wire-facts/handshake.md#server-reply-version-and-connection-time.
 * Refused here rather than when the next client connects, where an unknown zone would fail every login.
 */
const timeZone = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone id such as "Europe/Paris" or "MET"')
  .refine(isValidTimeZone, 'must be an IANA time zone id such as "Europe/Paris" or "MET" (this one is unknown)');

/** An account id as MANAGED_ACCTS lists it: no comma, no NUL, no space (common/ib/accounts.ts). */
const accountId = z.string().regex(ACCOUNT_ID_TEXT, 'must be 1–32 letters, digits, ".", "_" or "-" (a comma or NUL would split the MANAGED_ACCTS list)');

export const profileSchema = strictObject({
  name: z.string(),
  description: z.string(),
  accounts: z.array(accountId).max(100, 'must list at most 100 accounts'),
  timeZone,
  maxServerVersion: z
    .number()
    .int('must be a whole number')
    .min(SIM_MIN_VERSION, `must be at least ${SIM_MIN_VERSION} (the v100+ handshake)`)
    .max(SIM_HIGHEST_VERSION, `must be at most ${SIM_HIGHEST_VERSION} (@stoqey/ib 1.6.10's maximum; 178 for ib_async)`),
  connections: strictObject({
    maxClients: howMany(),
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
    throttle: strictObject({ windowMs: amount(), threshold: howMany(), penaltyMs: amount(), perExcessMs: amount() }),
  }),
  history: strictObject({
    service: latency,
    pacing: strictObject({
      enabled: z.boolean(),
      identicalWindowMs: amount(),
      sameContractWindowMs: amount(),
      sameContractMax: howMany(),
      windowMs: amount(),
      windowMax: howMany(),
      maxOpen: howMany(),
      bidAskWeight: amount(),
      /** null: the rules apply to every bar size. */
      maxBarSeconds: amount().nullable(),
    }),
  }),
  messageRate: strictObject({
    enabled: z.boolean(),
    maxPerSecond: howMany(),
    toleranceMs: amount(),
    warnAbove: howMany(),
    closeAfterViolatingSeconds: howMany(),
  }),
  marketData: strictObject({
    permissions: strictObject({ live: z.array(z.string().min(1)), delayed: z.array(z.string().min(1)) }),
    lines: howMany(),
    delayMs: amount(),
    tickIntervalMs: z.number().min(1, 'must be at least 1 ms'),
    snapshotLatency: latency,
    maxDepth: howMany(),
    maxTickByTick: howMany(),
    realTimeBarPacing: strictObject({ windowMs: amount(), max: howMany() }),
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
  limits: strictObject({ maxOutboundBytes: howMany(), maxPacedBacklog: howMany() }),
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
