/**
 * The live-target guard: the one check every command that can reach a real gateway goes through
 * (`scenario --target live`, `collect`, `serve`, `bench --target live`). It reads the accounts the
 * gateway reported at login (MANAGED_ACCTS, before any request can be sent) and refuses:
 *  - a gateway managing any account that is not a paper account (`DU` + digits, exactly:
 *    docs/wire-facts/accounts.md#paper-account-ids), unless the user passed `--i-know-this-is-live`;
 *  - even then, an abusive workload (bursts past the message rate, pacing violations, storms of
 *    abandoned requests): those never run against a live account.
 * A refusal is a LiveGatewayRefused (exit 2), raised before anything but the handshake was sent.
 */
import { isPaperAccount } from '../common/ib/accounts.ts';
import { ClientIdInUse, LiveGatewayRefused } from './errors.ts';
import type { ConnectOptions, GatewayConnection, GatewayConnector } from './gateway-client.ts';
import type { StrategyName } from './strategies/index.ts';

/** The flag that lets a command talk to a gateway that manages live (non-paper) accounts. */
export const LIVE_FLAG = '--i-know-this-is-live';

/** LIVE_FLAG's help text, the same in every command. */
export const LIVE_FLAG_HELP = 'allow a gateway whose accounts are not paper accounts (DU + digits); abusive workloads stay refused';

export interface LivePolicy {
  /** The user passed LIVE_FLAG: accounts that are not paper accounts are allowed. */
  allowLive: boolean;
  /** Why the workload is abusive, if it is: refused on a live account even with `allowLive`. */
  abusive?: string | undefined;
  /** What would run, for the message: `scenario message-rate-100`, `collect`. */
  what?: string;
}

/**
 * Strategies whose normal behaviour is abusive on a real account. The timeout wrapper abandons
 * qualifications and sends them again, over and over: the storm of the incident.
 */
export const ABUSIVE_STRATEGIES: Partial<Record<StrategyName, string>> = {
  'timeout-wrapper': 'it abandons qualifications and re-sends them (a storm of abandoned requests)',
};

/** Throws LiveGatewayRefused unless `policy` allows a gateway at `address` managing `accounts`. */
export function checkAccounts(address: string, accounts: readonly string[], policy: LivePolicy): void {
  const live = accounts.filter((a) => !isPaperAccount(a));
  if (accounts.length > 0 && live.length === 0) return;
  const what = policy.what ?? 'this command';
  const seen = accounts.length ? `it manages ${accounts.join(', ')}` : 'it reported no managed account';
  const notPaper = live.length ? `, and ${live.join(', ')} ${live.length > 1 ? 'are not paper accounts' : 'is not a paper account'}` : '';
  const rule = '(paper account ids are DU followed by digits: docs/wire-facts/accounts.md#paper-account-ids)';
  if (!policy.allowLive)
    throw new LiveGatewayRefused(address, accounts, `${seen}${notPaper} ${rule}. Nothing was sent. To run ${what} against it anyway, add ${LIVE_FLAG}.`);
  if (policy.abusive)
    throw new LiveGatewayRefused(
      address,
      accounts,
      `${seen}${notPaper}, and ${what} is abusive: ${policy.abusive}. Abusive workloads never run against a live account, ${LIVE_FLAG} or not. Nothing was sent.`,
    );
}

/**
 * A connector whose connections are handed out only after `checkAccounts` passed: a refused
 * connection is closed before its owner could send a request.
 */
export function guardConnector(inner: GatewayConnector, policy: LivePolicy): GatewayConnector {
  return {
    get address() {
      return inner.address;
    },
    async connect(opts: ConnectOptions): Promise<GatewayConnection> {
      const conn = await inner.connect(opts);
      try {
        checkAccounts(inner.address, conn.managedAccounts, policy);
      } catch (err) {
        conn.close();
        throw err;
      }
      return conn;
    },
  };
}

/** Client ids the probe tries in turn (one in use by someone else earns a 326; the next is tried). */
export const PROBE_CLIENT_IDS: readonly number[] = [990, 991, 992];

/**
 * Connect once, read the managed accounts, close cleanly: how a command learns, before it starts
 * its work, that the gateway is there (GatewayUnreachable / HandshakeTimeout otherwise) and what
 * it manages. Through a `guardConnector`, a refusal comes out as LiveGatewayRefused.
 */
export async function probeGateway(connector: GatewayConnector, o: { timeoutMs: number; signal?: AbortSignal }): Promise<readonly string[]> {
  for (const [i, clientId] of PROBE_CLIENT_IDS.entries()) {
    try {
      const conn = await connector.connect({ clientId, timeoutMs: o.timeoutMs, ...(o.signal ? { signal: o.signal } : {}) });
      conn.close();
      return conn.managedAccounts;
    } catch (err) {
      if (!(err instanceof ClientIdInUse) || i === PROBE_CLIENT_IDS.length - 1) throw err;
    }
  }
  throw new Error('unreachable');
}
