/**
 * The live-target guard on the gateway model in virtual time: which accounts pass, what the
 * refusals say, and that a refused connection is closed before anything but the login was sent.
 */
import { describe, expect, it } from 'vitest';
import { ClientIdInUse, LiveGatewayRefused } from './errors.ts';
import { checkAccounts, guardConnector, PROBE_CLIENT_IDS, probeGateway } from './live-guard.ts';
import { drive, received, virtualEnv } from './testing/env.ts';

const refusal = (f: () => void) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(LiveGatewayRefused);
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('checkAccounts', () => {
  it('passes paper accounts only, exactly', () => {
    expect(() => checkAccounts('gw:4002', ['DU1234567', 'DU7654321'], { allowLive: false })).not.toThrow();
    expect(refusal(() => checkAccounts('gw:4002', ['DUX-NOT-PAPER'], { allowLive: false }))).toBe(
      'refusing gateway gw:4002: it manages DUX-NOT-PAPER, and DUX-NOT-PAPER is not a paper account (paper account ids are DU followed by digits: docs/wire-facts/accounts.md#paper-account-ids). Nothing was sent. To run this command against it anyway, add --i-know-this-is-live.',
    );
    expect(refusal(() => checkAccounts('gw:4002', ['DU1', 'U1234567'], { allowLive: false, what: 'collect' }))).toMatch(
      /it manages DU1, U1234567, and U1234567 is not a paper account .* To run collect against it anyway/,
    );
    expect(refusal(() => checkAccounts('gw:4002', [], { allowLive: false }))).toMatch(/it reported no managed account/);
  });

  it('--i-know-this-is-live lets a live account through, but never an abusive workload', () => {
    expect(() => checkAccounts('gw:4002', ['U1234567'], { allowLive: true })).not.toThrow();
    expect(refusal(() => checkAccounts('gw:4002', ['U1234567'], { allowLive: true, abusive: 'a burst past 50 msg/s', what: 'scenario x' }))).toBe(
      'refusing gateway gw:4002: it manages U1234567, and U1234567 is not a paper account, and scenario x is abusive: a burst past 50 msg/s. Abusive workloads never run against a live account, --i-know-this-is-live or not. Nothing was sent.',
    );
    // On a paper account an abusive scenario may run: that is what paper accounts are for.
    expect(() => checkAccounts('gw:4002', ['DU1'], { allowLive: false, abusive: 'a burst past 50 msg/s' })).not.toThrow();
  });
});

describe('guardConnector and probeGateway', () => {
  it('closes a refused connection before its owner could send anything', async () => {
    const env = virtualEnv({ overrides: { accounts: ['U1234567'] } });
    const guarded = guardConnector(env.connector, { allowLive: false });
    const err = await drive(env.clock, guarded.connect({ clientId: 5, timeoutMs: 5_000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LiveGatewayRefused);
    expect((err as LiveGatewayRefused).accounts).toEqual(['U1234567']);
    expect(env.gateway.findSessions({})).toEqual([]);
    expect(received(env.gateway, 'START_API')).toHaveLength(1);
    expect(env.gateway.journal.query({ dir: 'in' }).filter((e) => e.message.type !== 'START_API')).toEqual([]);
  });

  it('the probe returns the accounts and leaves no session; an id in use is skipped for the next', async () => {
    const env = virtualEnv();
    const holder = await drive(env.clock, env.connector.connect({ clientId: PROBE_CLIENT_IDS[0]!, timeoutMs: 5_000 }));
    const accounts = await drive(env.clock, probeGateway(guardConnector(env.connector, { allowLive: false }), { timeoutMs: 5_000 }));
    expect(accounts).toEqual(['DU0118471']);
    expect(received(env.gateway, 'START_API').map((e) => e.message.clientId)).toEqual([PROBE_CLIENT_IDS[0], PROBE_CLIENT_IDS[0], PROBE_CLIENT_IDS[1]]);
    await drive(env.clock, Promise.resolve());
    expect(env.gateway.findSessions({}).map((s) => s.clientId)).toEqual([PROBE_CLIENT_IDS[0]]);
    holder.close();
    expect(ClientIdInUse).toBeDefined();
  });
});
