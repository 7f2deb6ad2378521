/**
 * The account's values as IB names them, computed from the ledger and the price source at an
 * instant: the account-summary tags (every tag IB documents for reqAccountSummary), the
 * per-currency ledger keys, and the portfolio lines. Margin follows Reg T for stocks: 50 % of the
 * long and short market value initially, 25 % of long and 30 % of short maintenance —
 * docs/wire-facts/accounts.md#account-values. Values are text as the wire carries them.
 */
import type { Ledger, Position } from './ledger.ts';
import type { PriceSource } from './venue.ts';

/** Every tag of IB's AccountSummaryTags, in IB's order (docs/wire-facts/accounts.md#account-summary-tags). */
export const ACCOUNT_SUMMARY_TAGS = [
  'AccountType',
  'NetLiquidation',
  'TotalCashValue',
  'SettledCash',
  'AccruedCash',
  'BuyingPower',
  'EquityWithLoanValue',
  'PreviousDayEquityWithLoanValue',
  'GrossPositionValue',
  'RegTEquity',
  'RegTMargin',
  'SMA',
  'InitMarginReq',
  'MaintMarginReq',
  'AvailableFunds',
  'ExcessLiquidity',
  'Cushion',
  'FullInitMarginReq',
  'FullMaintMarginReq',
  'FullAvailableFunds',
  'FullExcessLiquidity',
  'LookAheadNextChange',
  'LookAheadInitMarginReq',
  'LookAheadMaintMarginReq',
  'LookAheadAvailableFunds',
  'LookAheadExcessLiquidity',
  'HighestSeverity',
  'DayTradesRemaining',
  'Leverage',
] as const;

/** Keys of the `$LEDGER` groups, reported per currency. */
export const LEDGER_KEYS = [
  'CashBalance',
  'TotalCashBalance',
  'AccruedCash',
  'StockMarketValue',
  'NetLiquidationByCurrency',
  'UnrealizedPnL',
  'RealizedPnL',
  'ExchangeRate',
] as const;

const INITIAL_MARGIN = 0.5;
const MAINT_LONG = 0.25;
const MAINT_SHORT = 0.3;
/** Intraday buying power of a margin account: four times the excess. [IB: pattern-day-trader 4:1] */
const BUYING_POWER_MULTIPLE = 4;

export interface PortfolioLine {
  position: Position;
  marketPrice: number;
  marketValue: number;
  unrealizedPnl: number;
}

export interface AccountValue {
  tag: string;
  value: string;
  /** '' for tags without a currency (AccountType, Cushion, Leverage, …). */
  currency: string;
}

export interface AccountSnapshot {
  lines: PortfolioLine[];
  summary: AccountValue[];
  ledger: AccountValue[];
  netLiquidation: number;
  unrealizedPnl: number;
  realizedPnl: number;
}

const money = (x: number) => x.toFixed(2);

/** The mark of a position: the mid of bid and ask at `now` (the last one before a close). */
export function markPrice(prices: PriceSource, conId: number, now: number): number {
  const q = prices.quoteAt(conId, now);
  return q ? (q.bid + q.ask) / 2 : 0;
}

export function portfolioLines(ledger: Ledger, prices: PriceSource, now: number): PortfolioLine[] {
  const lines: PortfolioLine[] = [];
  for (const p of ledger.positions.values()) {
    const marketPrice = markPrice(prices, p.instrument.conId, now);
    const marketValue = p.position * marketPrice;
    lines.push({ position: p, marketPrice, marketValue, unrealizedPnl: marketValue - p.position * p.avgCost });
  }
  return lines;
}

/** Everything reqAccountSummary, reqAccountUpdates and reqPnL report, at one instant. */
export function accountSnapshot(ledger: Ledger, prices: PriceSource, now: number): AccountSnapshot {
  const lines = portfolioLines(ledger, prices, now);
  let longValue = 0;
  let shortValue = 0;
  let unrealized = 0;
  for (const l of lines) {
    if (l.marketValue >= 0) longValue += l.marketValue;
    else shortValue -= l.marketValue;
    unrealized += l.unrealizedPnl;
  }
  const stockValue = longValue - shortValue;
  const netLiq = ledger.cash + stockValue;
  const gross = longValue + shortValue;
  const init = INITIAL_MARGIN * gross;
  const maint = MAINT_LONG * longValue + MAINT_SHORT * shortValue;
  const available = netLiq - init;
  const excess = netLiq - maint;
  const c = ledger.currency;
  const values: Record<(typeof ACCOUNT_SUMMARY_TAGS)[number], [string, string]> = {
    AccountType: ['INDIVIDUAL', ''],
    NetLiquidation: [money(netLiq), c],
    TotalCashValue: [money(ledger.cash), c],
    SettledCash: [money(ledger.cash), c],
    AccruedCash: [money(0), c],
    BuyingPower: [money(Math.max(0, available) * BUYING_POWER_MULTIPLE), c],
    EquityWithLoanValue: [money(netLiq), c],
    PreviousDayEquityWithLoanValue: [money(ledger.startingCash), c],
    GrossPositionValue: [money(gross), c],
    RegTEquity: [money(netLiq), c],
    RegTMargin: [money(init), c],
    SMA: [money(Math.max(0, available)), c],
    InitMarginReq: [money(init), c],
    MaintMarginReq: [money(maint), c],
    AvailableFunds: [money(available), c],
    ExcessLiquidity: [money(excess), c],
    Cushion: [netLiq === 0 ? '0' : (excess / netLiq).toFixed(6), ''],
    FullInitMarginReq: [money(init), c],
    FullMaintMarginReq: [money(maint), c],
    FullAvailableFunds: [money(available), c],
    FullExcessLiquidity: [money(excess), c],
    LookAheadNextChange: ['0', ''],
    LookAheadInitMarginReq: [money(init), c],
    LookAheadMaintMarginReq: [money(maint), c],
    LookAheadAvailableFunds: [money(available), c],
    LookAheadExcessLiquidity: [money(excess), c],
    HighestSeverity: ['0', ''],
    DayTradesRemaining: ['-1', ''],
    Leverage: [netLiq === 0 ? '0' : (gross / netLiq).toFixed(6), ''],
  };
  const summary = ACCOUNT_SUMMARY_TAGS.map((tag) => ({ tag, value: values[tag][0], currency: values[tag][1] }));
  const ledgerValues: Record<(typeof LEDGER_KEYS)[number], string> = {
    CashBalance: money(ledger.cash),
    TotalCashBalance: money(ledger.cash),
    AccruedCash: money(0),
    StockMarketValue: money(stockValue),
    NetLiquidationByCurrency: money(netLiq),
    UnrealizedPnL: money(unrealized),
    RealizedPnL: money(ledger.realizedPnl),
    ExchangeRate: '1.00',
  };
  const ledgerRows = LEDGER_KEYS.map((tag) => ({ tag, value: ledgerValues[tag], currency: c }));
  return { lines, summary, ledger: ledgerRows, netLiquidation: netLiq, unrealizedPnl: unrealized, realizedPnl: ledger.realizedPnl };
}
