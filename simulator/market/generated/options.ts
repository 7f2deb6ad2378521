/**
 * Listed options: for each chain (generated/families.ts) the expiries that trade on a model date
 * and, per expiry, the strikes listed around the underlying's simulated price on the day the
 * expiry was listed. Contract details and REQ_SEC_DEF_OPT_PARAMS both read this one listing, so
 * they agree. Rules: docs/wire-facts/contracts.md#options. Each option is priced from its
 * underlying's simulated mid at the same instant (Black–Scholes, derived-price.ts), not from a
 * path of its own: docs/wire-facts/market-data.md#derived-prices.
 */
import { NYSE } from '../../../common/ib/calendars/index.ts';
import type { Instrument } from '../instrument.ts';
import { OPTION_SPREAD_FRACTION, optionVolatility, RISK_FREE_RATE } from '../derived-price.ts';
import { midPriceAt, priceModelOf } from '../price-path.ts';
import { formatYmd, instantOf, localDay } from '../time.ts';
import type { Schedule } from '../trading-hours.ts';
import { decodeOptionConId, OPTION_STRIKES, optionConId } from './conids.ts';
import { dailyExpiries, monthlyExpiries, previousTradingDay, weeklyExpiries } from './expiries.ts';
import type { ExpiryKind, OptionChainSpec } from './families.ts';

export const OPTIONS_TIME_ZONE = 'US/Eastern';

/** US equity and index options: 09:30–16:00 New York, no extended hours; NYSE holidays. */
const US_OPTION_SCHEDULE: Schedule = {
  days: new Set([1, 2, 3, 4, 5]),
  liquid: [{ start: 570, end: 960 }],
  trading: [{ start: 570, end: 960 }],
  holidays: new Set(),
  calendar: NYSE,
};

/** Order types of a US option (representative). */
const OPTION_ORDER_TYPES =
  'ACTIVETIM,AD,ADJUST,ALERT,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,DIS,FOK,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,REL,SCALE,SCALERST,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,VOL,WHATIF'.split(
    ',',
  );

/** A chain whose underlying is in the universe. */
export interface ListedChain {
  spec: OptionChainSpec;
  underlying: Instrument;
}

/** One expiry of a chain: the day trading stops, the expiry date, and how it was listed. */
export interface OptionExpiry {
  lastTradeDay: number;
  expiryDay: number;
  kind: ExpiryKind;
}

/** One SECURITY_DEFINITION_OPTION_PARAMETER body: a chain as one exchange lists it. */
export interface OptionParams {
  exchange: string;
  underlyingConId: number;
  tradingClass: string;
  multiplier: string;
  /** Last trade dates, `yyyyMMdd`, ascending. */
  expirations: string[];
  /** Every strike of any expiry, ascending. */
  strikes: number[];
}

/** What an option query may pin down; the rest of the match is `agrees` (contract-query.ts). */
export interface OptionFilter {
  symbol: string;
  tradingClass: string;
  expiry: string;
  strike: number;
  right: '' | 'C' | 'P';
}

/** Days ahead an expiry of each kind is listed; its strikes centre on the price that day. */
function listingHorizonDays(spec: OptionChainSpec, kind: ExpiryKind): number {
  const n = spec.expiries[kind] ?? 0;
  return kind === 'monthly' ? n * 31 : kind === 'weekly' ? n * 7 : Math.ceil((n * 7) / 5) + 1;
}

/** The day whose price an expiry's strikes centre on: as many months, weeks or trading days before it as the chain lists ahead. */
function strikeCentreDay(spec: OptionChainSpec, expiry: OptionExpiry): number {
  return expiry.expiryDay - listingHorizonDays(spec, expiry.kind);
}

/** Days searched back for an expiry's listing day: longer than any chain lists ahead (8 months). */
const LISTING_SEARCH_DAYS = 400;

/** `AAPL  260116C00250000`: the OCC symbol, root padded to six, strike in thousandths. */
export function occSymbol(root: string, expiryDay: number, right: 'C' | 'P', strike: number): string {
  const strikeText = String(Math.round(strike * 1000)).padStart(8, '0');
  return `${root.padEnd(6, ' ')}${formatYmd(expiryDay).slice(2)}${right}${strikeText}`;
}

export class ListedOptions {
  private readonly strikeCache = new Map<string, number[]>();
  private readonly listingCache = new Map<string, number>();

  constructor(
    readonly chains: readonly ListedChain[],
    private readonly seed: number,
  ) {}

  /** The expiries of a chain trading on `day` (exchange-local civil day), by last trade date. */
  expiriesOn(spec: OptionChainSpec, day: number): OptionExpiry[] {
    const out = new Map<number, OptionExpiry>();
    const add = (expiryDay: number, kind: ExpiryKind) => {
      const lastTradeDay = spec.amSettled ? previousTradingDay(expiryDay, NYSE) : expiryDay;
      if (lastTradeDay >= day && !out.has(lastTradeDay)) out.set(lastTradeDay, { lastTradeDay, expiryDay, kind });
    };
    const { monthly = 0, weekly = 0, daily = 0 } = spec.expiries;
    if (monthly) for (const e of monthlyExpiries(day, monthly + 1, NYSE).slice(0, monthly + 1)) add(e, 'monthly');
    // An AM-settled monthly whose last trade date has passed is dropped; keep `monthly` of the rest.
    if (monthly) {
      const monthlies = [...out.values()].filter((e) => e.kind === 'monthly');
      for (const extra of monthlies.slice(monthly)) out.delete(extra.lastTradeDay);
    }
    if (weekly) for (const e of weeklyExpiries(day, weekly, NYSE)) add(e, 'weekly');
    if (daily) for (const e of dailyExpiries(day, daily, NYSE)) add(e, 'daily');
    return [...out.values()].sort((a, b) => a.lastTradeDay - b.lastTradeDay);
  }

  /**
   * The first New York civil day on which `expiry` is among the chain's listed expiries
   * (`expiriesOn`): from then on contract details answer its options, and their data
   * (REQ_HEAD_TIMESTAMP) begin. docs/wire-facts/market-data.md#head-timestamp
   */
  listingDay(spec: OptionChainSpec, expiry: OptionExpiry): number {
    const key = `${spec.index}:${expiry.lastTradeDay}`;
    const known = this.listingCache.get(key);
    if (known !== undefined) return known;
    const listed = (day: number) => this.expiriesOn(spec, day).some((e) => e.lastTradeDay === expiry.lastTradeDay);
    // Once listed an expiry stays listed until it trades for the last time: search for the first listed day.
    let lo = expiry.lastTradeDay - LISTING_SEARCH_DAYS;
    let hi = expiry.lastTradeDay;
    if (listed(lo)) hi = lo;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (listed(mid)) hi = mid;
      else lo = mid + 1;
    }
    if (this.listingCache.size > 5_000) this.listingCache.clear();
    this.listingCache.set(key, hi);
    return hi;
  }

  /** The strikes listed for one expiry: multiples of the step around the price on its listing day. */
  strikesFor(chain: ListedChain, expiry: OptionExpiry): number[] {
    const key = `${chain.spec.index}:${expiry.lastTradeDay}:${expiry.kind}`;
    let strikes = this.strikeCache.get(key);
    if (strikes) return strikes;
    const { spec, underlying } = chain;
    const listedOn = strikeCentreDay(spec, expiry);
    const center = midPriceAt(priceModelOf(underlying, this.seed), instantOf(listedOn, 960, OPTIONS_TIME_ZONE));
    const lo = Math.ceil((center * (1 - spec.strikeRange)) / spec.strikeStep);
    const hi = Math.floor((center * (1 + spec.strikeRange)) / spec.strikeStep);
    strikes = [];
    for (let k = Math.max(1, lo); k <= hi; k++) {
      const strike = Number((k * spec.strikeStep).toFixed(6));
      if (Math.round(strike / spec.strikeUnit) < OPTION_STRIKES) strikes.push(strike);
    }
    if (this.strikeCache.size > 5_000) this.strikeCache.clear();
    this.strikeCache.set(key, strikes);
    return strikes;
  }

  /** The chains on an underlying (by conId), each as listed on every exchange, at `nowMs`. */
  params(underlyingConId: number, nowMs: number): OptionParams[] {
    const day = localDay(nowMs, OPTIONS_TIME_ZONE);
    return this.chains
      .filter((c) => c.underlying.conId === underlyingConId)
      .flatMap((c) => {
        const expiries = this.expiriesOn(c.spec, day);
        const strikes = new Set(expiries.flatMap((e) => this.strikesFor(c, e)));
        const body = {
          underlyingConId,
          tradingClass: c.spec.tradingClass,
          multiplier: c.spec.multiplier,
          expirations: expiries.map((e) => formatYmd(e.lastTradeDay)),
          strikes: [...strikes].sort((a, b) => a - b),
        };
        return c.spec.exchanges.map((exchange) => ({ exchange, ...body }));
      });
  }

  /** Options matching a filter, listed at `nowMs`; a chain is chosen by symbol or trading class. */
  listed(f: OptionFilter, nowMs: number): Instrument[] {
    const day = localDay(nowMs, OPTIONS_TIME_ZONE);
    const out: Instrument[] = [];
    for (const chain of this.chains) {
      const { spec } = chain;
      if (f.symbol ? spec.underlyingSymbol !== f.symbol : spec.tradingClass !== f.tradingClass) continue;
      for (const expiry of this.expiriesOn(spec, day)) {
        if (f.expiry && !expiryText(expiry).some((t) => t.startsWith(f.expiry) && (f.expiry.length === 6 || t === f.expiry))) continue;
        for (const strike of this.strikesFor(chain, expiry)) {
          if (f.strike && Math.abs(strike - f.strike) > 1e-6) continue;
          for (const right of ['C', 'P'] as const) {
            if (!f.right || f.right === right) out.push(this.instrument(chain, expiry, strike, right));
          }
        }
      }
    }
    return out;
  }

  /** The option with this conId, if it is listed at `nowMs`. */
  byConId(conId: number, nowMs: number): Instrument | undefined {
    const key = decodeOptionConId(conId);
    const chain = key && this.chains.find((c) => c.spec.index === key.chain);
    if (!key || !chain) return undefined;
    const expiry = this.expiriesOn(chain.spec, localDay(nowMs, OPTIONS_TIME_ZONE)).find((e) => e.lastTradeDay === key.day);
    if (!expiry) return undefined;
    const strike = this.strikesFor(chain, expiry).find((s) => Math.round(s / chain.spec.strikeUnit) === key.strikeIndex);
    return strike === undefined ? undefined : this.instrument(chain, expiry, strike, key.right);
  }

  private instrument(chain: ListedChain, expiry: OptionExpiry, strike: number, right: 'C' | 'P'): Instrument {
    const { spec, underlying } = chain;
    const conId = optionConId({ chain: spec.index, day: expiry.lastTradeDay, strikeIndex: Math.round(strike / spec.strikeUnit), right });
    if (conId === undefined) throw new Error(`option ${spec.tradingClass} ${strike} on day ${expiry.lastTradeDay} lies outside the conId scheme`);
    const lastTradeDate = formatYmd(expiry.lastTradeDay);
    // AM-settled (SPX monthlies): settled on the expiry day's opening prices; PM-settled: at the last trade date's close (13:00 on an early close).
    const early = NYSE.exceptionOn(expiry.lastTradeDay);
    const close = early?.kind === 'early-close' ? early.liquidClose : 960;
    const expiryMs = spec.amSettled ? instantOf(expiry.expiryDay, 570, OPTIONS_TIME_ZONE) : instantOf(expiry.lastTradeDay, close, OPTIONS_TIME_ZONE);
    return {
      conId,
      listingDay: this.listingDay(spec, expiry),
      synthetic: true,
      symbol: spec.underlyingSymbol,
      secType: 'OPT',
      currency: underlying.currency,
      primaryExchange: '',
      listingExchanges: spec.exchanges.filter((e) => e !== 'SMART'),
      validExchanges: spec.exchanges,
      orderTypes: OPTION_ORDER_TYPES,
      marketName: spec.tradingClass,
      tradingClass: spec.tradingClass,
      localSymbol: occSymbol(spec.tradingClass, expiry.expiryDay, right, strike),
      minTick: spec.minTick,
      longName: underlying.longName,
      industry: underlying.industry,
      category: underlying.category,
      subcategory: underlying.subcategory,
      timeZoneId: OPTIONS_TIME_ZONE,
      scheduleName: 'us-options',
      schedule: US_OPTION_SCHEDULE,
      secIds: {},
      stockType: '',
      minSize: '1',
      sizeIncrement: '1',
      suggestedSizeIncrement: '1',
      marketRuleIds: spec.exchanges.map(() => spec.marketRuleId),
      aggGroup: 2,
      priceMagnifier: 1,
      derivativeSecTypes: [],
      // Unused while priced from the underlying (pricedFrom); they describe the underlying's walk.
      basePrice: underlying.basePrice,
      dailyVolatility: underlying.dailyVolatility,
      avgDailyVolume: 2_000,
      pricedFrom: {
        underlying,
        terms: {
          kind: 'option',
          right,
          strike,
          expiryMs,
          exercise: spec.exercise,
          volatility: optionVolatility(underlying.dailyVolatility),
          rate: RISK_FREE_RATE,
          spreadFraction: OPTION_SPREAD_FRACTION,
        },
      },
      derivative: {
        lastTradeDate,
        contractMonth: formatYmd(expiry.expiryDay).slice(0, 6),
        realExpirationDate: formatYmd(expiry.expiryDay),
        strike,
        right,
        multiplier: spec.multiplier,
        underConId: underlying.conId,
        underSymbol: underlying.symbol,
        underSecType: underlying.secType,
      },
    };
  }
}

/** The dates a query may name an expiry by: its last trade date and its expiry date. */
function expiryText(e: OptionExpiry): string[] {
  return [formatYmd(e.lastTradeDay), formatYmd(e.expiryDay)];
}
