/**
 * Re-records the committed capture fixture `docs/captures/stoqey-aapl-history.jsonl`: the real
 * @stoqey/ib connects through the recording proxy to an in-process simulator (profile instant,
 * seed 7), qualifies AAPL and asks for one day of hourly bars. Run it when the simulator's answers
 * change on purpose (tools/diff/diff.test.ts then reports the differences):
 *
 *   npx tsx tools/testing/record-fixture.ts
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordStoqeySession } from './captures.ts';

export const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/captures/stoqey-aapl-history.jsonl');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await recordStoqeySession(FIXTURE);
  console.log(`wrote ${FIXTURE}`);
}
