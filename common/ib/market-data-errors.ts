/**
 * The error and notice bodies of live market data (top of book, real-time bars, tick-by-tick,
 * depth, historical ticks): codes and texts as TWS sends them, for the simulator and the
 * collector. Each names its fact in docs/wire-facts/market-data.md; texts are verbatim where they
 * were observed, because client code matches on them.
 */
import { IbError, type IbErrorBody } from './errors.ts';

export const MarketDataCode = {
  MAX_TICKERS: 101,
  NO_TICKER: 300,
  MAX_DEPTH: 309,
  NO_DEPTH: 310,
  NOT_SUBSCRIBED: 354,
  INVALID_REAL_TIME_QUERY: 420,
  DEPTH_NOT_SUPPORTED: 10092,
  DISPLAYING_DELAYED: 10167,
  TICK_BY_TICK_NO_PERMISSION: 10189,
  MAX_TICK_BY_TICK: 10190,
} as const;

/** `Error&BEST/STK/Top…`: TWS names the feed it looked for; SMART's feed is called BEST. */
function feedName(exchange: string, secType: string): string {
  const ex = exchange.toUpperCase() === 'SMART' || exchange === '' ? 'BEST' : exchange.toUpperCase();
  return `${ex}/${secType.toUpperCase() || 'STK'}/Top`;
}

export const MarketDataError = {
  /** docs/wire-facts/market-data.md#100-lines-101 */
  maxTickers: (): IbErrorBody => ({ code: MarketDataCode.MAX_TICKERS, message: 'Max number of tickers has been reached' }),
  /** A cancel for a ticker id with no line (e.g. a snapshot that already ended). docs/wire-facts/market-data.md#cancels */
  noTicker: (reqId: number): IbErrorBody => ({ code: MarketDataCode.NO_TICKER, message: `Can't find EId with tickerId:${reqId}` }),
  /** docs/wire-facts/market-data.md#market-depth */
  maxDepth: (max: number): IbErrorBody => ({ code: MarketDataCode.MAX_DEPTH, message: `Max number (${max}) of market depth requests has been reached` }),
  noDepth: (reqId: number): IbErrorBody => ({ code: MarketDataCode.NO_DEPTH, message: `Can't find the subscribed market depth with tickerId:${reqId}` }),
  depthNotSupported: (): IbErrorBody => ({
    code: MarketDataCode.DEPTH_NOT_SUPPORTED,
    message: 'Deep market data is not supported for this combination of security type/exchange',
  }),
  /** A ticker id already streaming on this connection. docs/wire-facts/market-data.md#duplicate-ticker-id */
  duplicateTicker: (): IbErrorBody => IbError.processing('bO', 'Duplicate ticker id'),
  /**
   * No live permission for a live or frozen request. With delayed data permitted TWS says so and
   * names the feed; without any permission the request is refused outright.
   * docs/wire-facts/market-data.md#permissions-354-and-10167
   */
  notSubscribed: (delayedAvailable: boolean, exchange: string, secType: string): IbErrorBody => ({
    code: MarketDataCode.NOT_SUBSCRIBED,
    message: delayedAvailable
      ? `Requested market data is not subscribed.Delayed market data is available.Error&${feedName(exchange, secType)}&${feedName(exchange, secType)}`
      : 'Requested market data is not subscribed. Delayed market data is not available.',
  }),
  /** A warning sent before delayed ticks: the request goes on. docs/wire-facts/market-data.md#permissions-354-and-10167 */
  displayingDelayed: (): IbErrorBody => ({
    code: MarketDataCode.DISPLAYING_DELAYED,
    message: 'Requested market data is not subscribed. Displaying delayed market data.',
  }),
  /** Real-time bars need live data. docs/wire-facts/market-data.md#real-time-bars */
  realTimeNoPermission: (exchange: string, secType: string): IbErrorBody => ({
    code: MarketDataCode.INVALID_REAL_TIME_QUERY,
    message: `Invalid Real-time Query:No market data permissions for ${exchange} ${secType}. Requested market data requires additional subscription for API. See link in 'Market Data Connections' dialog for more details.`,
  }),
  /** docs/wire-facts/pacing.md#real-time-pacing-420 */
  realTimePacing: (): IbErrorBody => ({
    code: MarketDataCode.INVALID_REAL_TIME_QUERY,
    message: 'Invalid Real-time Query:Historical data request pacing violation',
  }),
  /** docs/wire-facts/market-data.md#tick-by-tick */
  tickByTickNoPermission: (exchange: string, secType: string): IbErrorBody => ({
    code: MarketDataCode.TICK_BY_TICK_NO_PERMISSION,
    message: `Failed to request tick-by-tick data. No market data permissions for ${exchange} ${secType}`,
  }),
  maxTickByTick: (): IbErrorBody => ({ code: MarketDataCode.MAX_TICK_BY_TICK, message: 'Max number of tick-by-tick requests has been reached.' }),
  /** docs/wire-facts/market-data.md#snapshots */
  snapshotGenericTicks: (): IbErrorBody => IbError.validation('bO', 'Snapshot market data subscription is not applicable to generic ticks'),
} as const;
