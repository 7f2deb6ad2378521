/**
 * IB's historical-data pacing rules as data, with the identity IB judges a request by. One
 * definition: the simulator's profile holds the values it enforces (IB's by default) and judges
 * each request itself; the collector's scheduler paces by the same rules. Breaking one earns
 * error 162 "Historical data request pacing violation".
 * Facts and sources: docs/wire-facts/pacing.md#historical-pacing-162.
 */
import { barSizeSeconds } from './bar-sizes.ts';

export interface HistoricalPacingRules {
  /** No identical request (same contract, exchange, end, duration, bar size, whatToShow, RTH) within this window, ms. IB: 15 s (docs/wire-facts/pacing.md#identical-requests-within-15-s). */
  identicalWindowMs: number;
  /** Window of the same-contract rule, ms. IB: 2 s. */
  sameContractWindowMs: number;
  /** Requests for one contract + exchange + whatToShow allowed within that window. IB: "6 or more" violate, so 5 (docs/wire-facts/pacing.md#six-requests-for-one-contract-in-2-s). */
  sameContractMax: number;
  /** Window of the overall rule, ms. IB: 10 minutes. */
  windowMs: number;
  /** Requests allowed within that window. IB: 60 (docs/wire-facts/pacing.md#60-requests-in-10-minutes). */
  windowMax: number;
  /** Historical requests open at once (sent, not yet answered or cancelled). IB: 50 (docs/wire-facts/pacing.md#50-open-historical-requests). Holds for every bar size. */
  maxOpen: number;
  /** How many times a BID_ASK request counts toward the window rules. IB: twice (docs/wire-facts/pacing.md#bid_ask-counts-twice). */
  bidAskWeight: number;
  /**
   * The three window rules apply to bars up to this size, in seconds. IB documents them for bars
   * of 30 secs and less and says they "have been lifted" above, soft throttling still possible
   * (docs/wire-facts/pacing.md#which-bar-sizes-the-rules-cover).
   * null: every bar size.
   */
  maxBarSeconds: number | null;
}

/** The values IB documents (docs/wire-facts/pacing.md#historical-pacing-162). */
export const IB_HISTORICAL_PACING: Readonly<HistoricalPacingRules> = {
  identicalWindowMs: 15_000,
  sameContractWindowMs: 2_000,
  sameContractMax: 5,
  windowMs: 600_000,
  windowMax: 60,
  maxOpen: 50,
  bidAskWeight: 2,
  maxBarSeconds: 30,
};

/**
 * The message rate: every message a client sends counts, whatever its type. IB: 50 per second;
 * above it error 100 (docs/wire-facts/pacing.md#message-rate-100).
 */
export interface MessageRateRule {
  maxPerSecond: number;
  windowMs: number;
}

/** The value IB documents (docs/wire-facts/pacing.md#message-rate-100). */
export const IB_MESSAGE_RATE: Readonly<MessageRateRule> = { maxPerSecond: 50, windowMs: 1_000 };

/** A historical request as the pacing rules see it. */
export interface PacedRequest {
  /** Equal for identical requests (contract, exchange, end, duration, bar size, whatToShow, useRTH). */
  identityKey: string;
  /** Contract + exchange + whatToShow: what the same-contract rule counts together. */
  contractKey: string;
  /** Upper case; BID_ASK weighs `bidAskWeight`. */
  whatToShow: string;
  /** Bar size in seconds; NaN for a bar size IB refuses. */
  barSeconds: number;
}

/** The fields of REQ_HISTORICAL_DATA the pacing identity is made of. */
export interface HistoricalRequestFields {
  conId: number;
  /** "" counts as SMART, the exchange IB's clients default to. */
  exchange: string;
  /** As sent: "" for now, or e.g. "20251110 16:00:00 US/Eastern". */
  endDateTime: string;
  duration: string;
  barSize: string;
  whatToShow: string;
  useRTH: boolean;
}

/** The pacing identity of a request. Exchange and whatToShow are compared without regard to case. */
export function pacedRequest(r: HistoricalRequestFields): PacedRequest {
  const exchange = (r.exchange || 'SMART').toUpperCase();
  const whatToShow = r.whatToShow.trim().toUpperCase();
  const contractKey = `${r.conId}@${exchange}|${whatToShow}`;
  return {
    identityKey: [contractKey, r.endDateTime.trim(), r.duration.trim(), r.barSize.trim(), r.useRTH ? 1 : 0].join('|'),
    contractKey,
    whatToShow,
    barSeconds: barSizeSeconds(r.barSize),
  };
}

/** How much a request counts toward the window rules. */
export function pacingWeight(whatToShow: string, rules: Pick<HistoricalPacingRules, 'bidAskWeight'>): number {
  return whatToShow.toUpperCase() === 'BID_ASK' ? rules.bidAskWeight : 1;
}

/**
 * Whether the three window rules (identical, same contract, overall) apply to a request's bar
 * size. A bar size IB refuses (NaN) is not paced: the request is refused with 321 anyway.
 */
export function windowRulesApply(barSeconds: number, rules: Pick<HistoricalPacingRules, 'maxBarSeconds'>): boolean {
  return rules.maxBarSeconds === null || barSeconds <= rules.maxBarSeconds;
}
