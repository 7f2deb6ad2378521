/** The contention formula on its own: each term, and when the queue and arrivals are looked at. */
import { describe, expect, it } from 'vitest';
import { otherSessions, secdefServiceTime, type ContentionState, type SecdefContention } from './contention.ts';
import { getProfile } from './profile.ts';

const lynx = getProfile('lynx-paper').secdef;
const quiet: SecdefContention = getProfile('ibkr-paper').secdef;

function state(over: Partial<ContentionState> = {}): ContentionState {
  return { baseMs: 30, liveClients: 1, otherWaitingClients: () => 0, arrivalsWithin: () => 0, ...over };
}

describe('secdefServiceTime', () => {
  it('a lone client pays the base draw only', () => {
    expect(secdefServiceTime(lynx, state())).toBe(30);
    expect(secdefServiceTime(lynx, state({ liveClients: 0 }))).toBe(30);
  });

  it('adds perOtherClientMs for each other live client (lynx-paper: 260 ms)', () => {
    expect(secdefServiceTime(lynx, state({ liveClients: 3 }))).toBe(30 + 2 * 260);
  });

  it('adds perWaitingClientMs for each other client with requests waiting (lynx-paper: 60 ms)', () => {
    expect(secdefServiceTime(lynx, state({ otherWaitingClients: () => 2 }))).toBe(30 + 2 * 60);
  });

  it('throttles above the threshold: penalty plus a cost per excess arrival', () => {
    const t = lynx.throttle;
    expect(secdefServiceTime(lynx, state({ arrivalsWithin: () => t.threshold }))).toBe(30);
    expect(secdefServiceTime(lynx, state({ arrivalsWithin: () => t.threshold + 5 }))).toBe(30 + t.penaltyMs + 5 * t.perExcessMs);
  });

  it('sums every term', () => {
    const t = lynx.throttle;
    const s = state({ baseMs: 25, liveClients: 4, otherWaitingClients: () => 3, arrivalsWithin: () => t.threshold + 1 });
    expect(secdefServiceTime(lynx, s)).toBe(25 + 3 * 260 + 3 * 60 + t.penaltyMs + t.perExcessMs);
  });

  it('asks for the queue and the arrivals only when the profile charges for them', () => {
    let asked = 0;
    const s = state({
      liveClients: 5,
      otherWaitingClients: () => ++asked,
      arrivalsWithin: () => ++asked,
    });
    expect(secdefServiceTime(quiet, s)).toBe(30);
    expect(asked).toBe(0);
    secdefServiceTime(lynx, s);
    expect(asked).toBe(2);
  });

  it('looks at the throttle window the profile names', () => {
    const windows: number[] = [];
    const arrivalsWithin = (w: number) => {
      windows.push(w);
      return 0;
    };
    secdefServiceTime(lynx, state({ arrivalsWithin }));
    expect(windows).toEqual([lynx.throttle.windowMs]);
  });
});

describe('otherSessions', () => {
  it('counts distinct sessions other than the requester', () => {
    expect(otherSessions([], 1)).toBe(0);
    expect(otherSessions([{ sessionId: 1 }, { sessionId: 2 }, { sessionId: 2 }, { sessionId: 3 }], 1)).toBe(2);
    expect(otherSessions([{ sessionId: 1 }], 1)).toBe(0);
  });
});
