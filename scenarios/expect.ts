/**
 * Expectations over a recorded run, each phrased as the claim it checks. A failed check returns
 * what was seen instead, so a failing scenario explains itself.
 */
import type { Expectation } from './types.ts';
import { median, seconds, type RunView } from './view.ts';

const claim = (text: string, check: (run: RunView) => true | string): Expectation => ({ claim: text, check });
const symbolsOf = (specs: ReadonlyArray<{ symbol: string }>) => specs.map((s) => s.symbol);

export const expectThat = {
  noClientIdClash: () =>
    claim('no client id is ever refused with 326', (run) => {
      const n = run.gatewayErrors(326).length + run.ibErrors(326).length;
      return n === 0 || `${run.gatewayErrors(326).length} error 326 sent by the gateway`;
    }),

  clientIdClash: (atLeast = 1) =>
    claim(`a connection is refused with 326 (at least ${atLeast})`, (run) => {
      const n = run.ibErrors(326).length;
      return n >= atLeast || `${n} connection(s) failed with 326`;
    }),

  /** The gateway held these symbols' requests at least this long (the queue, not the client, is slow). */
  gatewayWaitAtLeast: (specs: ReadonlyArray<{ symbol: string }>, ms: number) =>
    claim(`${symbolsOf(specs).join('/')} qualification waits at the gateway reach ${seconds(ms)}`, (run) => {
      const waits = run.gatewayQualifyTimes(symbolsOf(specs));
      const max = Math.max(0, ...waits);
      return max >= ms || `longest wait ${seconds(max)} over ${waits.length} requests`;
    }),

  /** Every successful qualification of these symbols took at most `ms` (client-observed). */
  qualifiedWithin: (specs: ReadonlyArray<{ symbol: string }>, ms: number) =>
    claim(`${symbolsOf(specs).join('/')} qualify within ${seconds(ms)}`, (run) => {
      const times = run.qualifyTimes(symbolsOf(specs));
      if (times.length === 0) return 'nothing was qualified';
      const max = Math.max(...times);
      return max <= ms || `slowest ${seconds(max)} (median ${seconds(median(times))})`;
    }),

  everyQualificationSucceeded: (specs: ReadonlyArray<{ symbol: string }>) =>
    claim(`every qualification of ${symbolsOf(specs).join('/')} succeeds`, (run) => {
      const bad = run
        .qualifications()
        .filter(
          (c) => symbolsOf(specs).includes(String(c.invoke.args?.symbol)) && (c.end?.type !== 'ok' || (c.end.value as { kind?: string }).kind !== 'qualified'),
        );
      return (
        bad.length === 0 ||
        `${bad.length} did not: ${bad
          .slice(0, 3)
          .map((c) => `${c.invoke.actor} ${c.invoke.args?.symbol} → ${c.end?.type ?? 'never finished'} ${c.end?.error?.code ?? ''}`)
          .join('; ')}`
      );
    }),

  timeoutAtEveryLevel: (specs: ReadonlyArray<{ symbol: string }>, levelsMs: readonly number[]) =>
    claim(`${symbolsOf(specs).join('/')} time out at every level (${levelsMs.map((l) => l / 1000).join('/')} s)`, (run) => {
      for (const s of symbolsOf(specs)) {
        const seen = new Set(run.attemptTimeouts(s));
        const missing = levelsMs.filter((l) => !seen.has(l));
        if (missing.length) return `${s}: no timeout at ${missing.map((l) => `${l / 1000} s`).join(', ')}`;
      }
      return true;
    }),

  noTimeouts: () =>
    claim('no request times out', (run) => {
      const n = run.history.filter((e) => e.type === 'info' && e.error?.code === 'REQUEST_TIMEOUT').length;
      return n === 0 || `${n} timeout(s)`;
    }),

  makespanBetween: (minMs: number, maxMs: number) =>
    claim(`the whole run takes ${seconds(minMs)}–${seconds(maxMs)}`, (run) => (run.modelMs >= minMs && run.modelMs <= maxMs) || `took ${seconds(run.modelMs)}`),

  fewerConnectionsThanBaseline: () =>
    claim('opens fewer connections than the baseline', (run) => {
      const b = run.baseline;
      if (!b) return 'no baseline run';
      return run.record.connectionsOpened < b.record.connectionsOpened || `${run.record.connectionsOpened} vs ${b.record.connectionsOpened}`;
    }),

  shorterThanBaseline: () =>
    claim('finishes sooner than the baseline', (run) => {
      const b = run.baseline;
      if (!b) return 'no baseline run';
      return run.modelMs < b.modelMs || `${seconds(run.modelMs)} vs ${seconds(b.modelMs)}`;
    }),

  atMostOneConnectionPerProcess: () =>
    claim('each process holds at most one gateway connection at a time', (run) => {
      const open = new Map<string, number>();
      for (const e of run.history) {
        const p = e.process ?? '?';
        if ((e.op === 'connect' || e.op === 'reconnect') && e.type === 'ok') open.set(p, (open.get(p) ?? 0) + 1);
        if ((e.op === 'disconnect' && e.type === 'ok') || (e.op === 'connection-lost' && e.type === 'info')) open.set(p, (open.get(p) ?? 1) - 1);
        if ((open.get(p) ?? 0) > 1) return `${p} held ${open.get(p)} connections at ${seconds(e.at - run.history[0]!.at)}`;
      }
      return true;
    }),

  gatewayErrorsAtLeast: (code: number, atLeast: number, what: string) =>
    claim(`the gateway answers with error ${code} (${what})`, (run) => {
      const n = run.gatewayErrors(code).length;
      return n >= atLeast || `${n} error ${code}`;
    }),

  noGatewayError: (code: number, what: string) =>
    claim(`no error ${code} (${what})`, (run) => {
      const n = run.gatewayErrors(code).length;
      return n === 0 || `${n} error ${code}`;
    }),

  allOperationsFinished: () =>
    claim('every qualification and history request ends (ok or a typed error)', (run) => {
      const open = run.unfinished();
      return (
        open.length === 0 ||
        `${open.length} never finished: ${open
          .slice(0, 3)
          .map((e) => `${e.actor} ${e.op} ${e.args?.symbol ?? ''}`)
          .join('; ')}`
      );
    }),

  barsStored: (specs: ReadonlyArray<{ symbol: string }>) =>
    claim(`bars are stored for ${symbolsOf(specs).join('/')}`, (run) => {
      for (const s of symbolsOf(specs)) {
        const ok = run.ops('history', (e) => e.args?.symbol === s).some((c) => c.end?.type === 'ok' && Number((c.end.value as { stored?: number }).stored) > 0);
        if (!ok) return `no bars stored for ${s}`;
      }
      return true;
    }),

  custom: claim,
};
