/**
 * The generic tick values of a REQ_MKT_DATA line (simulator/market/generic-ticks.ts) wired to the
 * gateway's market-data port: daily bars through the historical port, option chains for the
 * implied volatility. docs/wire-facts/market-data.md#generic-tick-values
 */
import { optionVolatility } from '../../market/derived-price.ts';
import { DailyBarsMemo, GENERIC_TICKS_WITH_VALUES, GenericTickLine } from '../../market/generic-ticks.ts';
import type { InstrumentQuotes } from '../../market/quotes.ts';
import type { ClientMessageOf } from '../../protocol/index.ts';
import { historyRequest } from '../../protocol/requests.ts';
import type { MarketData } from '../ports.ts';
import type { HandlerContext } from './context.ts';

/** Daily bars for generic ticks, shared by every line of a gateway's market data. */
const dailyBarsMemos = new WeakMap<MarketData, DailyBarsMemo>();
function dailyBarsMemoOf(market: MarketData): DailyBarsMemo {
  let memo = dailyBarsMemos.get(market);
  if (!memo) dailyBarsMemos.set(market, (memo = new DailyBarsMemo()));
  return memo;
}

/**
 * The generic tick values of a streaming line, or undefined when it asked for none the simulator
 * sends. Daily bars come through the historical port, so they are the bars a client's
 * REQ_HISTORICAL_DATA gets. docs/wire-facts/market-data.md#generic-tick-values
 */
export function genericTickLine(
  ctx: HandlerContext,
  msg: ClientMessageOf<'REQ_MKT_DATA'>,
  quotes: InstrumentQuotes,
  ids: readonly number[],
): GenericTickLine | undefined {
  const valued: readonly number[] = Object.values(GENERIC_TICKS_WITH_VALUES);
  if (!ids.some((id) => valued.includes(id))) return undefined;
  const instrument = quotes.instrument;
  const ref = { conId: instrument.conId, symbol: instrument.symbol, localSymbol: instrument.localSymbol, secType: instrument.secType };
  const fetch = (duration: string, at: number) => {
    const req = historyRequest(msg.reqId, { conId: instrument.conId, exchange: msg.exchange, barSize: '1 day', duration, whatToShow: 'TRADES' });
    const reply = ctx.market.historical(req, ref, at);
    return reply.ok ? reply.bars : undefined;
  };
  const memo = dailyBarsMemoOf(ctx.market);
  const dailyBars = (duration: string, at: number) => memo.bars(instrument.conId, duration, at, fetch);
  const chains = ids.includes(GENERIC_TICKS_WITH_VALUES.IMPLIED_VOL)
    ? ctx.market.optionChains(
        { underlyingSymbol: instrument.symbol, underlyingSecType: instrument.secType, underlyingConId: instrument.conId, futFopExchange: '' },
        ctx.now(),
      )
    : undefined;
  const impliedVolatility = chains && chains.length > 0 ? optionVolatility(instrument.dailyVolatility) : undefined;
  return new GenericTickLine({ quotes, ids, dailyBars, impliedVolatility });
}
