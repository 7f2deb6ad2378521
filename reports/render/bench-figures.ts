/**
 * The bench report's three figures as specs (data included) and captions, so the HTML page and
 * `--figures <dir>` (SVG files for the README) render the same charts.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { qualifyLatencies, type RequestEvent } from '../bench/metrics.ts';
import type { BenchResults } from '../bench/schema.ts';
import { renderSvg, type ChartSpec } from '../charts/render.ts';
import { concurrencySpec, ecdfSpec, type ConcurrencyPoint } from '../charts/specs.ts';
import { timelineSpec } from '../charts/timeline.ts';

export interface Figure {
  name: 'timeline' | 'latency-ecdf' | 'throughput-errors';
  title: string;
  caption: string;
  spec: ChartSpec;
}

/** The workload the timeline shows: the incident's load if it was run, else the busiest. */
export function timelineWorkload(r: BenchResults): BenchResults['workloads'][number] {
  return r.workloads.find((w) => w.name === '5sym-4p2t') ?? [...r.workloads].sort((a, b) => b.concurrency - a.concurrency)[0]!;
}

export function panelSubtitle(
  events: readonly RequestEvent[],
  m: { makespanMs: number; connections: number; answered: number; expected: number; errors: Record<string, number> },
): string {
  const lost = events.filter((e) => e.op === 'connection-lost').length;
  return `${(m.makespanMs / 1000).toFixed(1)} s · ${m.connections} connection(s) · ${m.answered}/${m.expected} answered · ${m.errors['326']}× 326 · ${m.errors.timeouts} timeout(s)${lost ? ` · ${lost} lost` : ''}`;
}

export function benchFigures(r: BenchResults): Figure[] {
  const wl = timelineWorkload(r);
  const seed = r.environment.seeds[0]!;
  const panels = r.strategies.flatMap((s) => {
    const run = r.runs.find((x) => x.workload === wl.name && x.strategy === s && x.seed === seed);
    return run ? [{ title: s, subtitle: panelSubtitle(run.requests, run.metrics), events: run.requests, endMs: run.metrics.makespanMs }] : [];
  });
  const samples = r.runs.flatMap((x) => qualifyLatencies(x.requests, x.metrics.makespanMs).map((ms) => ({ series: x.strategy, ms, panel: x.workload })));
  const ladder = ladderOf(r);
  const points: ConcurrencyPoint[] = r.summary
    .filter((s) => ladder.some((w) => w.name === s.workload))
    .map((s) => {
      const t = s.figures.throughputPerSec;
      const a = s.figures.answeredShare;
      return {
        strategy: s.strategy,
        concurrency: s.concurrency,
        throughput: t.mean,
        throughputLo: t.lo,
        throughputHi: t.hi,
        errorRate: 1 - a.mean,
        errorRateLo: 1 - a.hi,
        errorRateHi: 1 - a.lo,
      };
    });
  const w0 = ladder[0]!;
  return [
    {
      name: 'timeline',
      title: `Timeline of workload ${wl.name}, seed ${seed}`,
      caption: `One panel per strategy; each row is a client connection (caller or session and its client id), each bar an operation from enqueue to answer, stacked in lanes when several run at once on one connection. Markers: ▼ a connect refused with 326, ✚ a caller giving up (timeout), ◆ a lost connection. Each panel's time axis spans its own run (see its length in the subtitle).`,
      spec: timelineSpec(panels),
    },
    {
      name: 'latency-ecdf',
      title: 'Qualify latency, all seeds (ECDF)',
      caption: `Share of qualify calls completed within x model ms, from enqueue in the collector, per strategy and workload, all ${r.environment.seeds.length} seed(s) pooled. Errors and timeouts count at the time the caller got them; calls still open at the end count until then. Answers from the cache take 0 ms and are drawn at 1 ms.`,
      spec: ecdfSpec(samples, { series: r.strategies, panels: r.workloads.map((w) => w.name) }),
    },
    {
      name: 'throughput-errors',
      title: 'Throughput and error rate against concurrency',
      caption: `Answered operations per model second, and the share of asked operations never answered (refused, timed out or never sent), as pages and tasks grow (${w0.symbols} symbols, ${w0.profile}). Bars: 95% t-intervals over seeds.`,
      spec: concurrencySpec(points, { series: r.strategies }),
    },
  ];
}

/** Workloads that differ only in concurrency: the most common (profile, symbols) pair. */
function ladderOf(r: BenchResults): BenchResults['workloads'] {
  const key = (w: BenchResults['workloads'][number]) => `${w.profile}|${w.symbols}|${JSON.stringify(w.overrides ?? {})}`;
  const counts = new Map<string, number>();
  for (const w of r.workloads) counts.set(key(w), (counts.get(key(w)) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  return r.workloads.filter((w) => key(w) === best);
}

export async function renderFigures(figures: readonly Figure[]): Promise<Array<Figure & { svg: string }>> {
  const out = [];
  for (const f of figures) out.push({ ...f, svg: await renderSvg(f.spec, f.name) });
  return out;
}

/** Write each figure as `<dir>/<prefix><name>.svg`. */
export function writeFigures(dir: string, figures: ReadonlyArray<Figure & { svg: string }>, prefix = ''): string[] {
  mkdirSync(dir, { recursive: true });
  return figures.map((f) => {
    const file = path.join(dir, `${prefix}${f.name}.svg`);
    writeFileSync(file, f.svg);
    return file;
  });
}
