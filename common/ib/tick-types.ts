/**
 * IB's tick type ids (the `tickType` field of TICK_PRICE, TICK_SIZE, TICK_STRING, TICK_GENERIC),
 * the market data types of REQ_MARKET_DATA_TYPE / MARKET_DATA_TYPE, and the tick-by-tick kinds.
 * One home for the simulator (which sends them) and the collector (which reads them).
 * Ids: docs/wire-facts/market-data.md#tick-types; data types:
 * docs/wire-facts/market-data.md#market-data-types-1-to-4.
 */

/** Tick type ids as the official TickType.java and @stoqey/ib 1.6.10 number them. */
export const TickType = {
  BID_SIZE: 0,
  BID: 1,
  ASK: 2,
  ASK_SIZE: 3,
  LAST: 4,
  LAST_SIZE: 5,
  HIGH: 6,
  LOW: 7,
  VOLUME: 8,
  CLOSE: 9,
  /** TICK_OPTION_COMPUTATION at the bid, ask, last and TWS's model (docs/wire-facts/market-data.md#option-computations). */
  BID_OPTION: 10,
  ASK_OPTION: 11,
  LAST_OPTION: 12,
  MODEL_OPTION: 13,
  OPEN: 14,
  /**
   * Generic tick 165 (Misc. Stats): TICK_PRICE lows and highs of the last 13, 26 and 52 weeks and
   * TICK_SIZE average daily volume. docs/wire-facts/market-data.md#generic-tick-values
   */
  LOW_13_WEEK: 15,
  HIGH_13_WEEK: 16,
  LOW_26_WEEK: 17,
  HIGH_26_WEEK: 18,
  LOW_52_WEEK: 19,
  HIGH_52_WEEK: 20,
  AVG_VOLUME: 21,
  /** TICK_GENERIC, generic tick 106: the 30-day implied volatility (a fraction a year). */
  OPTION_IMPLIED_VOL: 24,
  /** TICK_STRING: the last trade's time, epoch seconds. */
  LAST_TIMESTAMP: 45,
  /** TICK_GENERIC, generic tick 236: how easily the contract can be sold short (> 2.5 easy). */
  SHORTABLE: 46,
  /** TICK_STRING, generic tick 233: `price;size;epoch ms;day volume;VWAP;single trade flag`. */
  RT_VOLUME: 48,
  /** TICK_GENERIC: 0 not halted, 1 halted. */
  HALTED: 49,
  /** TICK_OPTION_COMPUTATION answering REQ_CALC_IMPLIED_VOLAT / REQ_CALC_OPTION_PRICE (a client's own price or volatility). */
  CUST_OPTION_COMPUTATION: 53,
  /** TICK_GENERIC, generic tick 411: the 30-day historical volatility (a fraction a year). */
  RT_HISTORICAL_VOL: 58,
  DELAYED_BID: 66,
  DELAYED_ASK: 67,
  DELAYED_LAST: 68,
  DELAYED_BID_SIZE: 69,
  DELAYED_ASK_SIZE: 70,
  DELAYED_LAST_SIZE: 71,
  DELAYED_HIGH: 72,
  DELAYED_LOW: 73,
  DELAYED_VOLUME: 74,
  DELAYED_CLOSE: 75,
  DELAYED_OPEN: 76,
  /** TICK_STRING, generic tick 375: RT_VOLUME's layout, unreportable trades left out. */
  RT_TRD_VOLUME: 77,
  DELAYED_LAST_TIMESTAMP: 88,
  /** TICK_SIZE, generic tick 236: shares available to short. */
  SHORTABLE_SHARES: 89,
  DELAYED_BID_OPTION: 80,
  DELAYED_ASK_OPTION: 81,
  DELAYED_LAST_OPTION: 82,
  DELAYED_MODEL_OPTION: 83,
  DELAYED_HALTED: 90,
} as const;

export type TickTypeId = (typeof TickType)[keyof typeof TickType];

/** The live tick type → its delayed counterpart (66–76, 80–83, 88, 90). */
const DELAYED: Readonly<Record<number, number>> = {
  [TickType.BID]: TickType.DELAYED_BID,
  [TickType.ASK]: TickType.DELAYED_ASK,
  [TickType.LAST]: TickType.DELAYED_LAST,
  [TickType.BID_SIZE]: TickType.DELAYED_BID_SIZE,
  [TickType.ASK_SIZE]: TickType.DELAYED_ASK_SIZE,
  [TickType.LAST_SIZE]: TickType.DELAYED_LAST_SIZE,
  [TickType.HIGH]: TickType.DELAYED_HIGH,
  [TickType.LOW]: TickType.DELAYED_LOW,
  [TickType.VOLUME]: TickType.DELAYED_VOLUME,
  [TickType.CLOSE]: TickType.DELAYED_CLOSE,
  [TickType.OPEN]: TickType.DELAYED_OPEN,
  [TickType.LAST_TIMESTAMP]: TickType.DELAYED_LAST_TIMESTAMP,
  [TickType.HALTED]: TickType.DELAYED_HALTED,
  [TickType.BID_OPTION]: TickType.DELAYED_BID_OPTION,
  [TickType.ASK_OPTION]: TickType.DELAYED_ASK_OPTION,
  [TickType.LAST_OPTION]: TickType.DELAYED_LAST_OPTION,
  [TickType.MODEL_OPTION]: TickType.DELAYED_MODEL_OPTION,
};

/** The tick type a delayed line reports `live` as (itself when IB has no delayed kind of it). */
export function delayedTickType(live: number): number {
  return DELAYED[live] ?? live;
}

/** REQ_MARKET_DATA_TYPE values: 1 live, 2 frozen, 3 delayed, 4 delayed frozen. */
export const MarketDataType = { LIVE: 1, FROZEN: 2, DELAYED: 3, DELAYED_FROZEN: 4 } as const;
export type MarketDataTypeValue = (typeof MarketDataType)[keyof typeof MarketDataType];

export function isMarketDataType(n: number): n is MarketDataTypeValue {
  return n === 1 || n === 2 || n === 3 || n === 4;
}

/** TICK_BY_TICK's tickType field by the request's kind (the request's text is case sensitive). */
export const TickByTickKind = { Last: 1, AllLast: 2, BidAsk: 3, MidPoint: 4 } as const;
export type TickByTickKindName = keyof typeof TickByTickKind;

export function findTickByTickKind(text: string): TickByTickKindName | undefined {
  return Object.hasOwn(TickByTickKind, text) ? (text as TickByTickKindName) : undefined;
}
