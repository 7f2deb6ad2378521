/**
 * Expectations over a recorded run, each phrased as the claim it checks. A check says how many
 * operations it judged and, when the claim fails, what was seen instead, so a failing scenario
 * explains itself; a claim judged on no operation at all fails (see Verdict).
 */
import type { Expectation, Verdict } from './types.ts';
import { agreementAllowance, describeAllowance, modeledDurations, modeledPath } from './modeled.ts';
import { median, seconds, type RunView } from './view.ts';

/** A verdict: `judged` operations, and `true` or what was seen instead. */
export const judged = (n: number, holds: true | string): Verdict => ({ judged: n, holds });

const claim = (text: string, check: (run: RunView) => Verdict): Expectation => ({ claim: text, check });
const symbolsOf = (specs: ReadonlyArray<{ symbol: string }>) => specs.map((s) => s.symbol);
/** The run's qualify and history operations: what most claims are about. */
export const operationsOf = (run: RunView): number => run.ops('qualify').length + run.ops('history').length;
/** Connection attempts (first connects and reconnects), whatever their outcome. */
export const connectAttemptsOf = (run: RunView): number => run.ops('connect').length + run.ops('reconnect').length;
/** Frames the gateway received from clients (its journal; empty against a live gateway). */
const framesIn = (run: RunView): number => run.record.journal.filter((e) => e.dir === 'in').length;

export const expectThat = {
  noClientIdClash: () =>
    claim('no client id is ever refused with 326', (run) => {
      const n = run.gatewayErrors(326).length + run.ibErrors(326).length;
      return judged(connectAttemptsOf(run), n === 0 || `${run.gatewayErrors(326).length} error 326 sent by the gateway`);
    }),

  /**
   * At least `atLeast` connections refused with 326; with `ofProcess`, connections of that process
   * (the scenario's story says who is refused: another process refused instead fails the claim).
   */
  clientIdClash: (atLeast = 1, ofProcess?: string) =>
    claim(`a connection${ofProcess ? ` of ${ofProcess}` : ''} is refused with 326 (at least ${atLeast})`, (run) => {
      const refused = run.ibErrors(326);
      const n = refused.filter((e) => ofProcess === undefined || e.process === ofProcess).length;
      const who = ofProcess === undefined ? '' : ` of ${ofProcess} (refused: ${[...new Set(refused.map((e) => e.actor))].join(', ') || 'none'})`;
      return judged(connectAttemptsOf(run), n >= atLeast || `${n} connection(s)${who} failed with 326`);
    }),

  /** The gateway held these symbols' requests at least this long (the queue, not the client, is slow). */
  gatewayWaitAtLeast: (specs: ReadonlyArray<{ symbol: string }>, ms: number) =>
    claim(`${symbolsOf(specs).join('/')} qualification waits at the gateway reach ${seconds(ms)}`, (run) => {
      const waits = run.gatewayQualifyTimes(symbolsOf(specs));
      const max = Math.max(0, ...waits);
      return judged(waits.length, max >= ms || `longest wait ${seconds(max)} over ${waits.length} requests`);
    }),

  /**
   * Every successful qualification of these symbols took at most `ms`: as the client saw it in
   * virtual time or against a live gateway; over TCP to a simulator on the gateway's modeled time,
   * with the client's own time agreeing within one step's allowance plus the host lateness measured
   * while it ran (scenarios/modeled.ts `agreementAllowance`).
   */
  qualifiedWithin: (specs: ReadonlyArray<{ symbol: string }>, ms: number) =>
    claim(`${symbolsOf(specs).join('/')} qualify within ${seconds(ms)}`, (run) => {
      const ok = run.qualified(symbolsOf(specs));
      if (ok.length === 0) return judged(0, 'nothing was qualified');
      const times = ok.map((c) => c.ms!);
      const modeled = modeledDurations(run);
      if (typeof modeled === 'string') return judged(ok.length, `cannot judge on the gateway's modeled times: ${modeled}`);
      if (modeled === undefined) {
        const max = Math.max(...times);
        return judged(ok.length, max <= ms || `slowest ${seconds(max)} (median ${seconds(median(times))})`);
      }
      for (const c of ok) {
        const m = modeled.get(c.invoke.opId)!;
        if (m > ms) return judged(ok.length, `${c.invoke.actor}: ${seconds(m)} at the gateway (modeled)`);
        const allowance = agreementAllowance(run.record, 1, { from: c.invoke.at, to: c.end!.at });
        if (c.ms! < m || c.ms! > m + allowance.ms)
          return judged(
            ok.length,
            `${c.invoke.actor}: the client saw ${seconds(c.ms!)}, the gateway modeled ${seconds(m)} (${describeAllowance(allowance, run.record)})`,
          );
      }
      return judged(ok.length, true);
    }),

  everyQualificationSucceeded: (specs: ReadonlyArray<{ symbol: string }>) =>
    claim(`every qualification of ${symbolsOf(specs).join('/')} succeeds`, (run) => {
      const asked = run.qualifications().filter((c) => symbolsOf(specs).includes(String(c.invoke.args?.symbol)));
      const bad = asked.filter((c) => c.end?.type !== 'ok' || (c.end.value as { kind?: string }).kind !== 'qualified');
      return judged(
        asked.length,
        bad.length === 0 ||
          `${bad.length} did not: ${bad
            .slice(0, 3)
            .map((c) => `${c.invoke.actor} ${c.invoke.args?.symbol} → ${c.end?.type ?? 'never finished'} ${c.end?.error?.code ?? ''}`)
            .join('; ')}`,
      );
    }),

  timeoutAtEveryLevel: (specs: ReadonlyArray<{ symbol: string }>, levelsMs: readonly number[]) =>
    claim(`${symbolsOf(specs).join('/')} time out at every level (${levelsMs.map((l) => l / 1000).join('/')} s)`, (run) => {
      const attempts = run.ops('qualify-attempt', (e) => symbolsOf(specs).includes(String(e.args?.symbol))).length;
      for (const s of symbolsOf(specs)) {
        const seen = new Set(run.attemptTimeouts(s));
        const missing = levelsMs.filter((l) => !seen.has(l));
        if (missing.length) return judged(attempts, `${s}: no timeout at ${missing.map((l) => `${l / 1000} s`).join(', ')}`);
      }
      return judged(attempts, true);
    }),

  noTimeouts: () =>
    claim('no request times out', (run) => {
      const n = run.history.filter((e) => e.type === 'info' && e.error?.code === 'REQUEST_TIMEOUT').length;
      return judged(operationsOf(run), n === 0 || `${n} timeout(s)`);
    }),

  /**
   * The run's makespan: as the clients saw it in virtual time or against a live gateway; over TCP to
   * a simulator on the gateway's modeled path (each actor's planned start plus the modeled durations
   * of its operations, the longest actor), with the clients' own makespan agreeing within that
   * actor's allowance: a floor per sequential step plus the host lateness measured during the run
   * (scenarios/modeled.ts `agreementAllowance`).
   */
  makespanBetween: (minMs: number, maxMs: number) =>
    claim(`the whole run takes ${seconds(minMs)}–${seconds(maxMs)}`, (run) => {
      const modeled = modeledDurations(run);
      if (typeof modeled === 'string') return judged(operationsOf(run), `cannot judge on the gateway's modeled times: ${modeled}`);
      if (modeled === undefined) return judged(operationsOf(run), (run.modelMs >= minMs && run.modelMs <= maxMs) || `took ${seconds(run.modelMs)}`);
      const actors = [...new Set(run.history.filter((e) => e.process !== undefined).map((e) => e.actor))];
      const paths = actors.map((a) => modeledPath(run, modeled, a));
      const path = Math.max(...paths.map((p) => p.ms));
      if (path < minMs || path > maxMs)
        return judged(operationsOf(run), `took ${seconds(path)} on the gateway's modeled path (the clients saw ${seconds(run.modelMs)})`);
      // The actor whose path plus allowance reaches furthest bounds what the clients may have seen.
      const bounds = paths.map((p) => ({ p, allowance: agreementAllowance(run.record, p.steps) }));
      const widest = bounds.reduce((a, b) => (b.p.ms + b.allowance.ms > a.p.ms + a.allowance.ms ? b : a));
      return judged(
        operationsOf(run),
        (run.modelMs >= path && run.modelMs <= widest.p.ms + widest.allowance.ms) ||
          `the clients saw ${seconds(run.modelMs)}, the gateway's modeled path ${seconds(path)} (at most ${seconds(widest.p.ms + widest.allowance.ms)}: ${describeAllowance(widest.allowance, run.record)})`,
      );
    }),

  fewerConnectionsThanBaseline: () =>
    claim('opens fewer connections than the baseline', (run) => {
      const b = run.baseline;
      if (!b) return judged(0, 'no baseline run');
      return judged(
        connectAttemptsOf(run),
        run.record.connectionsOpened < b.record.connectionsOpened || `${run.record.connectionsOpened} vs ${b.record.connectionsOpened}`,
      );
    }),

  shorterThanBaseline: () =>
    claim('finishes sooner than the baseline', (run) => {
      const b = run.baseline;
      if (!b) return judged(0, 'no baseline run');
      return judged(operationsOf(run), run.modelMs < b.modelMs || `${seconds(run.modelMs)} vs ${seconds(b.modelMs)}`);
    }),

  atMostOneConnectionPerProcess: () =>
    claim('each process holds at most one gateway connection at a time', (run) => {
      const open = new Map<string, number>();
      let connects = 0;
      for (const e of run.history) {
        const p = e.process ?? '?';
        if ((e.op === 'connect' || e.op === 'reconnect') && e.type === 'ok') {
          connects++;
          open.set(p, (open.get(p) ?? 0) + 1);
        }
        if ((e.op === 'disconnect' && e.type === 'ok') || (e.op === 'connection-lost' && e.type === 'info')) open.set(p, (open.get(p) ?? 1) - 1);
        if ((open.get(p) ?? 0) > 1) return judged(connects, `${p} held ${open.get(p)} connections at ${seconds(e.at - run.history[0]!.at)}`);
      }
      return judged(connects, true);
    }),

  gatewayErrorsAtLeast: (code: number, atLeast: number, what: string) =>
    claim(`the gateway answers with error ${code} (${what})`, (run) => {
      const n = run.gatewayErrors(code).length;
      return judged(framesIn(run), n >= atLeast || `${n} error ${code}`);
    }),

  noGatewayError: (code: number, what: string) =>
    claim(`no error ${code} (${what})`, (run) => {
      const n = run.gatewayErrors(code).length;
      return judged(framesIn(run), n === 0 || `${n} error ${code}`);
    }),

  allOperationsFinished: () =>
    claim('every qualification and history request ends (ok or a typed error)', (run) => {
      const open = run.unfinished();
      return judged(
        operationsOf(run),
        open.length === 0 ||
          `${open.length} never finished: ${open
            .slice(0, 3)
            .map((e) => `${e.actor} ${e.op} ${e.args?.symbol ?? ''}`)
            .join('; ')}`,
      );
    }),

  barsStored: (specs: ReadonlyArray<{ symbol: string }>) =>
    claim(`bars are stored for ${symbolsOf(specs).join('/')}`, (run) => {
      const asked = run.ops('history', (e) => symbolsOf(specs).includes(String(e.args?.symbol)));
      for (const s of symbolsOf(specs)) {
        const ok = asked.some((c) => c.invoke.args?.symbol === s && c.end?.type === 'ok' && Number((c.end.value as { stored?: number }).stored) > 0);
        if (!ok) return judged(asked.length, `no bars stored for ${s}`);
      }
      return judged(asked.length, true);
    }),

  custom: claim,
};
