/**
 * Which prices an instrument trades and quotes at: the one home of its price increments. A ladder
 * is a market rule's rows (market-rules.ts, what REQ_MARKET_RULE answers): from each row's lowEdge
 * up, prices are multiples of its increment. SPX options, for one, move by 0.05 below 3.00 and by
 * 0.10 from 3.00 (docs/wire-facts/contracts.md#price-dependent-ticks); a US stock by 0.01 at every
 * price. An instrument's ladder is the rule of its first `marketRuleIds` entry, or its minTick at
 * every price when it names no rule the simulator knows.
 *
 * Units: prices in the instrument's currency.
 */
import type { Instrument } from './instrument.ts';
import { marketRule, type PriceIncrement } from './market-rules.ts';

export type Rounding = 'nearest' | 'down' | 'up';

interface Band {
  lowEdge: number;
  increment: number;
  /** Powers of ten that make a multiple of the increment an exact decimal again. */
  p10: number;
}

function band(lowEdge: number, increment: number): Band {
  // Enough decimals for any increment in use (0.00005 … 5); dividing by a power of ten restores exact decimals.
  const decimals = Math.max(0, Math.min(12, -Math.floor(Math.log10(increment)) + 6));
  return { lowEdge, increment, p10: 10 ** decimals };
}

export class PriceLadder {
  private static readonly byRule = new Map<number, PriceLadder>();
  private static readonly byTick = new Map<number, PriceLadder>();
  /** Bands by lowEdge, ascending; the first starts at 0 and also holds any price below 0. */
  private readonly bands: readonly Band[];
  /** The smallest increment: the one at the lowest prices (contract details' minTick). */
  readonly minTick: number;
  private half: PriceLadder | undefined;

  /** `increments`: a market rule's rows, lowEdge ascending, the first at 0; throws on anything else. */
  constructor(increments: readonly PriceIncrement[]) {
    const ok =
      increments.length > 0 &&
      increments[0]!.lowEdge === 0 &&
      increments.every((r, i) => r.increment > 0 && (i === 0 || r.lowEdge > increments[i - 1]!.lowEdge));
    if (!ok) throw new Error(`a price ladder needs rows with lowEdge ascending from 0 and positive increments, got ${JSON.stringify(increments)}`);
    this.bands = increments.map((r) => band(r.lowEdge, r.increment));
    this.minTick = Math.min(...increments.map((r) => r.increment));
  }

  /** One increment at every price (a shared instance per tick size). */
  static constant(tick: number): PriceLadder {
    let ladder = PriceLadder.byTick.get(tick);
    if (!ladder) PriceLadder.byTick.set(tick, (ladder = new PriceLadder([{ lowEdge: 0, increment: tick }])));
    return ladder;
  }

  /** The ladder of an instrument: the market rule its contract details name first, else its minTick at every price. */
  static of(instrument: Pick<Instrument, 'marketRuleIds' | 'minTick'>): PriceLadder {
    const id = instrument.marketRuleIds[0];
    const rows = id === undefined ? undefined : marketRule(id);
    if (!rows) return PriceLadder.constant(instrument.minTick);
    let ladder = PriceLadder.byRule.get(id!);
    if (!ladder) PriceLadder.byRule.set(id!, (ladder = new PriceLadder(rows)));
    return ladder;
  }

  /** The same bands with half the increments: where a midpoint of two ladder prices can fall (one instance per ladder). */
  halved(): PriceLadder {
    this.half ??= new PriceLadder(this.bands.map((b) => ({ lowEdge: b.lowEdge, increment: b.increment / 2 })));
    return this.half;
  }

  /** The increment that applies at `price`. */
  tickAt(price: number): number {
    return this.bandAt(price).increment;
  }

  /**
   * `x` on the ladder, rounded down, up or to the nearest price, as an exact decimal. Rounding up
   * never passes the next band's lowEdge (itself a ladder price).
   */
  round(x: number, how: Rounding = 'nearest'): number {
    const bands = this.bands;
    const i = bands.length === 1 ? 0 : this.bandIndex(x);
    const b = bands[i]!;
    const q = (x - b.lowEdge) / b.increment;
    // Nudge before floor/ceil so that 270.02 / 0.01 = 27001.999… does not land one tick off.
    const n = how === 'down' ? Math.floor(q + 1e-9) : how === 'up' ? Math.ceil(q - 1e-9) : Math.round(q);
    const next = bands[i + 1];
    // A price a hair below this band's edge was put in this band: it rounds to the edge, not below.
    const value = Math.round((b.lowEdge + (i > 0 ? Math.max(0, n) : n) * b.increment) * b.p10) / b.p10;
    return next !== undefined && value > next.lowEdge ? next.lowEdge : value;
  }

  /** The next ladder price above `price` (itself on the ladder). */
  above(price: number): number {
    return this.round(price + this.tickAt(price), 'nearest');
  }

  /** Whether `price` is on the ladder (within float noise): the check behind error 110. */
  isOn(price: number): boolean {
    const b = this.bandAt(price);
    const q = (price - b.lowEdge) / b.increment;
    return Math.abs(q - Math.round(q)) < 1e-6;
  }

  private bandAt(price: number): Band {
    return this.bands[this.bands.length === 1 ? 0 : this.bandIndex(price)]!;
  }

  /** The band holding `x`; a price a hair below an edge (float noise) counts as on it. */
  private bandIndex(x: number): number {
    let i = 0;
    while (i + 1 < this.bands.length && x >= this.bands[i + 1]!.lowEdge - 1e-9) i++;
    return i;
  }
}
