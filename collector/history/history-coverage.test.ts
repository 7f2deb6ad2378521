/**
 * Coverage: overlapping collections into one store end with exactly the bars a fresh store gets
 * for their union; each asks only for what is missing; "no data" is a recorded window with IB's
 * reason, final once a bar follows it; regular and extended hours are different series. Virtual
 * time against the gateway model (ibkr-paper profile).
 */
import { describe, expect, it } from 'vitest';
import type { ContractInfo } from '../gateway-client.ts';
import type { HistorySpec } from '../history-collector.ts';
import type { SqliteStore } from '../store/index.ts';
import {
  AAPL,
  AFTER_CLOSE,
  autoCleanup,
  drive,
  historyOn,
  leasedSession,
  memoryStore,
  qualifierOn,
  received,
  virtualEnv,
  type SessionKit,
  type VirtualEnv,
} from '../testing/env.ts';

const { later } = autoCleanup();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Setup {
  env: VirtualEnv;
  kit: SessionKit;
  store: SqliteStore;
  aapl: ContractInfo;
  collect(spec: HistorySpec, into?: SqliteStore): ReturnType<ReturnType<typeof historyOn>['collect']>;
}

async function setup(start = AFTER_CLOSE): Promise<Setup> {
  const env = virtualEnv({ profile: 'ibkr-paper', start });
  const kit = leasedSession(env.connector, env.clock);
  const store = memoryStore();
  later(
    () => kit.session.close(),
    () => store.close(),
  );
  const q = await drive(env.clock, qualifierOn(kit, env.clock).qualify(AAPL));
  if (q.kind !== 'qualified') throw new Error(`AAPL did not qualify: ${q.kind}`);
  const history = historyOn(kit, env.clock, store);
  const collect = (spec: HistorySpec, into?: SqliteStore) =>
    drive(env.clock, (into ? historyOn(kit, env.clock, into) : history).collect(q.contract, spec), { stepMs: 1_000 });
  return { env, kit, store, aapl: q.contract, collect };
}

/** A store of its own; closed after the test. */
function freshStore(): SqliteStore {
  const s = memoryStore();
  later(() => s.close());
  return s;
}

const series = (c: ContractInfo, barSize: string, useRTH = true, whatToShow = 'TRADES') => ({
  conId: c.conId,
  exchange: c.exchange,
  barSize,
  whatToShow,
  useRTH,
});
/** The bars of a series, value for value; `before` leaves out a bar still forming (its values depend on when it was fetched). */
const barsOf = (store: SqliteStore, key: ReturnType<typeof series>, before = Number.POSITIVE_INFINITY) =>
  store
    .getBars(key)
    .filter((b) => b.time < before)
    .map((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]);
const requests = (env: VirtualEnv) => received(env.gateway, 'REQ_HISTORICAL_DATA').map((e) => `${e.message.duration} to ${e.message.endDateTime || 'now'}`);

describe('coverage: overlapping collections end with what a fresh store gets', () => {
  it('1 D then 5 D adds the four days before (before: it added nothing and reported ok with the 1 D bars)', async () => {
    const s = await setup();
    const one = await s.collect({ duration: '1 D', barSize: '1 hour' });
    expect(one).toMatchObject({ received: 7, added: 7, stored: 7 });
    const five = await s.collect({ duration: '5 D', barSize: '1 hour' });
    const fresh = freshStore();
    await s.env.clock.advance(20_000); // past the identical-request window for the fresh collection
    const alone = await s.collect({ duration: '5 D', barSize: '1 hour' }, fresh);
    expect(alone.stored).toBe(35); // 5 trading days × 7 regular-hours bars
    expect(five).toMatchObject({ added: 28, stored: 35 });
    expect(barsOf(s.store, series(s.aapl, '1 hour'))).toEqual(barsOf(fresh, series(s.aapl, '1 hour')));
    expect(five.coverage).toMatchObject({ gaps: [], noData: [], formingFrom: null });
    expect(five.coverage.held).toEqual([five.coverage.window]);
  });

  it('regular and extended hours are two series: collecting one never overwrites the other', async () => {
    const s = await setup();
    const rth = await s.collect({ duration: '1 D', barSize: '1 hour', useRTH: true });
    const eth = await s.collect({ duration: '1 D', barSize: '1 hour', useRTH: false });
    expect(rth).toMatchObject({ added: 7, stored: 7 });
    expect(eth.stored).toBeGreaterThan(7); // pre- and post-market too
    const fresh = freshStore();
    await s.env.clock.advance(20_000);
    await s.collect({ duration: '1 D', barSize: '1 hour', useRTH: true }, fresh);
    await s.collect({ duration: '1 D', barSize: '1 hour', useRTH: false }, fresh);
    expect(barsOf(s.store, series(s.aapl, '1 hour', true))).toEqual(barsOf(fresh, series(s.aapl, '1 hour', true)));
    // Post-market runs to 20:00: the 17:00 bar is still forming, stored as of each collection.
    expect(eth.coverage.formingFrom).toBe(AFTER_CLOSE / 1000);
    expect(barsOf(s.store, series(s.aapl, '1 hour', false), AFTER_CLOSE / 1000)).toEqual(barsOf(fresh, series(s.aapl, '1 hour', false), AFTER_CLOSE / 1000));
    // The 09:30 regular-hours bar (half an hour) and the 09:00 extended one (a full hour) both exist, apart.
    expect(s.store.getBars(series(s.aapl, '1 hour', true))[0]!.time).toBe(Date.UTC(2025, 10, 12, 14, 30) / 1000);
  });

  it('asks only for the missing windows: 2 W, then a week inside it (nothing), then 3 W (the week before, once)', async () => {
    const s = await setup();
    const spec = { barSize: '1 hour', endMs: AFTER_CLOSE };
    await s.collect({ ...spec, duration: '2 W' });
    const inside = await s.collect({ ...spec, duration: '1 W', endMs: AFTER_CLOSE - 3 * DAY });
    expect(inside).toMatchObject({ skipped: true, requests: 0, added: 0 });
    const wider = await s.collect({ ...spec, duration: '3 W' });
    // 2 W ending 17:00 on 12 November began 17:00 on 29 October; 3 W needs the week before that, once.
    expect(requests(s.env)).toEqual(['2 W to 20251112-22:00:00', '1 W to 20251029-21:00:00']);
    expect(wider.coverage.gaps).toEqual([]);
    const fresh = freshStore();
    await s.env.clock.advance(20_000);
    await s.collect({ ...spec, duration: '3 W' }, fresh);
    expect(barsOf(s.store, series(s.aapl, '1 hour'))).toEqual(barsOf(fresh, series(s.aapl, '1 hour')));
  });
});

describe('"no data" (162) is a recorded window with its reason, not a success', () => {
  // Sunday 16 November 2025, noon in New York.
  const SUNDAY_NOON = Date.UTC(2025, 10, 16, 17, 0, 0);

  it("is recorded and reported with IB's text; not final while no bar follows it, so the next collection asks again", async () => {
    const s = await setup(SUNDAY_NOON);
    const first = await s.collect({ duration: '86400 S', barSize: '1 hour' });
    expect(first.coverage.held).toEqual([]);
    expect(first.coverage.noData).toEqual([
      {
        start: SUNDAY_NOON / 1000 - 86_400,
        end: SUNDAY_NOON / 1000,
        reason: expect.stringMatching(/HMDS query returned no data: AAPL@SMART Trades/),
        final: false,
      },
    ]);
    expect(first.coverage.gaps).toEqual([]);
    expect(s.store.windows(series(s.aapl, '1 hour'))).toMatchObject([{ outcome: 'no-data', reason: expect.stringContaining('HMDS query returned no data') }]);
    await s.env.clock.advance(HOUR);
    await s.collect({ duration: '86400 S', barSize: '1 hour' });
    // The weekend may still have been a gap on the gateway's side: asked again, not skipped as "done".
    expect(received(s.env.gateway, 'REQ_HISTORICAL_DATA')).toHaveLength(2);
  });

  it('is final once the series holds a bar after it: a later, wider collection does not ask for it again', async () => {
    const s = await setup(SUNDAY_NOON);
    await s.collect({ duration: '86400 S', barSize: '1 hour' }); // Saturday noon to Sunday noon: nothing
    const monday = Date.UTC(2025, 10, 17, 22); // Monday 17:00
    await s.env.clock.advance(monday - s.env.clock.now());
    await s.collect({ duration: '86400 S', barSize: '1 hour' }); // Sunday 17:00 to Monday 17:00: Monday's bars
    const week = await s.collect({ duration: '1 W', barSize: '1 hour', endMs: monday });
    const asked = received(s.env.gateway, 'REQ_HISTORICAL_DATA').slice(2);
    const saturdayNoon = SUNDAY_NOON / 1000 - 86_400;
    for (const e of asked) {
      // Every window asked for ends by Saturday noon or begins after Sunday noon.
      const end = Date.parse(`${String(e.message.endDateTime).replace(/^(\d{4})(\d{2})(\d{2})-/, '$1-$2-$3T')}Z`) / 1000;
      const seconds = Number(String(e.message.duration).split(' ')[0]);
      if (String(e.message.duration).endsWith(' S'))
        expect(end <= saturdayNoon || end - seconds >= SUNDAY_NOON / 1000, `${e.message.duration} to ${e.message.endDateTime}`).toBe(true);
    }
    // Saturday noon to Sunday noon, not asked again, and Sunday noon to 17:00, asked by this collection: both final now.
    expect(week.coverage.noData).toEqual([
      { start: saturdayNoon, end: SUNDAY_NOON / 1000, reason: expect.any(String), final: true },
      { start: SUNDAY_NOON / 1000, end: SUNDAY_NOON / 1000 + 5 * 3600, reason: expect.any(String), final: true },
    ]);
    expect(week.coverage.gaps).toEqual([]);
    const fresh = freshStore();
    await s.env.clock.advance(20_000);
    await s.collect({ duration: '1 W', barSize: '1 hour', endMs: monday }, fresh);
    expect(barsOf(s.store, series(s.aapl, '1 hour'))).toEqual(barsOf(fresh, series(s.aapl, '1 hour')));
  });
});

describe('ADJUSTED_LAST: rewritten by IB on every dividend, so never pieced together', () => {
  it('asks for the whole window each time, ending now, and replaces the series', async () => {
    const s = await setup();
    const spec = { duration: '5 D', barSize: '1 hour', whatToShow: 'ADJUSTED_LAST' };
    await s.collect(spec);
    await s.env.clock.advance(20_000);
    const again = await s.collect(spec);
    expect(requests(s.env)).toEqual(['5 D to now', '5 D to now']);
    expect(again).toMatchObject({ requests: 1, added: 0, stored: 35 });
    expect(s.store.windows(series(s.aapl, '1 hour', true, 'ADJUSTED_LAST'))).toHaveLength(1);
  });

  it('refuses an end date and a window one request cannot hold, saying why', async () => {
    const s = await setup();
    await expect(s.collect({ duration: '1 D', barSize: '1 hour', whatToShow: 'ADJUSTED_LAST', endMs: AFTER_CLOSE - DAY })).rejects.toThrow(
      /ADJUSTED_LAST bars are served only up to now/,
    );
    await expect(s.collect({ duration: '5 D', barSize: '1 min', whatToShow: 'ADJUSTED_LAST' })).rejects.toThrow(/does not fit one request/);
    expect(received(s.env.gateway, 'REQ_HISTORICAL_DATA')).toEqual([]);
  });
});
