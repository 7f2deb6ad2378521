/**
 * Which client ids are in use at the gateway. An id is `live` while a session holds it and `held`
 * for a grace period after its session vanished without a clean close: a real gateway keeps the
 * old session around until it notices the socket is dead, so a fast reconnect gets 326.
 */
export type ClientIdState = { state: 'free' } | { state: 'live'; sessionId: number } | { state: 'held'; until: number };

export class ClientIdRegistry {
  private readonly live = new Map<number, number>();
  private readonly held = new Map<number, number>();

  status(clientId: number, now: number): ClientIdState {
    const sessionId = this.live.get(clientId);
    if (sessionId !== undefined) return { state: 'live', sessionId };
    const until = this.held.get(clientId);
    if (until !== undefined) {
      if (until > now) return { state: 'held', until };
      this.held.delete(clientId);
    }
    return { state: 'free' };
  }

  claim(clientId: number, sessionId: number): void {
    this.held.delete(clientId);
    this.live.set(clientId, sessionId);
  }

  /** Release an id; with `holdUntil` in the future it stays unavailable until then. */
  release(clientId: number, sessionId: number, holdUntil: number, now: number): void {
    if (this.live.get(clientId) !== sessionId) return;
    this.live.delete(clientId);
    if (holdUntil > now) this.held.set(clientId, holdUntil);
  }

  /** Ids currently live or held, for the control plane and leak checks. */
  snapshot(now: number): { live: number[]; held: Array<{ clientId: number; until: number }> } {
    for (const [id, until] of this.held) if (until <= now) this.held.delete(id);
    return {
      live: [...this.live.keys()].sort((a, b) => a - b),
      held: [...this.held].map(([clientId, until]) => ({ clientId, until })),
    };
  }

  get liveCount(): number {
    return this.live.size;
  }

  clear(): void {
    this.live.clear();
    this.held.clear();
  }
}
