/**
 * Shaping an instrument into the bodies of the CONTRACT_DATA and SYMBOL_SAMPLES server messages.
 * The types come straight from the message declarations, so a change of layout there shows up
 * here as a type error instead of a silently missing field.
 */
import type { ServerMessageOf } from '../protocol/server-messages.ts';
import type { Instrument } from './instrument.ts';
import { localDay } from './time.ts';
import { hoursString, type Schedule, type SessionKind } from './trading-hours.ts';

/** Every CONTRACT_DATA field except the message type and the request id. */
export type ContractDetailsFields = Omit<ServerMessageOf<'CONTRACT_DATA'>, 'type' | 'reqId'>;
/** One result of a contract-details match: exactly the CONTRACT_DATA body. */
export type ContractDetailsResult = ContractDetailsFields;
/** One item of SYMBOL_SAMPLES.descriptions. */
export type SymbolSample = ServerMessageOf<'SYMBOL_SAMPLES'>['descriptions'][number];

/** The fund fields of CONTRACT_DATA, sent only for secType FUND from v179; the universe has no funds. */
const NO_FUND_DATA = {
  fundName: '',
  fundFamily: '',
  fundType: '',
  fundFrontLoad: '',
  fundBackLoad: '',
  fundBackLoadTimeInterval: '',
  fundManagementFee: '',
  fundClosed: false,
  fundClosedForNewInvestors: false,
  fundClosedForNewMoney: false,
  fundNotifyAmount: '',
  fundMinimumInitialPurchase: '',
  fundSubsequentMinimumPurchase: '',
  fundBlueSkyStates: '',
  fundBlueSkyTerritories: '',
  fundDistributionPolicyIndicator: '',
  fundAssetType: '',
} as const;

/** Days of sessions listed in tradingHours/liquidHours (TWS sends about a week). */
export const HOURS_DAYS = 7;

/** Hours strings by schedule and first day: a whole option chain shares one schedule. */
const hoursMemo = new WeakMap<Schedule, Map<string, string>>();

function hoursFrom(schedule: Schedule, today: number, kind: SessionKind): string {
  let memo = hoursMemo.get(schedule);
  if (!memo) hoursMemo.set(schedule, (memo = new Map()));
  const key = `${today}:${kind}`;
  let text = memo.get(key);
  if (text === undefined) {
    if (memo.size > 64) memo.clear();
    text = hoursString(schedule, today, HOURS_DAYS, kind);
    memo.set(key, text);
  }
  return text;
}

/**
 * The CONTRACT_DATA body for one instrument as seen through one exchange (`SMART` or a listing).
 * Hours start on the exchange-local date of `nowMs`, as TWS does.
 */
export function contractDetailsFor(instrument: Instrument, exchange: string, nowMs: number): ContractDetailsFields {
  const today = localDay(nowMs, instrument.timeZoneId);
  const d = instrument.derivative;
  return {
    symbol: instrument.symbol,
    secType: instrument.secType,
    lastTradeDateOrContractMonth: d?.lastTradeDate ?? '',
    lastTradeDate: d?.lastTradeDate ?? '',
    strike: d?.strike ?? 0,
    right: d?.right ?? '',
    exchange,
    currency: instrument.currency,
    localSymbol: instrument.localSymbol,
    marketName: instrument.marketName,
    tradingClass: instrument.tradingClass,
    conId: instrument.conId,
    minTick: instrument.minTick,
    mdSizeMultiplier: 1,
    multiplier: d?.multiplier ?? '',
    orderTypes: instrument.orderTypes.join(','),
    validExchanges: instrument.validExchanges.join(','),
    priceMagnifier: instrument.priceMagnifier,
    underConId: d?.underConId ?? 0,
    longName: instrument.longName,
    primaryExchange: instrument.primaryExchange,
    contractMonth: d?.contractMonth ?? '',
    industry: instrument.industry,
    category: instrument.category,
    subcategory: instrument.subcategory,
    timeZoneId: instrument.timeZoneId,
    tradingHours: hoursFrom(instrument.schedule, today, 'trading'),
    liquidHours: hoursFrom(instrument.schedule, today, 'liquid'),
    evRule: '',
    evMultiplier: undefined,
    secIdList: Object.entries(instrument.secIds).map(([tag, value]) => ({ tag, value })),
    aggGroup: instrument.aggGroup,
    underSymbol: d?.underSymbol ?? '',
    underSecType: d?.underSecType ?? '',
    marketRuleIds: instrument.marketRuleIds.join(','),
    realExpirationDate: d?.realExpirationDate ?? '',
    stockType: instrument.stockType,
    sizeMinTick: '',
    minSize: instrument.minSize,
    sizeIncrement: instrument.sizeIncrement,
    suggestedSizeIncrement: instrument.suggestedSizeIncrement,
    ...NO_FUND_DATA,
    ineligibilityReasons: [],
  };
}

export function symbolSampleFor(instrument: Instrument): SymbolSample {
  return {
    conId: instrument.conId,
    symbol: instrument.symbol,
    secType: instrument.secType,
    primaryExchange: instrument.primaryExchange,
    currency: instrument.currency,
    derivativeSecTypes: instrument.derivativeSecTypes.map((secType) => ({ secType })),
    description: instrument.longName,
    issuerId: '',
  };
}
