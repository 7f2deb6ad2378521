/**
 * The figures of `npm start`'s incident report: the three runs on one timeline (one panel each)
 * and their qualification latencies as ECDFs.
 */
import type { RunRecord } from '../../scenarios/view.ts';
import { summarize } from '../../scenarios/summary.ts';
import { qualifyLatencies, requestEvents } from '../bench/metrics.ts';
import { ecdfSpec } from '../charts/specs.ts';
import { timelineSpec } from '../charts/timeline.ts';
import type { Figure } from './bench-figures.ts';

/** Before the fix in red, after it in purple, pooled in green, as in the bench report. */
const RUN_COLORS = ['#cf222e', '#8250df', '#1a7f37', '#0969da', '#bf8700'];

export function reproFigures(runs: readonly RunRecord[], symbols?: readonly string[]): Figure[] {
  const events = runs.map((r) => requestEvents(r));
  const panels = runs.map((r, i) => {
    const s = summarize(r, symbols);
    return {
      title: `${r.scenario} — ${Object.values(r.strategies)
        .filter((v, j, a) => a.indexOf(v) === j)
        .join(' + ')}`,
      subtitle: `${(r.modelMs / 1000).toFixed(1)} s · ${s.connections} connection(s) · ${s.clientIdErrors}× 326 · ${s.timeouts} timeout(s) · ${symbols?.join('/') ?? 'all'} qualified ${s.qualifications.qualified}/${s.qualifications.asked}`,
      events: events[i]!,
      endMs: r.modelMs,
    };
  });
  const samples = runs.flatMap((r, i) => qualifyLatencies(events[i]!, r.modelMs).map((ms) => ({ series: r.scenario, ms })));
  return [
    {
      name: 'timeline',
      title: 'Timeline of the three runs',
      caption:
        "Each row is a client connection (caller or session, with its client id); each bar an operation from the moment the caller asked to its answer, in lanes when several share a connection. Before the fix, abandoned attempts (orange) pile up behind the gateway's serialized queue and every level of the 3/15/20/30/60 s wrapper times out (✚), and a worker on client id 1 is refused with 326 (▼). Each panel's time axis spans its own run.",
      spec: timelineSpec(panels),
    },
    {
      name: 'latency-ecdf',
      title: 'Qualify latency (ECDF)',
      caption:
        'Share of qualify calls (every symbol, every caller) completed within x model ms from the call, errors and timeouts included at the time the caller got them. Answers from the cache take 0 ms and are drawn at 1 ms.',
      spec: ecdfSpec(samples, { series: runs.map((r) => r.scenario), colors: runs.map((_, i) => RUN_COLORS[i % RUN_COLORS.length]!) }),
    },
  ];
}
