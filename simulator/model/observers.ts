/**
 * The observers subscribed to one gateway. Events fire on every frame, so the subscribers are
 * folded into one observer object whenever the set changes, and the hot path makes one call per
 * event instead of walking a list.
 */
import type { GatewayObserver } from './ports.ts';

const OBSERVER_METHODS = ['sessionOpened', 'sessionClosed', 'errorSent', 'secdefServed', 'historyServed', 'messageIn', 'messageOut'] as const;

/** One observer that forwards every event to each of `observers`, in order. */
export function combineObservers(...observers: GatewayObserver[]): GatewayObserver {
  const out: Record<string, (...args: unknown[]) => void> = {};
  for (const name of OBSERVER_METHODS) {
    const subscribed = observers.filter((o) => o[name]);
    if (subscribed.length === 0) continue;
    if (subscribed.length === 1) {
      const only = subscribed[0]!;
      out[name] = (...args: unknown[]) => (only[name] as (...a: unknown[]) => void).apply(only, args);
      continue;
    }
    out[name] = (...args: unknown[]) => {
      for (const o of subscribed) (o[name] as (...a: unknown[]) => void).apply(o, args);
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
