/**
 * The publisher against a mocked GitHub API (msw intercepts fetch; nothing leaves the process):
 * create, update by marker, 401, a 403 rate limit with retry-after, a 5xx with retry, and the
 * webhook. The wait is injected, so retries cost no real time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../cli/publish.ts';
import { REPORT_MARKER } from '../render/bench-markdown.ts';
import { postWebhook, publishComment, PublishError } from './github.ts';

const API = 'https://api.github.test';
const REPO = 'acme/ibkr';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  body?: unknown;
}

/** Record every request the handlers see; `respond` decides the answer by call count. */
function github(respond: (req: Request, n: number, seen: Seen[]) => Response | Promise<Response>): Seen[] {
  const seen: Seen[] = [];
  server.use(
    http.all(`${API}/*`, async ({ request }) => {
      const body = request.method === 'GET' ? undefined : await request.clone().json();
      seen.push({ method: request.method, url: request.url, auth: request.headers.get('authorization'), ...(body === undefined ? {} : { body }) });
      return respond(request, seen.length, seen);
    }),
  );
  return seen;
}

const waits: number[] = [];
const retry = { sleep: async (ms: number) => void waits.push(ms), now: () => Date.UTC(2025, 0, 1) };
afterEach(() => void (waits.length = 0));
const opts = { repo: REPO, pr: 12, token: 't0k3n', apiUrl: API, body: '## Report\n\n| a | b |', ...retry };
const created = () => HttpResponse.json({ id: 501, html_url: `https://github.test/${REPO}/pull/12#issuecomment-501` }, { status: 201 });

describe('publishComment', () => {
  it('creates a comment, with the hidden marker, when the PR has none', async () => {
    const seen = github((req) => (req.method === 'GET' ? HttpResponse.json([{ id: 1, body: 'LGTM' }]) : created()));
    const r = await publishComment(opts);
    expect(r).toEqual({ action: 'created', id: 501, url: `https://github.test/${REPO}/pull/12#issuecomment-501` });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `GET ${API}/repos/${REPO}/issues/12/comments?per_page=100`,
      `POST ${API}/repos/${REPO}/issues/12/comments`,
    ]);
    expect(seen[1]!.auth).toBe('Bearer t0k3n');
    expect((seen[1]!.body as { body: string }).body).toBe(`${REPORT_MARKER}\n## Report\n\n| a | b |`);
    expect(waits).toEqual([]);
  });

  it('updates the comment carrying the marker, found on a later page', async () => {
    const page2 = `${API}/repos/${REPO}/issues/12/comments?per_page=100&page=2`;
    const seen = github((req) => {
      if (req.method === 'PATCH') return HttpResponse.json({ id: 77, html_url: 'https://github.test/c/77' });
      if (req.url === page2)
        return HttpResponse.json([
          { id: 76, body: 'nice' },
          { id: 77, body: `${REPORT_MARKER}\nold report` },
        ]);
      return HttpResponse.json([{ id: 5, body: 'first!' }], { headers: { link: `<${page2}>; rel="next", <${page2}>; rel="last"` } });
    });
    const r = await publishComment({ ...opts, body: `${REPORT_MARKER}\nnew report` });
    expect(r).toEqual({ action: 'updated', id: 77, url: 'https://github.test/c/77' });
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET', 'PATCH']);
    expect(seen[2]!.url).toBe(`${API}/repos/${REPO}/issues/comments/77`);
    expect(seen[2]!.body).toEqual({ body: `${REPORT_MARKER}\nnew report` });
  });

  it('fails at once on 401 with a message about the token', async () => {
    const seen = github(() => HttpResponse.json({ message: 'Bad credentials' }, { status: 401 }));
    const err = await publishComment(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).status).toBe(401);
    expect((err as Error).message).toMatch(/401 Unauthorized — the token was rejected; check GITHUB_TOKEN.*\(Bad credentials\)/);
    expect(seen).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('waits as long as a 403 rate limit asks (retry-after), then goes on', async () => {
    const seen = github((req, n) => {
      if (n === 1) return HttpResponse.json({ message: 'You have exceeded a secondary rate limit' }, { status: 403, headers: { 'retry-after': '7' } });
      return req.method === 'GET' ? HttpResponse.json([]) : created();
    });
    expect((await publishComment(opts)).action).toBe('created');
    expect(waits).toEqual([7_000]);
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET', 'POST']);
  });

  it('waits until x-ratelimit-reset when the budget is spent, but not beyond the limit it accepts', async () => {
    const reset = String(Date.UTC(2025, 0, 1) / 1000 + 30);
    github((req, n) =>
      n === 1
        ? new HttpResponse(null, { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } })
        : req.method === 'GET'
          ? HttpResponse.json([])
          : created(),
    );
    await publishComment(opts);
    expect(waits).toEqual([31_000]);
    waits.length = 0;
    github(() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '3600' } }));
    await expect(publishComment(opts)).rejects.toThrow(/rate limited \(429\) for another 3600 s, longer than the 60 s we wait/);
    expect(waits).toEqual([]);
  });

  it('retries a 5xx with backoff, and gives up after a bounded number of tries', async () => {
    const seen = github((req, n) =>
      req.method === 'GET' ? HttpResponse.json([]) : n < 4 ? HttpResponse.json({ message: 'Server Error' }, { status: 502 }) : created(),
    );
    expect((await publishComment(opts)).action).toBe('created');
    expect(seen.map((s) => s.method)).toEqual(['GET', 'POST', 'POST', 'POST']);
    expect(waits).toEqual([1_000, 2_000]);
    waits.length = 0;
    const always = github(() => new HttpResponse('upstream down', { status: 503 }));
    await expect(publishComment(opts)).rejects.toThrow(/503 .* after 4 attempts \(upstream down\)/);
    expect(always).toHaveLength(4);
    expect(waits).toEqual([1_000, 2_000, 4_000]);
  });

  it('does not retry other client errors', async () => {
    const seen = github(() => HttpResponse.json({ message: 'Not Found' }, { status: 404 }));
    await expect(publishComment(opts)).rejects.toThrow(/listing the pull request comments: 404 .*\(Not Found\)/);
    expect(seen).toHaveLength(1);
  });
});

describe('publish command and webhook', () => {
  it('comments and posts a JSON summary to the webhook, taking the token and API from the environment', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'publish-test-'));
    try {
      const report = path.join(dir, 'report.md');
      writeFileSync(report, `${REPORT_MARKER}\n## Connection strategies\n\n✅ **No regression** against the baseline.\n`);
      const seen = github((req) => (req.method === 'GET' ? HttpResponse.json([]) : created()));
      const hooks: unknown[] = [];
      server.use(
        http.post('https://hooks.test/bench', async ({ request }) => {
          hooks.push(await request.json());
          return new HttpResponse(null, { status: 204 });
        }),
      );
      const r = await publish(
        { report, repo: REPO, pr: 12, webhook: 'https://hooks.test/bench' },
        retry,
        { GITHUB_TOKEN: 'env-token', GITHUB_API_URL: API },
        () => {},
      );
      expect(r.comment?.action).toBe('created');
      expect(seen[1]!.auth).toBe('Bearer env-token');
      expect(hooks).toEqual([
        {
          source: 'ibkr-harness',
          title: 'Connection strategies, side by side',
          verdict: 'No regression',
          regression: false,
          url: `https://github.test/${REPO}/pull/12#issuecomment-501`,
        },
      ]);
      await expect(publish({ report, repo: REPO, pr: 12 }, retry, {}, () => {})).rejects.toThrow('GITHUB_TOKEN is not set');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retries the webhook on 5xx', async () => {
    let n = 0;
    server.use(http.post('https://hooks.test/flaky', () => (++n < 2 ? new HttpResponse(null, { status: 500 }) : HttpResponse.json({ ok: true }))));
    await postWebhook('https://hooks.test/flaky', { a: 1 }, retry);
    expect(n).toBe(2);
    expect(waits).toEqual([1_000]);
  });
});
