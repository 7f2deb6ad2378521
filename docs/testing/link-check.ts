/**
 * Keeps the repository's documentation self-contained: relative Markdown links resolve to files
 * (and headings) inside the repository, every `docs/wire-facts/<FILE>.md#<anchor>` citation in code or
 * docs names an existing heading, nothing points at a local absolute path or outside the
 * repository, and every fact section in docs/wire-facts carries a source (a date or a link to the
 * fact it relies on).
 *
 * The checks are pure functions over a `RepoFiles` snapshot (repo-relative POSIX path → text), so
 * tests can run them on small in-memory repositories; `readRepo` builds the snapshot from disk.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

/** Every file of a repository by repo-relative POSIX path; text for the files `checkedText` selects, `null` otherwise. */
export type RepoFiles = ReadonlyMap<string, string | null>;

/** One broken link or citation: where it is (1-based line) and what is wrong. */
export interface LinkProblem {
  file: string;
  line: number;
  target: string;
  problem: string;
}

/** Files whose text is checked: Markdown for links; TypeScript, Markdown and JSON for citations. */
const checkedText = (path: string): boolean => /\.(md|ts|json)$/.test(path) && !path.endsWith('package-lock.json');

/**
 * The repository at `root` as git sees it (tracked files plus untracked ones not ignored), with
 * the text of every checked file. Throws if `root` is not a git work tree.
 */
export function readRepo(root: string): RepoFiles {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  const files = new Map<string, string | null>();
  for (const path of listed.split('\0')) {
    if (!path) continue;
    let text: string | null = null;
    if (checkedText(path)) {
      try {
        text = readFileSync(posix.join(root, path), 'utf8');
      } catch {
        continue; // listed by git but deleted in the work tree
      }
    }
    files.set(path, text);
  }
  return files;
}

/** GitHub's heading anchor: lowercase, punctuation and symbols dropped, spaces to `-`. */
export function slugOf(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Lines of a Markdown text with fenced code blocks blanked out (line numbers preserved). */
function proseLines(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length) fence = null;
      return '';
    }
    if (m) {
      fence = m[1]!;
      return '';
    }
    return line;
  });
}

/** The anchors a Markdown text defines: heading slugs (duplicates numbered as GitHub does) and explicit `<a id|name>`. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slugOf(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(a[1]!);
  }
  return anchors;
}

/** Link targets of one Markdown text, outside code: inline links and images, reference definitions, HTML src/href. */
function linksOf(markdown: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  proseLines(markdown).forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: i + 1, target: m[1]! });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (def) links.push({ line: i + 1, target: def[1]! });
    for (const m of line.matchAll(/\b(?:src|href)="([^"]+)"/g)) links.push({ line: i + 1, target: m[1]! });
  });
  return links;
}

const isDirectory = (files: RepoFiles, path: string): boolean => {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  for (const f of files.keys()) if (f.startsWith(prefix)) return true;
  return false;
};

/** Whether `path` (repo-relative) names a file, or a directory holding files, of the repository. */
const exists = (files: RepoFiles, path: string): boolean => path === '' || files.has(path) || isDirectory(files, path);

/** Memoised anchors of the repository's Markdown files. */
function anchorLookup(files: RepoFiles): (path: string) => Set<string> | undefined {
  const cache = new Map<string, Set<string>>();
  return (path) => {
    const text = files.get(path);
    if (typeof text !== 'string' || !path.endsWith('.md')) return undefined;
    let anchors = cache.get(path);
    if (!anchors) cache.set(path, (anchors = anchorsOf(text)));
    return anchors;
  };
}

/**
 * Relative links in every Markdown file: each must stay inside the repository, name an existing
 * file or directory, and, when it carries `#anchor` into a Markdown file, an existing heading.
 * Web links (http, https, mailto) are not followed; local absolute paths and `file:` URLs are errors.
 */
export function checkMarkdownLinks(files: RepoFiles): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const anchorsIn = anchorLookup(files);
  for (const [file, text] of files) {
    if (typeof text !== 'string' || !file.endsWith('.md')) continue;
    for (const { line, target } of linksOf(text)) {
      const report = (problem: string) => problems.push({ file, line, target, problem });
      if (/^(https?:|mailto:)/i.test(target)) continue;
      if (/^file:/i.test(target) || target.startsWith('/') || /^[A-Za-z]:[\\/]/.test(target) || target.startsWith('~')) {
        report('points at a local absolute path; link to a file inside the repository instead');
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // other URL schemes are not local files
      const hash = target.indexOf('#');
      const pathPart = decodeURI(hash < 0 ? target : target.slice(0, hash));
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const resolved = pathPart === '' ? file : posix.normalize(posix.join(posix.dirname(file), pathPart));
      if (resolved === '..' || resolved.startsWith('../')) {
        report('points outside the repository');
        continue;
      }
      const path = resolved.replace(/\/$/, '').replace(/^\.$/, '');
      if (!exists(files, path)) {
        report(`no file or directory ${path} in the repository`);
        continue;
      }
      if (anchor !== undefined && path.endsWith('.md') && !anchorsIn(path)?.has(anchor)) report(`${path} has no heading with anchor #${anchor}`);
    }
  }
  return problems;
}

/**
 * Citations of wire facts in TypeScript, Markdown and JSON text: every `docs/wire-facts/<FILE>.md`
 * must exist and every `#anchor` after it must be a heading of that file.
 */
export function checkWireFactCitations(files: RepoFiles): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const anchorsIn = anchorLookup(files);
  for (const [file, text] of files) {
    if (typeof text !== 'string') continue;
    text.split('\n').forEach((lineText, i) => {
      for (const m of lineText.matchAll(/docs\/wire-facts\/([\w.-]+\.md)(?:#([\p{L}\p{N}_-]+))?/gu)) {
        const path = `docs/wire-facts/${m[1]}`;
        const report = (problem: string) => problems.push({ file, line: i + 1, target: m[0], problem });
        if (!files.has(path)) report(`no file ${path}`);
        else if (m[2] !== undefined && !anchorsIn(path)?.has(m[2])) report(`${path} has no heading with anchor #${m[2]}`);
      }
    });
  }
  return problems;
}

// Built from parts so this file does not match its own patterns when the repository is scanned.
const OUTSIDE_REFERENCES: ReadonlyArray<readonly [RegExp, string]> = [
  [new RegExp(['\\.\\.', 'shared', ''].join('/')), 'refers to the shared folder beside the repository, which a clone does not have'],
  [new RegExp(['', 'work', ''].join('/')), 'refers to a local absolute path of this machine'],
];

/** Text references that leave the repository (the shared folder beside it, local absolute paths) in TypeScript, Markdown and JSON files. */
export function checkOutsideReferences(files: RepoFiles): LinkProblem[] {
  const problems: LinkProblem[] = [];
  for (const [file, text] of files) {
    if (typeof text !== 'string') continue;
    text.split('\n').forEach((lineText, i) => {
      for (const [pattern, problem] of OUTSIDE_REFERENCES) {
        const m = pattern.exec(lineText);
        if (m) problems.push({ file, line: i + 1, target: lineText.trim().slice(0, 120), problem });
      }
    });
  }
  return problems;
}

/**
 * Every fact section of docs/wire-facts (each `##`-or-deeper heading with text below it, outside
 * README.md) names where it comes from: a date checked (YYYY-MM-DD) or a link to the wire fact it
 * relies on.
 */
export function checkFactsAreSourced(files: RepoFiles): LinkProblem[] {
  const problems: LinkProblem[] = [];
  for (const [file, text] of files) {
    if (typeof text !== 'string' || !/^docs\/wire-facts\/[^/]+\.md$/.test(file) || file.endsWith('/README.md')) continue;
    const lines = proseLines(text);
    const raw = text.split('\n');
    let section: { heading: string; line: number; body: string[] } | null = null;
    const close = () => {
      if (!section) return;
      const body = section.body.join('\n');
      const hasText = body.trim().length > 0;
      const sourced = /\b\d{4}-\d{2}-\d{2}\b/.test(body) || /\]\((?:\.\/)?[\w-]+\.md#[^)]+\)/.test(body) || /\]\(#[^)]+\)/.test(body);
      if (hasText && !sourced)
        problems.push({ file, line: section.line, target: section.heading, problem: 'fact section without a source date or a link to the fact it relies on' });
    };
    lines.forEach((line, i) => {
      const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (h) {
        close();
        section = h[1]!.length >= 2 ? { heading: h[2]!, line: i + 1, body: [] } : null;
        return;
      }
      section?.body.push(raw[i]!);
    });
    close();
  }
  return problems;
}

/** All checks together, for one repository snapshot. */
export function checkRepoDocs(files: RepoFiles): LinkProblem[] {
  return [...checkMarkdownLinks(files), ...checkWireFactCitations(files), ...checkOutsideReferences(files), ...checkFactsAreSourced(files)];
}

/** One line per problem: `file:line  target — problem`. */
export const formatProblems = (problems: readonly LinkProblem[]): string => problems.map((p) => `${p.file}:${p.line}  ${p.target} — ${p.problem}`).join('\n');
