/**
 * The observers subscribed to one gateway. Events fire on every frame, so the subscribers are
 * folded into one observer object whenever the set changes, and the hot path makes one call per
 * event instead of walking a list.
 */
import type { GatewayObserver } from './ports.ts';

const OBSERVER_METHODS = ['sessionOpened', 'sessionClosed', 'errorSent', 'secdefServed', 'loginCompleted', 'historyServed', 'messageIn', 'messageOut'] as const;

/** One observer that forwards every event to each of `observers`, in order. */
export function combineObservers(...observers: GatewayObserver[]): GatewayObserver {
  const out: Record<string, (a?: unknown, b?: unknown, c?: unknown) => void> = {};
  for (const name of OBSERVER_METHODS) {
    // Every event has at most three arguments: pass them on as they are (no rest-array per call).
    const fns = observers.filter((o) => o[name]).map((o) => (o[name] as (a?: unknown, b?: unknown, c?: unknown) => void).bind(o));
    if (fns.length === 0) continue;
    if (fns.length === 1) out[name] = fns[0]!;
    else if (name === 'sessionOpened')
      out[name] = () => {
        for (const f of fns) f();
      };
    else if (name === 'secdefServed')
      out[name] = (a, b, c) => {
        for (const f of fns) f(a, b, c);
      };
    else if (name === 'loginCompleted' || name === 'historyServed')
      out[name] = (a, b) => {
        for (const f of fns) f(a, b);
      };
    else
      out[name] = (a) => {
        for (const f of fns) f(a);
      };
  }
  return out as GatewayObserver;
}

export class ObserverSet {
  private readonly list: GatewayObserver[] = [];
  /** All subscribers as one observer; read it for every event. */
  current: GatewayObserver = {};

  /** Subscribe; returns the unsubscribe function (calling it twice is harmless). */
  add(observer: GatewayObserver): () => void {
    this.list.push(observer);
    this.current = combineObservers(...this.list);
    return () => {
      const i = this.list.indexOf(observer);
      if (i < 0) return;
      this.list.splice(i, 1);
      this.current = combineObservers(...this.list);
    };
  }

  get size(): number {
    return this.list.length;
  }
}
