import type { z } from 'zod';
import { parseWith } from '../../common/schema.ts';
import { profileOverridesSchema, type profileSchema } from './profile-schema.ts';

/**
 * Gateway profiles: every modeled limit, latency and contention parameter, as data.
 *
 * A profile is a plain object; a run can override any field (CLI `--set path=value`, or
 * `PATCH /profile` on the control plane). Each parameter says where its value comes from:
 *   [IB]       documented by Interactive Brokers; the tag names the fact, e.g.
 *              docs/wire-facts/pacing.md#historical-pacing-162 (sources and dates are there)
 *   [incident] calibrated to the figures of the TTE/WLN incident (README, "Calibration")
 *   [observed] seen in public logs of real gateways
 *   [choice]   the simulator's own choice where IB documents nothing
 */

import { IB_HISTORICAL_PACING, IB_MESSAGE_RATE, type HistoricalPacingRules } from '../../common/ib/pacing.ts';
import { SIM_MAX_VERSION } from '../protocol/index.ts';

/** A log-normal duration: `median` model ms, `sigma` the spread of the underlying normal (0 = fixed). */
export interface Latency {
  median: number;
  sigma: number;
}

export interface Profile {
  name: string;
  description: string;

  /** Accounts reported in MANAGED_ACCTS. [choice: the incident's paper account] */
  accounts: string[];
  /** Time-zone id shown in the handshake's connection time. [observed: MET, EST — docs/wire-facts/handshake.md#server-reply-version-and-connection-time] */
  timeZone: string;
  /**
   * The gateway's highest server version: the handshake answers min(client's max, this)
   * (docs/wire-facts/handshake.md#version-negotiation). 178 by default, the highest ib_async 2.0.1
   * decodes; up to 193, @stoqey/ib 1.6.10's maximum.
   * [choice — docs/wire-facts/server-versions.md#server-version-profiles]
   */
  maxServerVersion: number;

  connections: {
    /** Simultaneous API clients; the next one is refused. [IB: 32 — docs/wire-facts/gateway.md#max-32-api-clients] */
    maxClients: number;
    /**
     * After a client vanishes without closing cleanly (reset/timeout), its id stays "in use" for
     * this long, unless the gateway restarts first (a restart frees every id: docs/wire-facts/gateway.md#daily-restart).
     * [observed: 30–60 s reported; uncertain — docs/wire-facts/gateway.md#id-held-after-an-unclean-exit]
     */
    idGraceMs: number;
    /** Grace after a clean close (FIN). Real gateways release at once. [observed: 0 — docs/wire-facts/gateway.md#id-held-after-an-unclean-exit] */
    idGraceCleanMs: number;
    /** START_API → ready (MANAGED_ACCTS/NEXT_VALID_ID) for the first client. [incident: ≈0.4 s] */
    loginLatency: Latency;
    /** Added to the login time per other open connection. [incident: others ≈1.1 s] */
    loginPerOtherClientMs: number;
    /** Gateway restart: how long new connections are refused. [choice — docs/wire-facts/gateway.md#daily-restart] */
    restartDowntimeMs: number;
    /** A connection that has not sent its handshake and START_API by then is closed. [choice] */
    handshakeTimeoutMs: number;
  };

  secdef: {
    /** Service time of one contract-details request with no contention. [incident: single client < 200 ms for 5 symbols] */
    service: Latency;
    /** Added to each service time per *other* connected API client. [incident: 3 clients → ≈0.5 s each] */
    perOtherClientMs: number;
    /** Added per other client that has requests waiting in the queue. [incident] */
    perWaitingClientMs: number;
    /**
     * Throttle: when more than `threshold` contract-details requests arrived in the last `windowMs`,
     * each request served costs `penaltyMs` + `perExcessMs` × (count − threshold) more. [incident]
     */
    throttle: { windowMs: number; threshold: number; penaltyMs: number; perExcessMs: number };
  };

  history: {
    /** Time to answer one historical-data request (HMDS is not serialized across clients). [choice] */
    service: Latency;
    /**
     * Pacing limits this gateway enforces, by IB's rule definitions (common/ib/pacing.ts); the
     * values are IB's unless a profile says otherwise. [IB: docs/wire-facts/pacing.md#historical-pacing-162]
     */
    pacing: HistoricalPacingRules & { enabled: boolean };
  };

  /** The per-client rule, applied by simulator/model/message-rate.ts: docs/wire-facts/pacing.md#the-rule-the-simulator-applies. */
  messageRate: {
    enabled: boolean;
    /** Messages per second a client may send (the bucket's refill and base capacity). [IB: 50 — docs/wire-facts/pacing.md#message-rate-100] */
    maxPerSecond: number;
    /**
     * Delivery jitter forgiven, in model ms: the bucket holds `maxPerSecond × toleranceMs / 1000`
     * messages more, so a client that paces itself to `maxPerSecond` is never punished for a few
     * ms of network or event-loop delay. [choice: 200 — docs/wire-facts/pacing.md#the-rule-the-simulator-applies]
     */
    toleranceMs: number;
    /** More messages than this in the last second earn the code-0 warning. [choice: 40 — docs/wire-facts/pacing.md#approaching-the-limit-warning-code-0] */
    warnAbove: number;
    /** Consecutive seconds with violations after which the connection is closed. [IB: "eventually"; choice: 3 — docs/wire-facts/pacing.md#message-rate-100] */
    closeAfterViolatingSeconds: number;
  };

  /** Live market data as this account sees it. Facts: docs/wire-facts/market-data.md */
  marketData: MarketDataProfile;
  /** The paper account that trades (docs/wire-facts/accounts.md#the-paper-account). */
  paper: {
    /** Cash at the start, in `baseCurrency`. [choice: matches the NetLiquidation reported before orders existed] */
    startingCash: number;
    /** The account's base currency. [choice] */
    baseCurrency: string;
    /** Positions held at the start (conIds of the contract universe); avgCost per share. [choice: none] */
    startingPositions: Array<{ conId: number; position: number; avgCost: number }>;
    /** IBKR Pro stock commission plan. [IB: docs/wire-facts/orders.md#commissions] */
    commissions: 'fixed' | 'tiered';
    /** placeOrder → first status (PreSubmitted/Submitted). [choice] */
    ackLatencyMs: number;
    /** The API's "Read-Only API" setting: every order request gets 321. [IB: docs/wire-facts/orders.md#read-only-api] */
    readOnly: boolean;
  };

  /** Memory bounds. [choice] */
  limits: {
    /** Bytes queued for a client that does not read before it is dropped. */
    maxOutboundBytes: number;
    /** Requests a +PACEAPI client may have waiting before it is treated as flooding. */
    maxPacedBacklog: number;
  };
}

export interface MarketDataProfile {
  /**
   * Market data permissions. An instrument streams live when `live` names it, else delayed when
   * `delayed` names it, else not at all (354). Entries: `*`, a secType (`STK`), or
   * `secType:exchange` for an instrument's primary or listing exchange (`STK:NASDAQ`).
   * [IB: a paper account without market data subscriptions sees delayed data only —
   * docs/wire-facts/market-data.md#permissions-354-and-10167]
   */
  permissions: { live: string[]; delayed: string[] };
  /** Top-of-book lines and real-time bar subscriptions open at once, over all API clients. [IB: 100 — docs/wire-facts/market-data.md#100-lines-101] */
  lines: number;
  /** How far delayed data lags, model ms. [IB: 15 minutes for US stocks — docs/wire-facts/market-data.md#delayed-data] */
  delayMs: number;
  /**
   * A streaming line's interval, model ms: each interval it sends what changed. [IB: 250 ms for
   * stocks and futures — docs/wire-facts/market-data.md#tick-rates] The quote model moves on a
   * 250 ms grid, so a shorter interval adds no updates.
   */
  tickIntervalMs: number;
  /** A snapshot's values arrive after this, then TICK_SNAPSHOT_END. [observed ≈0.1 s; IB: at most 11 s — docs/wire-facts/market-data.md#snapshots] */
  snapshotLatency: Latency;
  /** Market depth subscriptions open at once. [IB: 3 — docs/wire-facts/market-data.md#market-depth] */
  maxDepth: number;
  /** Tick-by-tick subscriptions open at once. [IB: the depth formula, 3 at least — docs/wire-facts/market-data.md#tick-by-tick] */
  maxTickByTick: number;
  /** At most `max` new real-time bar requests per `windowMs` (420 beyond). [IB: 60 in 10 minutes — docs/wire-facts/pacing.md#real-time-pacing-420] */
  realTimeBarPacing: { windowMs: number; max: number };
  /** keepUpToDate: a HISTORICAL_DATA_UPDATE this often, model ms. [choice: "every few seconds" is all that is known — docs/wire-facts/market-data.md#keepuptodate-updates] */
  historyUpdateMs: number;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };
export type ProfileOverrides = DeepPartial<Profile>;

const ibkrPaper: Profile = {
  name: 'ibkr-paper',
  description: "IB's documented limits (32 clients, 50 msg/s, historical pacing) with a quick secdef service and no extra contention penalty.",
  accounts: ['DU0118471'],
  timeZone: 'MET',
  maxServerVersion: SIM_MAX_VERSION,
  connections: {
    maxClients: 32,
    idGraceMs: 30_000,
    idGraceCleanMs: 0,
    loginLatency: { median: 300, sigma: 0.1 },
    loginPerOtherClientMs: 0,
    restartDowntimeMs: 5_000,
    handshakeTimeoutMs: 20_000,
  },
  secdef: {
    service: { median: 30, sigma: 0.25 },
    perOtherClientMs: 0,
    perWaitingClientMs: 0,
    throttle: { windowMs: 10_000, threshold: Number.MAX_SAFE_INTEGER, penaltyMs: 0, perExcessMs: 0 },
  },
  history: {
    service: { median: 150, sigma: 0.3 },
    pacing: { enabled: true, ...IB_HISTORICAL_PACING },
  },
  messageRate: {
    enabled: true,
    maxPerSecond: IB_MESSAGE_RATE.maxPerSecond,
    toleranceMs: 200,
    warnAbove: 40,
    closeAfterViolatingSeconds: 3,
  },
  marketData: {
    permissions: { live: [], delayed: ['*'] },
    lines: 100,
    delayMs: 15 * 60_000,
    tickIntervalMs: 250,
    snapshotLatency: { median: 120, sigma: 0.2 },
    maxDepth: 3,
    maxTickByTick: 3,
    realTimeBarPacing: { windowMs: 600_000, max: 60 },
    historyUpdateMs: 5_000,
  },
  paper: { startingCash: 100_000, baseCurrency: 'USD', startingPositions: [], commissions: 'fixed', ackLatencyMs: 50, readOnly: false },
  limits: { maxOutboundBytes: 8 * 1024 * 1024, maxPacedBacklog: 10_000 },
};

const lynxPaper: Profile = {
  ...ibkrPaper,
  name: 'lynx-paper',
  description:
    'A LYNX/IBKR paper gateway as the incident saw it: qualification serialized across all clients, slowing with every extra connection and throttled when requests pile up.',
  connections: { ...ibkrPaper.connections, loginLatency: { median: 400, sigma: 0.08 }, loginPerOtherClientMs: 350 },
  // Paper HMDS answers in 1–2 s; with connects and qualification this makes the after-fix run ≈5 s. [incident]
  history: { ...ibkrPaper.history, service: { median: 1500, sigma: 0.2 } },
  secdef: {
    service: { median: 30, sigma: 0.25 },
    // Calibrated to the incident's "second concurrent TTE qualification ≈1 s" (README "Calibration"):
    // 220 until logins counted only API clients (limits.md#what-slows-a-login), which staggers two
    // tasks' logins by one loginPerOtherClientMs and so shortened their overlap in the queue. [incident]
    perOtherClientMs: 260,
    perWaitingClientMs: 60,
    throttle: { windowMs: 10_000, threshold: 20, penaltyMs: 400, perExcessMs: 60 },
  },
};

const instant: Profile = {
  ...ibkrPaper,
  name: 'instant',
  description: 'No modeled latency, throttling or rate limit: for raw performance and unit tests.',
  connections: {
    ...ibkrPaper.connections,
    idGraceMs: 0,
    loginLatency: { median: 0, sigma: 0 },
    loginPerOtherClientMs: 0,
    restartDowntimeMs: 0,
  },
  secdef: { ...ibkrPaper.secdef, service: { median: 0, sigma: 0 } },
  history: { service: { median: 0, sigma: 0 }, pacing: { ...ibkrPaper.history.pacing, enabled: false } },
  messageRate: { ...ibkrPaper.messageRate, enabled: false },
  // Live data everywhere, no latency: unit tests and benchmarks.
  marketData: { ...ibkrPaper.marketData, permissions: { live: ['*'], delayed: ['*'] }, snapshotLatency: { median: 0, sigma: 0 } },
  paper: { ...ibkrPaper.paper, ackLatencyMs: 0 },
};

export const PROFILES: Readonly<Record<string, Profile>> = {
  'lynx-paper': lynxPaper,
  'ibkr-paper': ibkrPaper,
  instant,
};

export const DEFAULT_PROFILE = 'lynx-paper';

export function getProfile(name: string): Profile {
  const p = PROFILES[name];
  if (!p) throw new Error(`unknown profile "${name}"; available: ${Object.keys(PROFILES).join(', ')}`);
  return structuredClone(p);
}

/**
 * Apply overrides field by field. They are validated first (profile-schema.ts): unknown keys and
 * values of the wrong type are rejected with the dotted path of the offending field, so a typo in
 * `--set` never silently does nothing. Throws a SchemaError.
 */
export function applyOverrides(base: Profile, overrides: ProfileOverrides): Profile {
  return merge(base, parseProfileOverrides(overrides)) as Profile;
}

/** Validate profile overrides from JSON; throws a SchemaError naming the field path (e.g. `secdef.throttle.windowMs`). */
export function parseProfileOverrides(input: unknown, what = 'profile overrides'): ProfileOverrides {
  return parseWith(profileOverridesSchema, input, what) as ProfileOverrides;
}

// The schema and the Profile type must describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesProfile: Same<z.infer<typeof profileSchema>, Profile> = true;
void schemaMatchesProfile;

function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse `a.b.c=value` assignments (CLI `--set`) into an overrides object. Values are JSON or text. */
export function parseAssignments(assignments: readonly string[]): ProfileOverrides {
  const out: Record<string, unknown> = {};
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new Error(`bad profile assignment "${a}": expected path=value`);
    const keys = a.slice(0, eq).trim().split('.');
    const raw = a.slice(eq + 1).trim();
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    let node = out;
    keys.forEach((k, i) => {
      if (i === keys.length - 1) node[k] = value;
      else node = (node[k] ??= {}) as Record<string, unknown>;
    });
  }
  return out as ProfileOverrides;
}
