/**
 * The HTML reports in a real browser (Debian's Chromium, headless, driven by playwright-core):
 * they load from a file with no console errors, and hold their SVG figures and tables.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findScenario } from '../../scenarios/builtin/index.ts';
import { writeReproReport } from '../../scenarios/repro.ts';
import { runScenario } from '../../scenarios/runner.ts';
import { writeBenchOutputs } from '../bench/outputs.ts';
import { alter, tinyResults } from '../testing/bench-fixtures.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Why the suite cannot run here, if it cannot: said in the suite's name and on stderr, never silently. */
const MISSING = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: install Debian's chromium package or set CHROMIUM_PATH`;
if (MISSING) console.warn(`reports/render/html.test.ts: the HTML report checks are skipped (${MISSING})`);
let dir: string;
let browser: Browser;

// Inside the suite, so a skipped suite makes (and leaves) no directory.
function browserAndDir(): void {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'html-test-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 20_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}

interface Loaded {
  problems: string[];
  figures: number;
  drawn: number[];
  tables: number;
  rows: number;
  text: string;
}

async function load(file: string): Promise<Loaded> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' || m.type() === 'warning' ? problems.push(`${m.type()}: ${m.text()}`) : undefined));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const figures = await page.locator('figure > svg').count();
    // Each figure is laid out with a real size and has marks drawn in it.
    const drawn = await page.$$eval('figure > svg', (svgs) =>
      svgs.map((s) => (s.getBoundingClientRect().width > 200 && s.getBoundingClientRect().height > 100 ? s.querySelectorAll('path, rect, line').length : 0)),
    );
    return {
      problems,
      figures,
      drawn,
      tables: await page.locator('table').count(),
      rows: await page.locator('tbody tr').count(),
      text: (await page.locator('body').textContent()) ?? '',
    };
  } finally {
    await page.close();
  }
}

describe.skipIf(MISSING !== undefined)(`HTML reports in headless Chromium${MISSING ? ` (skipped: ${MISSING})` : ''}`, () => {
  browserAndDir();

  it('bench report.html: three SVG figures, one table per workload, no console errors', async () => {
    const r = await tinyResults();
    const { files } = await writeBenchOutputs(r, path.join(dir, 'bench'));
    const page = await load(files.html);
    expect(page.problems).toEqual([]);
    expect(page.figures).toBe(3);
    expect(page.drawn.every((n) => n > 20)).toBe(true);
    expect(page.tables).toBe(r.workloads.length);
    expect(page.rows).toBe(r.workloads.length * r.strategies.length);
    for (const s of r.strategies) expect(page.text).toContain(s);
    expect(page.text).toContain('Timeline of workload');
  });

  it('bench report.html with a baseline shows the verdict and the changes', async () => {
    const base = await tinyResults();
    const worse = alter(base, 'pooled', (run) => void (run.metrics.makespanMs *= 2));
    const { files } = await writeBenchOutputs(worse, path.join(dir, 'bench-compared'), { baseline: base });
    const page = await load(files.html);
    expect(page.problems).toEqual([]);
    expect(page.figures).toBe(3);
    expect(page.text).toMatch(/2 regression\(s\) against the baseline/);
  });

  it("npm start's report.html: the timeline and the ECDF of the incident runs", async () => {
    const runs = [];
    for (const name of ['tte-wln-before-fix', 'tte-wln-after-fix', 'tte-wln-pooled'])
      runs.push(await runScenario({ ...findScenario(name)!, baseline: undefined }, { target: 'virtual', seed: 1 }));
    const files = await writeReproReport(runs, { seed: 1, timeScale: 0, out: path.join(dir, 'repro') });
    expect(files.figures.map((f) => path.basename(f))).toEqual(['timeline.svg', 'latency-ecdf.svg']);
    const page = await load(files.html);
    expect(page.problems).toEqual([]);
    expect(page.figures).toBe(2);
    expect(page.drawn.every((n) => n > 10)).toBe(true);
    expect(page.text).toContain('tte-wln-before-fix');
    expect(page.rows).toBe(3);
  });
});
