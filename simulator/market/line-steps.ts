/**
 * What top-of-book lines show, computed once per instrument and 250 ms step and shared by every
 * line of that instrument: 3,200 lines on 40 stocks read 40 quotes a step, not 3,200. Pure memo
 * over `quoteAt` + `lineFields` (simulator/market/top-of-book.ts); a caller gets exactly what it
 * would have computed itself, as the same object for the same step (so an unchanged step is
 * recognised by identity, and the ticks between two steps are built once).
 *
 * Why a step is enough of a key: the quote model moves on the 250 ms grid, and sessions start and
 * end on whole minutes, so every field `lineFields` reads is the same at all instants of a step
 * (docs/wire-facts/market-data.md#one-price-path, simulator/market/quotes.ts).
 */
import { GRID_MS, type InstrumentQuotes } from './quotes.ts';
import { lineFields, lineShapeOf, ticksBetween, type LineFields, type Tick } from './top-of-book.ts';

interface StepFields {
  quotes: InstrumentQuotes;
  /** The quote's market was open (bid and ask are shown whatever the line's type). */
  open: boolean;
  shown: LineFields;
  /** Bid and ask hidden (-1 / 0): a live or delayed line while the market is shut. */
  hidden: LineFields | undefined;
}

/** Steps kept per instrument: live and delayed lines read different steps at the same instant. */
const STEPS_KEPT = 8;
const NO_TICKS: readonly Tick[] = Object.freeze([]);

/** The ticks from one shared fields object to another, remembered on the newer one. */
interface TickMemo {
  prev: LineFields | undefined;
  delayed: boolean;
  ticks: readonly Tick[];
}

/**
 * The line fields of every instrument at each step, created once per market-data port (one
 * gateway), so that every session's lines share them.
 */
export class LineSteps {
  private readonly byQuotes = new WeakMap<InstrumentQuotes, Map<number, StepFields>>();
  private readonly memo = new WeakMap<LineFields, TickMemo[]>();

  /**
   * `lineFields(quotes.quoteAt(at), quote.open || frozen, lineShapeOf(instrument))`, the same object for every `at` of
   * one step. `at` is the instant the line shows (model epoch ms, already minus a delayed line's
   * lag). Throws as `quoteAt` does (no session in the 30 days before `at`).
   */
  fieldsAt(quotes: InstrumentQuotes, at: number, frozen: boolean): LineFields {
    const s = this.stepAt(quotes, at);
    return s.open || frozen ? s.shown : s.hidden!;
  }

  /** Whether `quotes`'s market is open at the step holding `at` (from the same memo as `fieldsAt`). */
  openAt(quotes: InstrumentQuotes, at: number): boolean {
    return this.stepAt(quotes, at).open;
  }

  private stepAt(quotes: InstrumentQuotes, at: number): StepFields {
    const step = Math.floor(at / GRID_MS);
    let steps = this.byQuotes.get(quotes);
    if (!steps) this.byQuotes.set(quotes, (steps = new Map()));
    let s = steps.get(step);
    if (!s) {
      const q = quotes.quoteAt(at);
      const shape = lineShapeOf(quotes.instrument);
      if (steps.size >= STEPS_KEPT) steps.delete(steps.keys().next().value!);
      s = { quotes, open: q.open, shown: lineFields(q, true, shape), hidden: q.open ? undefined : lineFields(q, false, shape) };
      steps.set(step, s);
    }
    return s;
  }

  /**
   * `ticksBetween(prev, next, delayed)`, built once for every line going from the same `prev` to
   * the same `next` (objects from `fieldsAt`). The list is shared: do not change it.
   */
  ticksBetween(prev: LineFields | undefined, next: LineFields, delayed: boolean): readonly Tick[] {
    if (prev === next) return NO_TICKS;
    let memos = this.memo.get(next);
    if (!memos) this.memo.set(next, (memos = []));
    for (const m of memos) if (m.prev === prev && m.delayed === delayed) return m.ticks;
    const ticks = ticksBetween(prev, next, delayed);
    // A few distinct predecessors at most (lines that joined at another step); bounded anyway.
    if (memos.length >= 4) memos.shift();
    memos.push({ prev, delayed, ticks });
    return ticks;
  }
}
