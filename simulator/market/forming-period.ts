/**
 * The day, week or month bar still forming at "now": the aggregate of what has happened so far,
 * never a whole bar cut short. Completed trading dates count by their daily bars (exactly what a
 * "1 day" request returns for them), the current date by its 1-minute bars and then the current
 * minute's 250 ms steps, as tick-bars.ts's formingBar builds an intraday bar. So the forming bar's
 * volume, high and low agree with the ticks and the 1-minute bars of the same sessions so far.
 * docs/wire-facts/market-data.md#forming-period-bars
 *
 * Units: epoch ms of model time; prices and volumes as in tick-bars.ts.
 */
import { NOMINAL_SECONDS } from '../../common/ib/durations.ts';
import { MINUTE_MS, minuteOf } from './minute-path.ts';
import type { RawBar } from './price-path.ts';
import type { InstrumentQuotes } from './quotes.ts';
import { addAccumulated, addStep, addSynthesized, addWholeMinute, newAccumulator, toBar, type AggregateSeries, type BarAccumulator } from './tick-bars.ts';
import { localDay } from './time.ts';
import type { Session, SessionKind } from './trading-hours.ts';

const DAY_SECONDS = NOMINAL_SECONDS.D;
/** Sessions whose minutes so far are kept per instrument; beyond it the cache starts over. */
const MAX_PARTS = 32;

/** A session's whole minutes aggregated from its start up to (not including) minute `next`. */
interface SessionPart {
  next: number;
  acc: BarAccumulator;
}

/**
 * keepUpToDate asks for the same forming day every few seconds: the minutes already aggregated are
 * kept, so an update adds only the minutes since the last one (a day of 1-minute bars costs
 * milliseconds, too much every 5 s of model time at a fast time scale).
 */
const partsByQuotes = new WeakMap<InstrumentQuotes, Map<string, SessionPart>>();

/**
 * The forming bar of a period slot (bar-slots.ts: [start, end), its sessions of `kind`) at `now`;
 * undefined when nothing of the period has happened yet.
 */
export function formingPeriodBar(
  q: InstrumentQuotes,
  slot: { start: number; end: number },
  kind: SessionKind,
  now: number,
  series: AggregateSeries,
): RawBar | undefined {
  const acc = newAccumulator(series);
  const tz = q.instrument.timeZoneId;
  const current = minuteOf(now);
  for (let day = localDay(slot.start, tz) - 1; day <= localDay(now, tz) + 1; day++) {
    const sessions = q.sessions.on(day, kind).filter((s) => s.start >= slot.start && s.start < slot.end && s.start <= now);
    if (sessions.length === 0) continue;
    const close = sessions[sessions.length - 1]!.end;
    if (close <= now) {
      addSynthesized(q, acc, { start: sessions[0]!.start, end: close, sizeSeconds: DAY_SECONDS, days: 1, liquid: true });
      continue;
    }
    for (const s of sessions) {
      addAccumulated(acc, wholeMinutes(q, s, Math.min(s.end, current), series));
      if (now < s.end) {
        q.eachStep(Math.max(s.start, current), now + 1, (m, k) => {
          addStep(acc, m, k);
          return true;
        });
      }
    }
  }
  return toBar(acc, q.model.ladder);
}

/** The minutes of session `s` that start before `upTo`, by their 1-minute bars (kept for the next call). */
function wholeMinutes(q: InstrumentQuotes, s: Session, upTo: number, series: AggregateSeries): BarAccumulator {
  let parts = partsByQuotes.get(q);
  if (!parts) partsByQuotes.set(q, (parts = new Map()));
  const key = `${series}|${s.start}|${s.end}`;
  let part = parts.get(key);
  if (!part || part.next > upTo) {
    if (parts.size >= MAX_PARTS) parts.clear();
    part = { next: s.start, acc: newAccumulator(series) };
    parts.set(key, part);
  }
  for (; part.next < upTo; part.next += MINUTE_MS) addWholeMinute(q, part.acc, part.next);
  return part.acc;
}
