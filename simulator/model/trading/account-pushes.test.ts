/**
 * reqAccountUpdates between fills, in virtual time (docs/wire-facts/accounts.md#periodic-account-pushes):
 * every 3 model minutes a subscriber hears the account values and portfolio lines that changed since
 * it last heard them, with the update time; nothing when nothing changed; nothing after it unsubscribed.
 */
import { describe, expect, it } from 'vitest';
import { placeOrderRequest } from '../../protocol/requests.ts';
import { harness } from '../../testing/model-harness.ts';
import { IN_RTH } from '../../orders/testing/book.ts';
import { ACCOUNT_PUSH_INTERVAL_MS } from './periodic-push.ts';

const paperHarness = () => harness({ profile: 'instant', start: IN_RTH });

describe('periodic account pushes', () => {
  it('with a position, each 3-minute beat pushes the changed values and the repriced portfolio line, then the time', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(placeOrderRequest(1));
    await h.advance(2_000);
    c.send({ type: 'REQ_ACCOUNT_DATA', subscribe: true, acctCode: '' });
    await h.advance(0);
    const first = c.of('PORTFOLIO_VALUE').map((m) => m.msg);
    expect(first).toHaveLength(1);
    c.clear();

    await h.advance(2 * ACCOUNT_PUSH_INTERVAL_MS);
    const beats = [...new Set(c.messages.map((m) => m.at))];
    expect(beats).toHaveLength(2);
    for (const at of beats) expect(at % ACCOUNT_PUSH_INTERVAL_MS).toBe(0);
    const lines = c.of('PORTFOLIO_VALUE').map((m) => m.msg);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.marketPrice).not.toBe(first[0]!.marketPrice); // the price path moved
    expect(lines.map((l) => l.position)).toEqual([100, 100]);
    // Only what changed: the cash did not, NetLiquidation did.
    const keys = c.of('ACCT_VALUE').map((m) => m.msg.key);
    expect(keys).toContain('NetLiquidation');
    expect(keys).not.toContain('TotalCashValue');
    expect(c.of('ACCT_UPDATE_TIME')).toHaveLength(2);
    for (const at of beats) expect(c.messages.filter((m) => m.at === at).at(-1)!.msg.type).toBe('ACCT_UPDATE_TIME');

    c.clear();
    c.send({ type: 'REQ_ACCOUNT_DATA', subscribe: false, acctCode: '' });
    await h.advance(3 * ACCOUNT_PUSH_INTERVAL_MS);
    expect(c.messages).toEqual([]);
  });

  it('without positions nothing changes, so the beat sends nothing', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send({ type: 'REQ_ACCOUNT_DATA', subscribe: true, acctCode: '' });
    await h.advance(0);
    expect(c.of('ACCT_DOWNLOAD_END')).toHaveLength(1);
    c.clear();
    await h.advance(3 * ACCOUNT_PUSH_INTERVAL_MS);
    expect(c.messages).toEqual([]);
  });
});
