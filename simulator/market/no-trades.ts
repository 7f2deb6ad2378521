/**
 * The one home of the rule "forex has no trades" for requests that ask for trades: which
 * whatToShow values do, and what each request answers for an instrument whose market reports none
 * (`reportsTrades`, instrument.ts). Top-of-book lines and tick-by-tick Last use `reportsTrades`
 * directly (they leave the trade fields out). docs/wire-facts/market-data.md#forex-has-no-trades
 */
import type { BarSize } from '../../common/ib/bar-sizes.ts';
import { IbError, type IbErrorBody } from '../../common/ib/errors.ts';
import { reportsTrades, type Instrument } from './instrument.ts';

/** HMDS's source of IDEALPRO quotes, as it names it in "no data" texts. */
const FOREX_HMDS_SOURCE = 'FXSUBPIP';

/** Whether a whatToShow (any case, padded or not) asks for trades: TRADES, or ADJUSTED_LAST (adjusted trades). */
export function asksForTrades(whatToShow: string): boolean {
  const what = whatToShow.trim().toUpperCase();
  return what === 'TRADES' || what === 'ADJUSTED_LAST';
}

/** Whether the request asks `instrument` for trades it has none of (TRADES of a currency pair). */
export const tradesMissing = (instrument: Pick<Instrument, 'secType'>, whatToShow: string): boolean => asksForTrades(whatToShow) && !reportsTrades(instrument);

/**
 * 162 for trade bars of a market without trades: `…No historical market data for EUR/CASH@FXSUBPIP Last 60`
 * (symbol/secType@source, the series, the bar size: seconds for intraday bars, `1d`, `1w`, `1m`).
 * Historical bars (observed text) and real-time 5-second bars (`Last 5`, our choice).
 */
export function noTradeBars(instrument: Pick<Instrument, 'symbol' | 'secType'>, bar: Pick<BarSize, 'unit' | 'seconds'>): IbErrorBody {
  const size = bar.unit === 'sec' ? String(bar.seconds) : `1${bar.unit.charAt(0)}`;
  return IbError.noHistoricalData(`${instrument.symbol}/${instrument.secType}@${FOREX_HMDS_SOURCE} Last ${size}`);
}

/** 162 `…No head time stamp`: HMDS's answer when a series has no earliest point (here: trades of a currency pair; our choice). */
export const noTradesHeadTimestamp = (): IbErrorBody => IbError.hmds('No head time stamp');
