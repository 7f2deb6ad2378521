/**
 * Listed futures: the quarterly contracts of each family (generated/families.ts) that trade on a
 * given model date, the front month first, each with its expiry, multiplier and generated conId.
 * Rules: docs/wire-facts/contracts.md#futures.
 */
import { CME_EQUITY } from '../../../common/ib/calendars/index.ts';
import type { Instrument } from '../instrument.ts';
import { RISK_FREE_RATE } from '../derived-price.ts';
import { formatYmd, instantOf, localDay } from '../time.ts';
import type { Schedule } from '../trading-hours.ts';
import { decodeFutureConId, futureConId } from './conids.ts';
import { monthlyExpiry, monthsFrom } from './expiries.ts';
import { FUTURE_FAMILIES, MONTH_CODES, type FutureFamily } from './families.ts';

export const FUTURES_TIME_ZONE = 'US/Central';

/** CME Globex equity index futures: 17:00 the evening before to 16:00 Central, liquid 08:30–16:00. */
const CME_EQUITY_SCHEDULE: Schedule = {
  days: new Set([1, 2, 3, 4, 5]),
  liquid: [{ start: 510, end: 960 }],
  trading: [{ start: -420, end: 960 }],
  holidays: new Set(),
  calendar: CME_EQUITY,
};

/** Order types of a CME future (representative). */
const FUTURE_ORDER_TYPES =
  'ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,BENCHPX,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,ICE,IOC,LIT,LMT,LTH,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,PEGBENCH,SCALE,SCALERST,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF'.split(
    ',',
  );

/** The last trade date of a quarterly equity index future: the third Friday of its month. */
export function futureExpiry(year: number, month: number): number {
  return monthlyExpiry(year, month, CME_EQUITY);
}

/**
 * The day a quarterly contract is listed: the day after the contract `listedQuarters` quarters
 * before it expired, when it became one of the `listedQuarters` contracts listed at a time (ESZ6:
 * the day after ESU5's last trade date, 2025-09-20). docs/wire-facts/market-data.md#head-timestamp
 */
export function futureListingDay(f: FutureFamily, year: number, month: number): number {
  const months = year * 12 + (month - 1) - 3 * f.listedQuarters;
  return futureExpiry(Math.floor(months / 12), (months % 12) + 1) + 1;
}

/** When a quarterly contract settles: its last trade date's opening (08:30 Central), the index's opening prices. */
function settlementInstant(year: number, month: number): number {
  return instantOf(futureExpiry(year, month), 510, FUTURES_TIME_ZONE);
}

/**
 * One quarterly contract of a family. With `index` (the family's `priceIndexConId` instrument) it
 * is priced from that index by cost of carry (derived-price.ts); without, it walks a path of its own.
 */
export function futureInstrument(f: FutureFamily, year: number, month: number, index?: Instrument): Instrument {
  const expiry = formatYmd(futureExpiry(year, month));
  return {
    listingDay: futureListingDay(f, year, month),
    conId: futureConId({ family: f.index, year, month }),
    synthetic: true,
    symbol: f.symbol,
    secType: 'FUT',
    currency: f.currency,
    primaryExchange: '',
    listingExchanges: [f.exchange],
    validExchanges: [f.exchange],
    orderTypes: FUTURE_ORDER_TYPES,
    marketName: f.tradingClass,
    tradingClass: f.tradingClass,
    localSymbol: `${f.symbol}${MONTH_CODES[month - 1]}${year % 10}`,
    minTick: f.minTick,
    longName: f.longName,
    industry: '',
    category: '',
    subcategory: '',
    timeZoneId: FUTURES_TIME_ZONE,
    scheduleName: 'cme-equity',
    schedule: CME_EQUITY_SCHEDULE,
    secIds: {},
    stockType: '',
    minSize: '1',
    sizeIncrement: '1',
    suggestedSizeIncrement: '1',
    marketRuleIds: [f.marketRuleId],
    aggGroup: 2,
    priceMagnifier: 1,
    derivativeSecTypes: [],
    basePrice: f.basePrice,
    dailyVolatility: f.dailyVolatility,
    avgDailyVolume: f.avgDailyVolume,
    ...(index && {
      pricedFrom: {
        underlying: index,
        terms: { kind: 'future', expiryMs: settlementInstant(year, month), rate: RISK_FREE_RATE, carryYield: f.carryYield, spreadFraction: 0 },
      },
    }),
    derivative: {
      lastTradeDate: expiry,
      contractMonth: expiry.slice(0, 6),
      realExpirationDate: expiry,
      strike: 0,
      right: '',
      multiplier: f.multiplier,
      underConId: f.underConId,
      underSymbol: f.underSymbol,
      underSecType: 'IND',
    },
  };
}

/** Quarterly contract months [year, month] that trade on `day` (front month first); with `expiredQuarters`, also that many before. */
function listedMonths(f: FutureFamily, day: number, expiredQuarters: number): Array<[number, number]> {
  // Start far enough back to hold the expired quarters and the one just expired.
  const months = monthsFrom(day - (expiredQuarters + 1) * 92, expiredQuarters + f.listedQuarters + 3, 3);
  const live = months.filter(([y, m]) => futureExpiry(y, m) >= day).slice(0, f.listedQuarters);
  if (expiredQuarters === 0) return live;
  const expired = months.filter(([y, m]) => futureExpiry(y, m) < day);
  return [...expired.slice(Math.max(0, expired.length - expiredQuarters)), ...live];
}

/** Expired contracts returned when a request sets includeExpired (two years of quarters). */
const EXPIRED_QUARTERS = 8;

export class ListedFutures {
  /** `lookup` finds a family's price index among the universe's instruments (undefined: the family walks on its own). */
  constructor(
    private readonly families: readonly FutureFamily[] = FUTURE_FAMILIES,
    private readonly lookup: (conId: number) => Instrument | undefined = () => undefined,
  ) {}

  /** Contracts of families matching `symbol` (or every family when empty) listed at `nowMs`. */
  listed(symbol: string, nowMs: number, includeExpired = false): Instrument[] {
    const day = localDay(nowMs, FUTURES_TIME_ZONE);
    return this.families
      .filter((f) => !symbol || f.symbol === symbol || f.tradingClass === symbol)
      .flatMap((f) => listedMonths(f, day, includeExpired ? EXPIRED_QUARTERS : 0).map(([y, m]) => futureInstrument(f, y, m, this.indexOf(f))));
  }

  private indexOf(f: FutureFamily): Instrument | undefined {
    const index = this.lookup(f.priceIndexConId);
    return index?.secType === 'IND' ? index : undefined;
  }

  /** The front month: the listed contract that expires first. */
  front(symbol: string, nowMs: number): Instrument | undefined {
    return this.listed(symbol, nowMs)[0];
  }

  /** The contract with this conId, if it is listed at `nowMs` (or expired, with includeExpired). */
  byConId(conId: number, nowMs: number, includeExpired = false): Instrument | undefined {
    const key = decodeFutureConId(conId);
    const family = key && this.families.find((f) => f.index === key.family);
    if (!key || !family) return undefined;
    const listed = this.listed(family.symbol, nowMs, includeExpired);
    return listed.find((i) => i.conId === conId);
  }
}
