/**
 * Model-based test of sessions and client ids at the gateway, driven only through the virtual-time
 * harness (TestClient and its control methods), so it checks behaviour, not the model's insides.
 * The reference model and its rules (326, 502, grace periods, logins, restarts, with their sources)
 * are in ../testing/session-model.ts.
 *
 * Commands: connect (with supported and unsupported version ranges), START_API on a waiting
 * connection, login (connect + START_API), a second START_API, clean and unclean close, drop,
 * restart, a crowd of fresh ids (the client cap), time steps and steps to just before / at / after
 * the next deadline. After every command the gateway
 * must agree with the model on each connection (open or closed and when, session state and id, ready
 * when, errors received) and on the live and held ids. That includes what the hand-rolled test
 * checked before: never two live sessions with one id, live ids = ids of sessions logging in or
 * ready, 326 exactly when the id is taken, a held id is never live, sessions closed at the gateway
 * are closed for their clients and vice versa.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { always, checkedBy, timeCommands } from '../../common/testing/model-commands.ts';
import { commandsConstraints, propertyParams } from '../../common/testing/property-params.ts';
import { harness } from '../testing/model-harness.ts';
import {
  agree,
  DEFAULT_VERSIONS,
  HANDSHAKE_TIMEOUT_MS,
  label,
  LOGIN_MS,
  PER_OTHER_MS,
  Reference,
  type Conn,
  type Model,
  type Real,
  type Setup,
  type VersionRange,
} from '../testing/session-model.ts';

const FILE = 'simulator/model/client-ids.property.test.ts';

// ---- commands ----------------------------------------------------------------------------------

const cmd = checkedBy(agree);

/** The n-th (mod count) connection in one of `states`, so most generated commands find a target. */
function pick(m: Model, n: number, ...states: Array<Conn['state']>): number | undefined {
  const idx = m.conns.flatMap((c, i) => (states.includes(c.state) ? [i] : []));
  return idx.length === 0 ? undefined : idx[n % idx.length];
}

/** A client id, or "the k-th id now in its grace period" (so reconnects at the boundary are tried often). */
type IdChoice = { id: number } | { held: number };
function resolveId(m: Model, choice: IdChoice): number | undefined {
  if ('id' in choice) return choice.id;
  const held = Reference.heldIds(m);
  return held.length === 0 ? undefined : held[choice.held % held.length]![0];
}
const showId = (c: IdChoice) => ('id' in c ? `id ${c.id}` : `held id #${c.held}`);

/** A new connection that sends START_API with `id` at once (unless refused during a restart). */
function connectAndStart(m: Model, r: Real, id: number): void {
  const conn = Reference.connect(m);
  const c = r.h.connect({ remote: label(r.clients.length) });
  r.clients.push(c);
  if (conn.state === 'closed') return;
  Reference.startApi(m, conn, id);
  c.startApi(id);
}

async function passTime(m: Model, r: Real, ms: number): Promise<void> {
  Reference.passTime(m, ms);
  await r.h.advance(ms);
}

const n = fc.nat({ max: 20 });
const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  fc.integer({ min: 1, max: 3 }).map((id) => ({ id })),
  fc.nat({ max: 3 }).map((held) => ({ held })),
);
const commands = fc.commands<Model, Real, false>(
  [
    fc.constantFrom<VersionRange>(DEFAULT_VERSIONS, DEFAULT_VERSIONS, [157, 178], [100, 200], [100, 150], [179, 200], [90, 99], [150, 140]).map((v) =>
      cmd(`connect(v${v[0]}..${v[1]})`, always, (m, r) => {
        Reference.connect(m, v);
        r.clients.push(r.h.connect({ remote: label(r.clients.length), minVersion: v[0], maxVersion: v[1] }));
      }),
    ),
    fc.tuple(n, idChoice).map(([k, c]) =>
      cmd(
        `startApi(awaiting #${k}, ${showId(c)})`,
        (m) => pick(m, k, 'awaiting') !== undefined && resolveId(m, c) !== undefined,
        (m, r) => {
          const i = pick(m, k, 'awaiting')!;
          const id = resolveId(m, c)!;
          Reference.startApi(m, m.conns[i]!, id);
          r.clients[i]!.startApi(id);
        },
      ),
    ),
    idChoice.map((c) =>
      cmd(
        `login(${showId(c)})`,
        (m) => resolveId(m, c) !== undefined,
        (m, r) => connectAndStart(m, r, resolveId(m, c)!),
      ),
    ),
    // A second START_API on a session that already has an id: ignored.
    fc.tuple(n, fc.integer({ min: 1, max: 3 })).map(([k, id]) =>
      cmd(
        `startAgain(api #${k}, id ${id})`,
        (m) => pick(m, k, 'api') !== undefined,
        (m, r) => r.clients[pick(m, k, 'api')!]!.startApi(id),
      ),
    ),
    // The client closes its socket: cleanly (FIN) or not (reset).
    fc.tuple(n, fc.boolean()).map(([k, clean]) =>
      cmd(
        `close(open #${k}, ${clean ? 'clean' : 'reset'})`,
        (m) => pick(m, k, 'awaiting', 'api') !== undefined,
        (m, r) => {
          const i = pick(m, k, 'awaiting', 'api')!;
          Reference.close(m, m.conns[i]!, clean ? m.setup.idGraceCleanMs : m.setup.idGraceMs);
          r.clients[i]!.conn.close(clean);
        },
      ),
    ),
    // The network drops the connection (control plane `POST /faults/drop`).
    n.map((k) =>
      cmd(
        `drop(open #${k})`,
        (m) => pick(m, k, 'awaiting', 'api') !== undefined,
        (m, r) => {
          const i = pick(m, k, 'awaiting', 'api')!;
          Reference.close(m, m.conns[i]!, m.setup.idGraceMs);
          r.h.drop(r.clients[i]!);
        },
      ),
    ),
    fc.constant(
      cmd('restart', always, (m, r) => {
        Reference.restart(m);
        r.h.restart();
      }),
    ),
    // Many clients with fresh ids at once: reaches the client cap.
    fc.integer({ min: 4, max: 12 }).map((k) =>
      cmd(`crowd(${k})`, always, (m, r) => {
        for (let j = 0; j < k; j++) connectAndStart(m, r, m.nextCrowdId++);
      }),
    ),
    ...timeCommands(cmd, [0, 1, 50, 299, 300, 1_000, 2_000, 4_999, 5_000, 19_999, 20_000, 29_999, 30_000, 31_000], passTime, {
      name: 'NextDeadline',
      next: Reference.nextDeadline,
    }),
  ],
  commandsConstraints(50),
);

const setupArb: fc.Arbitrary<Setup> = fc.record({
  maxClients: fc.constantFrom(2, 3, 32),
  idGraceMs: fc.constantFrom(30_000, 5_000, 0),
  idGraceCleanMs: fc.constantFrom(0, 2_000),
  restartDowntimeMs: fc.constantFrom(5_000, 0),
});

describe('sessions and client ids (model-based)', () => {
  it('326, 502, held ids, logins, closes and restarts happen exactly as the reference model says', async () => {
    await fc.assert(
      fc.asyncProperty(setupArb, commands, async (setup, cmds) => {
        const connections = {
          ...setup,
          handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
          loginLatency: { median: LOGIN_MS, sigma: 0 },
          loginPerOtherClientMs: PER_OTHER_MS,
        };
        const h = harness({ profile: 'ibkr-paper', overrides: { connections } });
        const model: Model = { setup, now: h.clock.now(), conns: [], held: new Map(), downUntil: -Infinity, nextCrowdId: 100 };
        await fc.asyncModelRun(() => ({ model, real: { h, clients: [] } }), cmds);
      }),
      propertyParams(FILE, 150),
    );
  });
});
