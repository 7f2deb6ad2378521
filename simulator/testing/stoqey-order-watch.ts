/**
 * Order tests with an unmodified @stoqey/ib IBApi: connect and record every order-related push
 * (orderStatus, openOrder, execDetails, commissionReport, error) so a test can wait for and assert
 * on what the client saw. Waits are in wall ms; tests assert in model time where it matters.
 */
import { EventName, IBApi, type CommissionReport, type Execution, type Order, type OrderState } from '@stoqey/ib';

/** What one client heard, in arrival order. */
export interface SeenOrders {
  statuses: Array<{ orderId: number; status: string; filled: number; remaining: number; avgFillPrice: number }>;
  opens: Array<{ orderId: number; order: Order; state: OrderState }>;
  execs: Execution[];
  commissions: CommissionReport[];
  errors: Array<{ id: number; code: number }>;
}

/**
 * Connect with `clientId` to 127.0.0.1:`port` and record its pushes. The api is pushed to
 * `opened` (for the test's cleanup) before it connects. Rejects when no nextValidId comes within
 * 5 s of wall time; `firstId` is that id.
 */
export async function connectWatching(
  port: number,
  clientId: number,
  opened: Array<{ disconnect(): unknown }>,
): Promise<{ api: IBApi; firstId: number; seen: SeenOrders }> {
  const a = new IBApi({ host: '127.0.0.1', port });
  opened.push(a);
  const seen: SeenOrders = { statuses: [], opens: [], execs: [], commissions: [], errors: [] };
  a.on(EventName.orderStatus, (orderId, status, filled, remaining, avgFillPrice) => seen.statuses.push({ orderId, status, filled, remaining, avgFillPrice }));
  a.on(EventName.openOrder, (orderId, _c, order, state) => seen.opens.push({ orderId, order, state }));
  a.on(EventName.execDetails, (_r, _c, e) => seen.execs.push(e));
  a.on(EventName.commissionReport, (r) => seen.commissions.push(r));
  a.on(EventName.error, (_e, code, id) => seen.errors.push({ id, code }));
  const firstId = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`client ${clientId}: no nextValidId within 5 s`)), 5000);
    a.once(EventName.nextValidId, (id) => {
      clearTimeout(t);
      resolve(id);
    });
    a.connect(clientId);
  });
  return { api: a, firstId, seen };
}

/** Poll `pred` every 10 wall ms; throws naming `what` after `ms` wall ms. */
export async function until(what: string, pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The last status `seen` reported for `orderId`, or undefined. */
export function lastStatus(seen: SeenOrders, orderId: number): string | undefined {
  return seen.statuses.filter((s) => s.orderId === orderId).at(-1)?.status;
}
