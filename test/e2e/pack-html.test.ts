// End to end (issue 16 item 3): the monthly pack's page of config/samples (`report --offline -o
// html`) opened in a real headless Chromium (Debian's `chromium`, driven by playwright-core with
// the flags `-o pdf` uses): a screenshot is taken, nothing is logged as an error, no request
// leaves the page (every request is routed: only the page's own is answered), every chart is
// drawn with marks, and every figure shown equals the report's JSON (`-o json`). Then `-o pdf`
// prints it: poppler's `pdfinfo` and `pdftotext` read the pages back (the title, contract and
// month on the first, the credits' total on the last, the parts on the sheets the print CSS starts).
// Runs where /usr/bin/chromium, pdfinfo and pdftotext exist; under CI=true their absence fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/cli/pdf.ts';
import { EXIT_OK, reportCommand, type ReportOptions } from '../../src/cli/report.ts';
import type { MonthlyReport } from '../../src/domain/index.ts';
import { at, parseShown } from '../support/pack-page.ts';

const root = join(import.meta.dirname, '../..');
const SAMPLES = join(root, 'config', 'samples');
const available = existsSync(CHROMIUM_PATH) && ['pdfinfo', 'pdftotext'].every((tool) => {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
const ci = process.env.CI === 'true' || process.env.CI === '1';

// What the page functions read of the DOM (the project's lib has no DOM types).
interface Box { readonly width: number; readonly height: number }
interface Node { getAttribute(name: string): string | null; readonly textContent: string | null; querySelector(s: string): { getBoundingClientRect(): Box } | null; querySelectorAll(s: string): { readonly length: number } }

// The page is served at this address by the route below, never by a network: the browser is asked for it alone.
const PAGE_URL = 'https://pack.invalid/acme-logistics.acme-logistics-2026.2026-10.html';

async function report(options: Partial<ReportOptions>): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await reportCommand(
    { offline: true, files: [SAMPLES], month: '2026-10', now: '2026-11-03T08:00:00Z', output: 'json', ...options },
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
  );
  expect(stderr).toBe('');
  expect(code).toBe(EXIT_OK);
  return stdout;
}

describe.skipIf(!available && !ci)('the monthly pack\'s page in a real headless Chromium, and its PDF', () => {
  let work: string;
  let context: BrowserContext;
  let json: MonthlyReport;
  let html: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pack-e2e-'));
    json = JSON.parse(await report({})) as MonthlyReport;
    html = await report({ output: 'html' });
    context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS], viewport: { width: 900, height: 1200 } });
  });
  afterAll(async () => {
    await context.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('renders with no console error, no request but the page, every chart drawn, the report\'s figures', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const requested: string[] = [];
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      requested.push(url);
      if (url === PAGE_URL) await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      else await route.abort();
    });
    await page.goto(PAGE_URL, { waitUntil: 'load' });

    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    expect(requested).toEqual([PAGE_URL]);

    // Every chart: an SVG laid out on the page, with the marks of its series (bars, lines).
    const charts = await page.$$eval('figure.chart', (figures: Node[]) => figures.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return { name: f.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0, marks: f.querySelectorAll('svg [ecmeta_ssr_type="chart"]').length };
    }));
    expect(charts.map((c) => c.name)).toEqual(['availability', 'burn', 'incidents', 'major', 'tokens']);
    for (const c of charts) {
      expect(c.width, String(c.name)).toBeGreaterThan(100);
      expect(c.height, String(c.name)).toBeGreaterThan(50);
      expect(c.marks, String(c.name)).toBeGreaterThan(0);
    }
    // The availability chart has one bar per function of the report (and one guarantee mark each).
    expect(await page.$$eval('figure[data-chart="availability"] svg [ecmeta_ssr_type="chart"][ecmeta_series_index="0"]', (bars: Node[]) => bars.length)).toBe(json.functions.length);

    // Every figure as shown (the browser's text) equals the report's JSON at its path.
    const shown = await page.$$eval('[data-figure]', (els: Node[]) => els.map((e) => ({ path: e.getAttribute('data-figure') ?? '', text: e.textContent })));
    expect(shown.length).toBeGreaterThan(30);
    for (const { path, text } of shown) expect({ path, value: parseShown(text, 'en') }).toEqual({ path, value: at(json, path) });
    // The credits' total is visible text (not only an attribute): 115.61 EUR (the samples' GTR credit, under the 1,230 EUR cap).
    expect(await page.innerText('body')).toMatch(/total\s+115\.61\sEUR/);
    await page.close();
  });

  it('-o pdf prints it on 5 A4 sheets: the title, contract, month and guarantees first, the credits and capacity, then the statement last', async () => {
    const out = join(work, 'packs');
    const printed = await report({ output: 'pdf', outDir: out });
    const file = join(out, 'acme-logistics.acme-logistics-2026.2026-10.pdf');
    expect(printed).toBe(`${file}\n`);
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
    expect(info).toMatch(/^Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/m);
    // Printed, the error budget, the incidents, the tokens and the statement each start a sheet (the
    // page's print CSS) and each part fits on one: 5 sheets.
    expect(pages).toBe(5);
    const text = (page: number): string => execFileSync('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-'], { encoding: 'utf8' });
    const sheets = [1, 2, 3, 4, 5].map(text);
    expect(sheets[0]).toContain('Monthly pack 2026-10 (final)');
    expect(sheets[0]).toContain('acme-logistics/acme-logistics-2026');
    expect(sheets[0]).toMatch(/^\s*Guarantees\s*$/m);
    expect(sheets[1]).toMatch(/^\s*Error budget\s*$/m);
    expect(sheets[1]).toMatch(/erp\s+148 min\s+223\.5 min\s+66\.2 %/);
    expect(sheets[2]).toMatch(/^\s*Incidents\s*$/m);
    expect(sheets[2]).toContain('inc-20261014-erp-down');
    expect(sheets[3]).toMatch(/^\s*Tokens\s*$/m);
    expect(sheets[3]).toMatch(/^\s*Credits\s*$/m);
    expect(sheets[3]).toMatch(/total\s+115\.61 EUR/);
    expect(sheets[3]).toMatch(/^\s*Capacity \(p95 of the month/m);
    // The samples' October statement: 13,980.50 of recurring charges + 5 extra tokens × 95 (hand
    // computed in src/cli/pack-html.test.ts) = 14,455.50 EUR excluding tax.
    expect(sheets[4]).toMatch(/^\s*Monthly statement \(final\), EUR excluding tax\s*$/m);
    expect(sheets[4]).toMatch(/total excluding tax\s+14,455\.5 EUR/);
  });
});
