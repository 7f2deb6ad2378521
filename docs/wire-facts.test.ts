/**
 * The repository's docs stay self-contained and every cited wire fact exists
 * (docs/wire-facts/README.md#how-to-cite-a-fact). The checks run on the real repository, and on
 * small in-memory repositories to show that each kind of breakage is caught.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  anchorsOf,
  checkFactsAreSourced,
  checkMarkdownLinks,
  checkOutsideReferences,
  checkRepoDocs,
  checkWireFactCitations,
  formatProblems,
  readRepo,
  slugOf,
  type RepoFiles,
} from './testing/link-check.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A tiny repository: a fact file with two headings, a README linking to it, a figure, a source file citing it. */
const FACTS = '# Pacing\n\n## Historical pacing (162)\n\nSix in two seconds.\n\n**Sources:** IB docs, checked 2026-11-30.\n';
function repo(extra: Record<string, string | null> = {}): Map<string, string | null> {
  return new Map<string, string | null>(
    Object.entries({
      'README.md': 'See [pacing](docs/wire-facts/pacing.md#historical-pacing-162) and ![fig](docs/figures/a.svg).\n',
      'docs/wire-facts/pacing.md': FACTS,
      'docs/figures/a.svg': null,
      'simulator/model/profile.ts': '/** [IB: docs/wire-facts/pacing.md#historical-pacing-162] */\nexport const x = 1;\n',
      ...extra,
    }),
  );
}

describe('the repository', () => {
  it('has no broken link, no unknown wire-fact citation, nothing outside the repository, no unsourced fact', () => {
    const files: RepoFiles = readRepo(ROOT);
    expect(files.has('docs/wire-facts/README.md')).toBe(true);
    expect(formatProblems(checkRepoDocs(files))).toBe('');
  });

  it('cites wire facts from the code that models them', () => {
    const files = readRepo(ROOT);
    const citing = [...files].filter(([path, text]) => path.endsWith('.ts') && !path.startsWith('docs/') && text?.includes('docs/wire-facts/'));
    expect(citing.length).toBeGreaterThan(10);
  });
});

describe('the checks catch breakage', () => {
  it('accept a consistent repository', () => {
    expect(checkRepoDocs(repo())).toEqual([]);
  });

  it('slug headings the way GitHub does', () => {
    expect(slugOf('Historical pacing (162)')).toBe('historical-pacing-162');
    expect(slugOf('`START_API` (71)')).toBe('start_api-71');
    expect(slugOf("The client's opening bytes")).toBe('the-clients-opening-bytes');
    expect(slugOf('@stoqey/ib 1.6.10')).toBe('stoqeyib-1610');
    expect([...anchorsOf('## A\n\n## A\n\n```\n## not a heading\n```\n<a id="x"></a>\n')]).toEqual(['a', 'a-1', 'x']);
  });

  it('report a relative link to a missing file', () => {
    const problems = checkMarkdownLinks(repo({ 'docs/x.md': 'See [gone](../README-old.md).\n' }));
    expect(problems).toEqual([{ file: 'docs/x.md', line: 1, target: '../README-old.md', problem: 'no file or directory README-old.md in the repository' }]);
  });

  it('report a link to a missing heading', () => {
    const problems = checkMarkdownLinks(repo({ 'docs/x.md': '\n[p](wire-facts/pacing.md#message-rate-100)\n' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 2, problem: 'docs/wire-facts/pacing.md has no heading with anchor #message-rate-100' });
  });

  it('report a link to a missing heading in the same file', () => {
    expect(checkMarkdownLinks(repo({ 'a.md': '# A\n\n[self](#b)\n' }))).toHaveLength(1);
  });

  it('report links leaving the repository or pointing at absolute paths', () => {
    const outside = ['..', 'shared', 'reference', 'tws-protocol.md'].join('/');
    const problems = checkMarkdownLinks(repo({ 'a.md': `[a](${outside}) [b](/etc/hosts) [c](file:///tmp/x.md) [d](https://example.com/x)\n` }));
    expect(problems.map((p) => p.target)).toEqual([outside, '/etc/hosts', 'file:///tmp/x.md']);
  });

  it('ignore links inside code', () => {
    expect(checkMarkdownLinks(repo({ 'a.md': '`[a](missing.md)`\n\n```\n[b](missing.md)\n```\n' }))).toEqual([]);
  });

  it('report wire-fact citations in code whose file or anchor does not exist', () => {
    // Built from parts so the repository scan does not see these as citations.
    const path = (target: string) => ['docs', 'wire-facts', target].join('/');
    const cite = (target: string) => `// ${path(target)}\n`;
    const problems = checkWireFactCitations(repo({ 'common/x.ts': cite('pacing.md#historical-pacing-163') + cite('nope.md#a') + cite('pacing.md') }));
    expect(problems.map((p) => [p.line, p.problem])).toEqual([
      [1, 'docs/wire-facts/pacing.md has no heading with anchor #historical-pacing-163'],
      [2, `no file ${path('nope.md')}`],
    ]);
  });

  it('report text references to the shared folder beside the repository and to local absolute paths', () => {
    const shared = ['..', 'shared', 'seed', 'x.txt'].join('/');
    const local = ['', 'work', 'main', 'README.md'].join('/');
    const problems = checkOutsideReferences(repo({ 'scenarios/x.ts': `// ${shared}\n// ${local}\n` }));
    expect(problems.map((p) => p.line)).toEqual([1, 2]);
  });

  it('report a fact section with neither a source date nor a link to the fact it relies on', () => {
    const unsourced = `${FACTS}\n## Max 32 API clients\n\nAt most 32.\n`;
    const problems = checkFactsAreSourced(repo({ 'docs/wire-facts/pacing.md': unsourced }));
    expect(problems).toEqual([
      {
        file: 'docs/wire-facts/pacing.md',
        line: 9,
        target: 'Max 32 API clients',
        problem: 'fact section without a source date or a link to the fact it relies on',
      },
    ]);
  });
});
