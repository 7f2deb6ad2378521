/**
 * `ibkr-harness publish --report report.md --repo owner/name --pr N [--webhook url]`: the report
 * as a PR comment (updated in place on later runs) and a short JSON summary to a webhook. Exit
 * codes (common/exit-codes.ts): 0 published; 1 GitHub or the webhook kept failing (5xx, network);
 * 2 nothing to do, no token, a missing report, or a 4xx (bad token, repository, PR or URL).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../../common/exit-codes.ts';
import { readResults } from '../bench/outputs.ts';
import type { BenchResults } from '../bench/schema.ts';
import { postWebhook, publishComment, type Published } from '../publish/github.ts';
import type { RetryOptions } from '../publish/http-retry.ts';
import { positiveInt } from './args.ts';

export interface PublishCliOptions {
  report: string;
  repo?: string;
  pr?: number;
  webhook?: string;
  results?: string;
}

export function publishCommand(): Command {
  return new Command('publish')
    .description(
      'Post report.md as a pull-request comment (or update the previous one), and/or a JSON summary to a webhook. Token: $GITHUB_TOKEN; API: $GITHUB_API_URL.',
    )
    .requiredOption('--report <report.md>', 'the Markdown report to post')
    .option('--repo <owner/name>', 'repository (default $GITHUB_REPOSITORY)')
    .option('--pr <n>', 'pull-request number', positiveInt('--pr'))
    .option('--webhook <url>', 'also POST a short JSON summary here')
    .option('--results <results.json>', 'figures for the webhook summary (default: results.json beside the report)')
    .action(async (o: PublishCliOptions) => {
      await publish(o, { log: (l) => console.log(`  ${l}`) });
    });
}

export async function publish(
  o: PublishCliOptions,
  retry: RetryOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = console.log,
): Promise<{ comment?: Published; webhook?: boolean }> {
  const repo = o.repo ?? env.GITHUB_REPOSITORY;
  if (!o.webhook && !(repo && o.pr)) throw new UsageError('nothing to do: give --repo and --pr to comment on a pull request, and/or --webhook <url>');
  const body = readFileSync(o.report, 'utf8');
  const out: { comment?: Published; webhook?: boolean } = {};
  if (repo && o.pr) {
    const token = env.GITHUB_TOKEN ?? '';
    if (!token) throw new UsageError('GITHUB_TOKEN is not set');
    out.comment = await publishComment({ ...retry, repo, pr: o.pr, body, token, ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}) });
    log(`${out.comment.action === 'created' ? 'Commented on' : 'Updated the comment on'} ${repo}#${o.pr}: ${out.comment.url || `comment ${out.comment.id}`}`);
  }
  if (o.webhook) {
    const resultsFile = o.results ?? path.join(path.dirname(o.report), 'results.json');
    const results = existsSync(resultsFile) ? readResults(resultsFile) : undefined;
    await postWebhook(o.webhook, webhookSummary(body, results, out.comment), retry);
    log(`Posted the summary to ${new URL(o.webhook).host}`);
    out.webhook = true;
  }
  return out;
}

/** What a chat channel needs: the winner per workload and the key figures, plus a link. */
export function webhookSummary(markdown: string, r: BenchResults | undefined, comment?: Published) {
  const verdict = /^(✅|❌) \*\*(.+?)\*\*/m.exec(markdown);
  return {
    source: 'ibkr-harness',
    title: 'Connection strategies, side by side',
    ...(verdict ? { verdict: verdict[2], regression: verdict[1] === '❌' } : {}),
    ...(comment?.url ? { url: comment.url } : {}),
    ...(r
      ? {
          date: r.environment.date,
          commit: r.environment.gitSha,
          target: r.environment.target,
          seeds: r.environment.seeds.length,
          workloads: r.workloads.map((w) => {
            const rows = r.summary.filter((s) => s.workload === w.name);
            return {
              workload: w.name,
              best: rows.find((s) => s.rank === 1)?.strategy,
              strategies: rows.map((s) => ({
                strategy: s.strategy,
                rank: s.rank,
                answered: round(s.figures.answeredShare.mean),
                p50Ms: round(s.figures.p50.mean),
                p99Ms: round(s.figures.p99.mean),
                makespanMs: round(s.figures.makespanMs.mean),
              })),
            };
          }),
        }
      : {}),
  };
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
