/**
 * Posts report.md as a pull-request comment through the GitHub REST API, or edits the comment a
 * previous run left (found by a hidden marker), so a PR carries one up-to-date report instead of
 * one per push. Also posts a short JSON summary to a webhook.
 */
import { REPORT_MARKER } from '../render/bench-markdown.ts';
import { fetchWithRetry, PublishError, type RetryOptions } from './http-retry.ts';

export { PublishError } from './http-retry.ts';

export interface PublishOptions extends RetryOptions {
  /** owner/name */
  repo: string;
  pr: number;
  body: string;
  token: string;
  /** Default https://api.github.com (GitHub Enterprise: https://host/api/v3). */
  apiUrl?: string;
  marker?: string;
}

export interface Published {
  action: 'created' | 'updated';
  id: number;
  url: string;
}

/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 65_000;
const MAX_PAGES = 30;

export async function publishComment(o: PublishOptions): Promise<Published> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(o.repo)) throw new PublishError(`--repo must be owner/name, got "${o.repo}"`);
  if (!(Number.isInteger(o.pr) && o.pr > 0)) throw new PublishError(`--pr must be a pull-request number, got ${o.pr}`);
  if (!o.token) throw new PublishError('no token: set GITHUB_TOKEN');
  const api = (o.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const marker = o.marker ?? REPORT_MARKER;
  const body = withMarker(o.body, marker);
  const headers = {
    authorization: `Bearer ${o.token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'ibkr-harness',
    'content-type': 'application/json',
  };
  const existing = await findComment(`${api}/repos/${o.repo}/issues/${o.pr}/comments?per_page=100`, marker, headers, o);
  const res = existing
    ? await fetchWithRetry(
        `${api}/repos/${o.repo}/issues/comments/${existing}`,
        { method: 'PATCH', headers, body: JSON.stringify({ body }) },
        `updating comment ${existing} on ${o.repo}#${o.pr}`,
        o,
      )
    : await fetchWithRetry(
        `${api}/repos/${o.repo}/issues/${o.pr}/comments`,
        { method: 'POST', headers, body: JSON.stringify({ body }) },
        `commenting on ${o.repo}#${o.pr}`,
        o,
      );
  const json = (await res.json()) as { id: number; html_url?: string };
  return { action: existing ? 'updated' : 'created', id: json.id, url: json.html_url ?? '' };
}

function withMarker(body: string, marker: string): string {
  const marked = body.includes(marker) ? body : `${marker}\n${body}`;
  return marked.length <= MAX_BODY ? marked : `${marked.slice(0, MAX_BODY)}\n\n… (truncated: the full report is in the build artifacts)`;
}

/** The newest comment carrying the marker, following the pagination links. */
async function findComment(first: string, marker: string, headers: Record<string, string>, o: RetryOptions): Promise<number | undefined> {
  let url: string | undefined = first;
  let found: number | undefined;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const res = await fetchWithRetry(url, { headers }, 'listing the pull request comments', o);
    const comments = (await res.json()) as Array<{ id: number; body?: string }>;
    for (const c of comments) if (c.body?.includes(marker)) found = c.id;
    url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return found;
}

export async function postWebhook(url: string, payload: unknown, o: RetryOptions = {}): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PublishError(`--webhook must be a URL, got "${url}"`);
  }
  await fetchWithRetry(
    parsed.toString(),
    { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'ibkr-harness' }, body: JSON.stringify(payload) },
    `posting to the webhook ${parsed.host}`,
    o,
  );
}
