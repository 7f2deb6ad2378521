/**
 * Connecting an unmodified @stoqey/ib IBApi to a simulator in a test: resolves once NEXT_VALID_ID
 * arrived (the point from which stoqey sends requests), rejects after 5 s of wall time.
 */
import { EventName, IBApi } from '@stoqey/ib';

/** Connect with `clientId` to 127.0.0.1:`port`; the api is pushed to `opened` (for the test's cleanup) before it connects. */
export function connectIbApi(port: number, clientId: number, opened: Array<{ disconnect(): unknown }>): Promise<IBApi> {
  const api = new IBApi({ host: '127.0.0.1', port });
  opened.push(api);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`client ${clientId}: no nextValidId within 5 s`)), 5000);
    api.once(EventName.nextValidId, () => {
      clearTimeout(t);
      resolve(api);
    });
    api.connect(clientId);
  });
}
