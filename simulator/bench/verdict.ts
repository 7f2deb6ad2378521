/**
 * How fast the verdict is computed over a long journal, and whether its memory stays flat
 * (issue #12: 1,000,000 frames in ≤ 5 s, memory flat).
 *
 *   npm run bench:verdict                              # 1,000,000 frames, seed 1
 *   npm run bench:verdict -- --frames 200000 --seed 7 --checkpoints 50000,100000,200000 --json
 *
 * The journal is synthetic (verdict-journal.ts: many clients of three designs, handshakes,
 * START_API, qualifications through a serialized sec-def queue, history with pacing 162s and
 * cancels, quotes, orders, 326s, abandoned requests), fed the way `sim --verdict` feeds it: every
 * frame through `Journal.record` and every note through `Journal.note`, to the analyser subscribed
 * with `journal.subscribe(analyser.sink)` (simulator/control/local-control.ts). The ring is off
 * (`--no-journal`), so only the analyser's own state is measured; subscribers are fed either way.
 *
 * Two passes over the same entries, each in a child process of its own (`--expose-gc`, so heap
 * figures are taken after a full collection):
 *  - baseline: the same generator and journal, with a subscriber that only reads each entry;
 *  - verdict: the analyser subscribed; at each checkpoint the verdict is also taken (`report()`).
 * The verdict's own cost is the difference. Memory is flat when the heap after a collection grows
 * by at most `--flat-bound-mb` (2) from the first checkpoint to the last.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { Command } from 'commander';
import { Journal, type JournalEntry } from '../model/journal.ts';
import { VerdictAnalyser } from '../verdict/analyser.ts';
import { DEFAULT_VERDICT_CONFIG } from '../verdict/config.ts';
import { CHECK_IDS, parseVerdict } from '../verdict/schema.ts';
import { syntheticJournal } from './verdict-journal.ts';

type Pass = 'baseline' | 'verdict';

interface Checkpoint {
  frames: number;
  notes: number;
  /** Wall ms spent feeding entries so far (checkpoint work excluded). */
  wallMs: number;
  /** CPU ms of this process so far, user + system (checkpoint work excluded). */
  cpuMs: number;
  heapMb: number;
  rssMb: number;
  /** Wall ms of one `report()` at this point (verdict pass only). */
  reportMs: number | null;
}

interface PassResult {
  pass: Pass;
  checkpoints: Checkpoint[];
  /** The final verdict's outline (verdict pass only): what the journal made it find. */
  verdict: { found: string[]; counts: Record<string, number>; secdefWaitMs: unknown; summary: unknown; analyser: unknown } | null;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const gc = (globalThis as { gc?: () => void }).gc;

/** One pass in this process: feed `frames` frames, measuring at each checkpoint. */
function runPass(pass: Pass, frames: number, seed: number, checkpoints: number[]): PassResult {
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:verdict does)');
  const journal = new Journal(1, false);
  const analyser = pass === 'verdict' ? new VerdictAnalyser(DEFAULT_VERDICT_CONFIG) : undefined;
  let read = 0;
  // The baseline reads what the analyser reads first (the type and direction) and nothing else.
  journal.subscribe(analyser ? analyser.sink : (e: JournalEntry) => void (read += e.dir === 'in' ? e.message.type.length : 1));
  const source = syntheticJournal({ seed });
  const result: Checkpoint[] = [];
  let n = 0;
  let notes = 0;
  let wallMs = 0;
  let cpuMs = 0;
  let next = 0;
  while (n < frames) {
    const t = performance.now();
    const c = process.cpuUsage();
    const stop = Math.min(frames, checkpoints[next] ?? frames);
    while (n < stop) {
      const r = source.next().value;
      if (r.note) {
        journal.note(r.at, r.sessionId, r.clientId, r.dir, r.message as Parameters<Journal['note']>[4]);
        notes++;
      } else {
        journal.record(r.at, r.sessionId, r.clientId, r.dir, r.message);
        n++;
      }
    }
    const used = process.cpuUsage(c);
    wallMs += performance.now() - t;
    cpuMs += (used.user + used.system) / 1000;
    let reportMs: number | null = null;
    if (analyser) {
      const r0 = performance.now();
      analyser.report();
      reportMs = performance.now() - r0;
    }
    gc();
    const mem = process.memoryUsage();
    result.push({ frames: n, notes, wallMs, cpuMs, heapMb: mb(mem.heapUsed), rssMb: mb(mem.rss), reportMs });
    next++;
  }
  if (journal.sinkErrors > 0) throw new Error(`${journal.sinkErrors} subscriber call(s) threw`);
  if (read < 0) throw new Error('unreachable');
  let verdict: PassResult['verdict'] = null;
  if (analyser) {
    const v = parseVerdict(analyser.report({ final: true, failOn: [...CHECK_IDS] }));
    verdict = {
      found: v.found,
      counts: Object.fromEntries(CHECK_IDS.map((id) => [id, v.checks[id].count])),
      secdefWaitMs: {
        p50: Math.round(v.checks['secdef-wait'].p50Ms),
        p99: Math.round(v.checks['secdef-wait'].p99Ms),
        max: Math.round(v.checks['secdef-wait'].maxMs),
      },
      summary: v.summary,
      analyser: v.analyser,
    };
  }
  return { pass, checkpoints: result, verdict };
}

/** Run one pass in a child process (fresh heap, `--expose-gc`) and read its JSON. */
function child(pass: Pass, frames: number, seed: number, checkpoints: number[]): PassResult {
  const self = fileURLToPath(import.meta.url);
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    self,
    '--pass',
    pass,
    '--frames',
    String(frames),
    '--seed',
    String(seed),
    '--checkpoints',
    checkpoints.join(','),
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${pass} pass failed (exit ${r.status ?? r.signal})`);
  return JSON.parse(r.stdout) as PassResult;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(base: PassResult, verdict: PassResult): string {
  const head = [
    'frames',
    'baseline wall / cpu s',
    'verdict wall / cpu s',
    'verdict frames/s',
    'net verdict cpu s',
    'report() ms',
    'heap MB base / verdict',
    'rss MB base / verdict',
  ];
  const rows = verdict.checkpoints.map((v, i) => {
    const b = base.checkpoints[i]!;
    return [
      fmt(v.frames),
      `${fmt(b.wallMs / 1000, 2)} / ${fmt(b.cpuMs / 1000, 2)}`,
      `${fmt(v.wallMs / 1000, 2)} / ${fmt(v.cpuMs / 1000, 2)}`,
      fmt(v.frames / (v.wallMs / 1000)),
      fmt((v.cpuMs - b.cpuMs) / 1000, 2),
      fmt(v.reportMs ?? 0, 1),
      `${fmt(b.heapMb, 1)} / ${fmt(v.heapMb, 1)}`,
      `${fmt(b.rssMb)} / ${fmt(v.rssMb)}`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const program = new Command('bench:verdict')
    .option('--frames <n>', 'frames in the journal', (v) => Number(v), 1_000_000)
    .option('--seed <n>', 'seed of the synthetic journal', (v) => Number(v), 1)
    .option('--checkpoints <list>', 'frame counts to measure at (comma-separated; default 100k, 500k and the last)')
    .option('--flat-bound-mb <n>', 'heap growth from the first checkpoint to the last that still counts as flat', (v) => Number(v), 2)
    .option('--goal-s <n>', 'the goal for the verdict pass over all frames, wall seconds', (v) => Number(v), 5)
    .option('--json', 'print the figures as JSON')
    .option('--pass <pass>', '(internal) run one pass in this process');
  program.parse();
  const o = program.opts<{ frames: number; seed: number; checkpoints?: string; flatBoundMb: number; goalS: number; json?: boolean; pass?: Pass }>();
  for (const [name, v] of [
    ['--frames', o.frames],
    ['--seed', o.seed],
  ] as const)
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a whole number >= 1, got ${v}`);
  const checkpoints = (o.checkpoints ? o.checkpoints.split(',').map(Number) : [100_000, 500_000, o.frames])
    .filter((n) => Number.isSafeInteger(n) && n > 0 && n <= o.frames)
    .sort((a, b) => a - b);
  if (checkpoints.at(-1) !== o.frames) checkpoints.push(o.frames);
  if (o.pass) {
    process.stdout.write(JSON.stringify(runPass(o.pass, o.frames, o.seed, checkpoints)));
    return;
  }
  const base = child('baseline', o.frames, o.seed, checkpoints);
  const verdict = child('verdict', o.frames, o.seed, checkpoints);
  const first = verdict.checkpoints[0]!;
  const last = verdict.checkpoints.at(-1)!;
  const growth = Math.round((last.heapMb - first.heapMb) * 10) / 10;
  const flat = growth <= o.flatBoundMb;
  const met = last.wallMs / 1000 <= o.goalS;
  const [load1, load5] = os.loadavg();
  if (o.json) {
    console.log(
      JSON.stringify(
        { frames: o.frames, seed: o.seed, loadavg: os.loadavg(), cpus: os.cpus().length, baseline: base, verdict, heapGrowthMb: growth, flat, goalMet: met },
        null,
        2,
      ),
    );
    return;
  }
  console.log(
    `verdict over a synthetic journal of ${fmt(o.frames)} frames (seed ${o.seed}); ${os.cpus().length} cpus, load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)} (1 / 5 min), node ${process.version}`,
  );
  console.log(table(base, verdict));
  console.log(
    `found: ${verdict.verdict?.found.join(', ')}; counts ${JSON.stringify(verdict.verdict?.counts)}; sec-def waits ${JSON.stringify(verdict.verdict?.secdefWaitMs)}`,
  );
  console.log(`summary ${JSON.stringify(verdict.verdict?.summary)}; analyser ${JSON.stringify(verdict.verdict?.analyser)}`);
  console.log(
    `goal ≤ ${o.goalS} s: ${met ? 'met' : 'NOT met'} (${fmt(last.wallMs / 1000, 2)} s wall). memory: heap after GC ${fmt(first.heapMb, 1)} MB at ${fmt(first.frames)} frames, ${fmt(last.heapMb, 1)} MB at ${fmt(last.frames)} (${growth >= 0 ? '+' : ''}${fmt(growth, 1)} MB; flat means ≤ ${o.flatBoundMb} MB): ${flat ? 'flat' : 'NOT flat'}`,
  );
  if (!met || !flat) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
