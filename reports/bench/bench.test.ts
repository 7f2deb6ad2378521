/**
 * The bench's figures on workloads whose answer is known, its ranking and failure modes on the
 * quick matrix in virtual time, and the four files of a small run on the simulator over TCP.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../scenarios/runner.ts';
import { timelineBars } from '../charts/timeline.ts';
import { bench } from '../cli/bench.ts';
import { runMetrics, requestEvents } from './metrics.ts';
import { writeBenchOutputs } from './outputs.ts';
import { runBench } from './run.ts';
import { validateResults } from './schema.ts';
import { benchScenario, findWorkloads, QUICK_MATRIX, type Workload } from './workload.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'bench-test-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A gateway with no login time, no throttle, no rate limit, and a fixed 100 ms per contract-details request. */
const known = (pages: number): Workload => ({
  name: 'known',
  profile: 'instant',
  overrides: { secdef: { service: { median: 100, sigma: 0 } } },
  symbols: 3,
  pages,
  tasks: 0,
});

describe('figures on a known workload (virtual time)', () => {
  it('one page asks for three contracts at once: the gateway answers them in turn at 100, 200, 300 ms', async () => {
    const record = await runScenario(benchScenario('singleton', known(1)), { target: 'virtual', seed: 1 });
    const m = runMetrics(record, 3);
    expect(
      requestEvents(record)
        .filter((e) => e.op === 'qualify')
        .map((e) => e.end! - e.start),
    ).toEqual([100, 200, 300]);
    expect(m.latency).toEqual({ p50: 200, p90: 300, p99: 300, max: 300, mean: 200 });
    expect(m.makespanMs).toBe(300);
    expect(m.throughputPerSec).toBe(10);
    expect(m).toMatchObject({ answered: 3, answeredShare: 1, connections: 1, firstReadyMs: 0, errors: { '326': 0, timeouts: 0 } });
  });

  it('two pages on two connections (per-page) share the gateway queue: page 2, opened at 100 ms, waits for page 1', async () => {
    const record = await runScenario(benchScenario('per-page', known(2)), { target: 'virtual', seed: 1 });
    const m = runMetrics(record, 6);
    // Page 1: 100, 200, 300. Page 2 asks at 100 and is served 300–600: 300, 400, 500 from its ask.
    expect(
      requestEvents(record)
        .filter((e) => e.op === 'qualify')
        .map((e) => e.end! - e.start)
        .sort((a, b) => a - b),
    ).toEqual([100, 200, 300, 300, 400, 500]);
    expect(m.latency!.p50).toBe(300);
    expect(m.makespanMs).toBe(600);
    expect(m.connections).toBe(2);
  });
});

describe('the quick matrix in virtual time', () => {
  it('ranks pooled first on every workload, and the timeline shows each legacy failure mode', async () => {
    const r = await runBench({ workloads: QUICK_MATRIX, seeds: [1, 2, 3], target: 'virtual', timeScale: 0 });
    expect(validateResults(JSON.parse(JSON.stringify(r)))).toEqual([]);
    for (const w of QUICK_MATRIX) expect(r.summary.find((s) => s.workload === w.name && s.rank === 1)?.strategy).toBe('pooled');
    const run = (strategy: string) => r.runs.find((x) => x.workload === '5sym-4p2t' && x.strategy === strategy && x.seed === 1)!;
    const bars = (strategy: string) => timelineBars(run(strategy).requests, run(strategy).metrics.makespanMs);

    // Serialization: the pages' connections log in together (each login slowed by the others) and
    // then share one gateway queue, which answers one qualification at a time: no two answers at
    // the same instant, whichever page asked.
    const pages = [1, 2, 3, 4].map((i) =>
      run('per-page')
        .requests.filter((e) => e.op === 'qualify' && e.actor === `ui/page-${i}`)
        .map((e) => e.end!),
    );
    for (const page of pages) expect(page.length).toBeGreaterThan(0);
    const ends = pages.flat().sort((a, b) => a - b);
    for (let i = 1; i < ends.length; i++) expect(ends[i]!).toBeGreaterThan(ends[i - 1]!);
    expect(new Set(bars('per-page').map((b) => b.row)).size).toBe(6);
    // Timeouts: the wrapper abandons attempts at every level.
    expect(bars('timeout-wrapper').filter((b) => b.mark === 'timeout' && b.kind === 'qualify (abandoned attempt)').length).toBeGreaterThan(20);
    // 326: a singleton per process means both processes on client id 1.
    expect([
      ...new Set(
        bars('singleton')
          .filter((b) => b.mark === '326 refused')
          .map((b) => b.row),
      ),
    ]).toEqual(['worker/session #1']);
    expect(run('pooled').metrics).toMatchObject({ answeredShare: 1, connections: 2, errors: { '326': 0, timeouts: 0 } });
  });
});

describe('a bench run on the simulator', () => {
  it('writes results.json, report.md, report.html and benchmark.json', async () => {
    const out = tmp();
    const r = await runBench({ workloads: findWorkloads(['2sym-1p1t']), seeds: [1], repeats: 2, target: 'sim', timeScale: 0.02 });
    const { files } = await writeBenchOutputs(r, out);
    for (const f of Object.values(files)) expect(existsSync(f), f).toBe(true);
    const results = JSON.parse(readFileSync(files.results, 'utf8'));
    expect(validateResults(results)).toEqual([]);
    expect(results.environment).toMatchObject({ target: 'sim', timeScale: 0.02, seeds: [1], repeats: 2, profiles: ['lynx-paper'], node: process.version });
    expect(results.runs).toHaveLength(10);
    expect(results.runs.map((x: { repeat: number }) => x.repeat).sort()).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // Over TCP the same seed run twice differs by host noise, and the summary says by how much.
    for (const s of results.summary) expect(Number.isFinite(s.noise.p50) && s.noise.p50 >= 0, `${s.strategy} noise`).toBe(true);
    expect(results.runs[0].requests.some((e: { op: string }) => e.op === 'qualify')).toBe(true);
    // No ranking asserted here: at one page and one task every strategy does the same work, and
    // the order follows the gateway's random service times (the quick matrix test ranks).

    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toContain('<!-- ibkr-harness-report -->');
    expect(md).toContain('| # | Strategy | Answered | p50 | p90 | p99 | Makespan |');
    for (const s of r.strategies) expect(md).toMatch(new RegExp(`\\| \\d \\| (\\*\\*)?${s}(\\*\\*)? \\| \\d+%`));
    const benchmark = JSON.parse(readFileSync(files.benchmark, 'utf8')) as Array<Record<string, unknown>>;
    expect(benchmark.length).toBeGreaterThan(0);
    for (const e of benchmark) {
      expect(typeof e.name).toBe('string');
      expect(typeof e.unit).toBe('string');
      expect(Number.isFinite(e.value)).toBe(true);
      if (e.range !== undefined) expect(e.range).toMatch(/^± \d/);
    }
    expect(new Set(benchmark.map((e) => e.name)).size).toBe(benchmark.length);
    expect((readFileSync(files.html, 'utf8').match(/<svg/g) ?? []).length).toBe(3);
  }, 20_000);

  it('the bench command runs in-process and exits 0', async () => {
    const out = tmp();
    const code = await bench({ out, target: 'virtual', workloads: ['2sym-1p1t'], seeds: [1, 2], progress: false, httpConnections: 4 }, () => {});
    expect(code).toBe(0);
    expect(['results.json', 'report.md', 'report.html', 'benchmark.json'].every((f) => existsSync(path.join(out, f)))).toBe(true);
  });
});
