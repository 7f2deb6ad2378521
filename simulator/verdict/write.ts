/**
 * Writing a verdict: `verdict.json` (validated against its schema first), `verdict.md` and
 * `verdict.html` into one directory. Each file is written to a temporary name and renamed, so a
 * reader (a CI step, a test) never sees half a file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { VerdictAnalyser, ReportOptions } from './analyser.ts';
import { verdictHtml } from './html.ts';
import { verdictMarkdown } from './markdown.ts';
import { verdictSchema, type Verdict } from './schema.ts';

export interface WrittenVerdict {
  verdict: Verdict;
  files: { json: string; markdown: string; html: string };
}

/** What a written verdict is made of, taken at one instant (so later frames cannot change it). */
export interface VerdictSnapshot {
  verdict: Verdict;
  timeline: ReturnType<VerdictAnalyser['timelineData']>;
}

export function snapshot(analyser: VerdictAnalyser, opts: ReportOptions): VerdictSnapshot {
  return { verdict: analyser.report(opts), timeline: analyser.timelineData() };
}

/** Write the three files into `dir` (created if missing). Throws on a verdict its schema refuses (a bug) or an unwritable directory. */
export async function writeVerdict(dir: string, s: VerdictSnapshot): Promise<WrittenVerdict> {
  const verdict = verdictSchema.parse(s.verdict);
  mkdirSync(dir, { recursive: true });
  const files = { json: path.join(dir, 'verdict.json'), markdown: path.join(dir, 'verdict.md'), html: path.join(dir, 'verdict.html') };
  const html = await verdictHtml(verdict, s.timeline);
  put(files.json, `${JSON.stringify(verdict, null, 2)}\n`);
  put(files.markdown, verdictMarkdown(verdict));
  put(files.html, html);
  return { verdict, files };
}

function put(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
