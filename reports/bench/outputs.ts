/** The four files of a bench run, written side by side. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchMarkdown } from '../render/bench-markdown.ts';
import { compareResults, type Comparison, type Thresholds } from './compare.ts';
import { githubBenchmark } from './github-benchmark.ts';
import { assertResults, type BenchResults } from './schema.ts';
import { UsageError } from '../../common/exit-codes.ts';

export interface WrittenBench {
  files: { results: string; markdown: string; html: string; benchmark: string };
  comparison?: Comparison;
}

/** A results.json file, validated; a missing, unreadable or garbled file is a UsageError (exit 2) naming it. */
export function readResults(file: string): BenchResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return assertResults(parsed, file);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * results.json, report.md, report.html and benchmark.json in `dir`. With a baseline (or a
 * comparison already made) the reports show the deltas; runs that cannot be compared throw
 * IncomparableRuns before anything is written.
 */
export async function writeBenchOutputs(
  r: BenchResults,
  dir: string,
  o: { baseline?: BenchResults; thresholds?: Thresholds; comparison?: Comparison } = {},
): Promise<WrittenBench> {
  const comparison = o.comparison ?? (o.baseline ? compareResults(o.baseline, r, o.thresholds) : undefined);
  mkdirSync(dir, { recursive: true });
  const files = {
    results: path.join(dir, 'results.json'),
    markdown: path.join(dir, 'report.md'),
    html: path.join(dir, 'report.html'),
    benchmark: path.join(dir, 'benchmark.json'),
  };
  writeFileSync(files.results, JSON.stringify(r));
  writeFileSync(files.markdown, benchMarkdown(r, comparison));
  // The chart renderer loads on use: commands that only read results start faster without it.
  const { renderBenchHtml } = await import('../render/bench-html.ts');
  writeFileSync(files.html, await renderBenchHtml(r, comparison));
  writeFileSync(files.benchmark, JSON.stringify(githubBenchmark(r), null, 2));
  return { files, ...(comparison ? { comparison } : {}) };
}
