// `report --offline -o html` (design.md §3 "The monthly pack", issue 16 item 3) on config/samples:
// one self-contained page (no script, nothing referenced outside it), every figure it shows equal
// to the report's JSON, every chart drawn with marks, labels in the tenant's language or
// --language's; --out-dir writes one file per contract and month; ECharts is loaded for -o html
// and not for -o json (the CLI's start-up, issue 17).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { at, figures, parseShown } from '../../test/support/pack-page.ts';
import type { MonthlyReport } from '../domain/index.ts';
import { EXIT_OK, EXIT_USAGE, reportCommand, type ReportOptions } from './report.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLES = join(ROOT, 'config', 'samples');
const BASE: ReportOptions = { offline: true, files: [SAMPLES], month: '2026-10', now: '2026-11-03T08:00:00Z', output: 'json' };

async function run(options: Partial<ReportOptions>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await reportCommand({ ...BASE, ...options }, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const report = JSON.parse((await run({})).stdout) as MonthlyReport;
const pack = report.pack;
if (pack === undefined) throw new Error('the samples\' report has a pack');
const english = await run({ output: 'html' });
const french = await run({ output: 'html', language: 'fr' });

describe('report --offline -o html on config/samples', () => {
  it('is one page, self-contained: no script, no reference outside it but the SVG namespaces', () => {
    expect(english.stderr).toBe('');
    expect(english.code).toBe(EXIT_OK);
    const html = english.stdout;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<html/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no event handler attribute either
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)=|url\((?!#)|@import|@font-face/i); // url(#id): a clip path of the same SVG
    const withoutNamespaces = html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '').replaceAll('xmlns:xlink="http://www.w3.org/1999/xlink"', '');
    expect(withoutNamespaces).not.toMatch(/https?:/i);
  });

  it('shows the report\'s figures: each data-figure equals the JSON at its path', () => {
    const shown = figures(english.stdout);
    for (const { path, shown: text } of shown) expect({ path, value: parseShown(text, 'en') }).toEqual({ path, value: at(report, path) });
    const paths = new Set(shown.map((f) => f.path));
    // Every function's availability and guarantee, the GTR and GTC, the volumes, the tokens and the credits.
    for (const [i] of pack.gtd.entries()) {
      expect(paths).toContain(`pack.gtd.${i}.availabilityPercent`);
      expect(paths).toContain(`pack.gtd.${i}.guaranteePercent`);
    }
    for (const p of ['pack.gtr.deviationPercent', 'pack.gtr.creditAmount', 'pack.gtc.completed', 'pack.volumes.incidents.total', 'pack.volumes.tokens.used', 'pack.volumes.tokens.pack', 'pack.credits.total', 'pack.credits.cap']) expect(paths).toContain(p);
    // The samples' month (hand-checked against `-o pack`): erp 99.6689 % of 99.5 %, GTR 1 late of 1 (20 %: deviation counted on 5), credits 115.61 EUR.
    expect(english.stdout).toContain('<span class="figure" data-figure="pack.credits.total">115.61</span>&#160;EUR');
  });

  it('ends with the capacity section and the month\'s statement (issue 16: the statement joins the pack)', () => {
    const html = english.stdout;
    expect([...html.matchAll(/data-section="([a-z]+)"/g)].map((m) => m[1])).toEqual(['capacity', 'statement']);
    // No Prometheus given: the capacity section says so instead of numbers.
    expect(html).toMatch(/<section data-section="capacity">[\s\S]*?unavailable: no Prometheus is configured/);
    // The samples' October statement, by hand: the functions 900 + 750.50 + 600 + 1,500 + 1,200 + 380
    // + 450 = 5,780.50, the fee 5,200 and the two support fees 2,400 + 600: 13,980.50 of recurring
    // charges (over the 8,000 minimum); 20 tokens of changes and 5 of billable effort (150 min of
    // remediation, the first 15 included: 135 min = 4.5 → 5 tokens) on a pack of 20: 5 extra × 95 =
    // 475; one ticket of 40: none billed; no credit: 13,980.50 + 475 = 14,455.50 EUR excluding tax.
    expect(html).toContain('<span class="figure" data-figure="statement.totals.excludingTax">14,455.5</span>&#160;EUR');
    expect(html).toContain('<span class="figure" data-figure="statement.tokens.extra">5</span>');
    const paths = new Set(figures(html).map((f) => f.path));
    for (const p of ['statement.recurring.subtotal', 'statement.tokens.amount', 'statement.tickets.amount', 'statement.totals.beforeCredits', 'statement.totals.credits']) expect(paths).toContain(p);
  });

  it('draws every chart with marks', () => {
    const charts = [...english.stdout.matchAll(/<figure class="chart" data-chart="([a-z]+)">([\s\S]*?)<\/figure>/g)].map((m) => ({ name: m[1], svg: m[2] ?? '' }));
    expect(charts.map((c) => c.name)).toEqual(['availability', 'burn', 'incidents', 'major', 'tokens']);
    for (const c of charts) {
      expect(c.svg, c.name).toContain('<svg');
      expect((c.svg.match(/ecmeta_ssr_type="chart"/g) ?? []).length, c.name).toBeGreaterThan(0);
    }
  });

  it('burns erp\'s budget by its one P1 of 2 h 28 min', () => {
    // inc-20261014-erp-down, 07:12Z → 09:40Z on erp's one production unit: 148 min of its budget,
    // 0.5 % of October's 745 h = 223.5 min (66.2 %); (100 − 99.6689) % of 745 h = 148.0 min, the report's.
    expect(english.stdout).toMatch(/<tr><td>erp<\/td><td>148&#160;min<\/td><td>223.5&#160;min<\/td><td>66.2&#160;%<\/td><\/tr>/);
  });

  it('speaks French with --language fr: labels and numbers, the same figures', () => {
    expect(french.code).toBe(EXIT_OK);
    expect(french.stdout).toContain('<html lang="fr">');
    expect(french.stdout).toContain('Rapport mensuel 2026-10');
    expect(french.stdout).toContain('<span class="figure" data-figure="pack.credits.total">115,61</span>');
    for (const { path, shown } of figures(french.stdout)) expect({ path, value: parseShown(shown, 'fr') }).toEqual({ path, value: at(report, path) });
  });
});

describe('report -o html|pdf: files and flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pack-html-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('--out-dir writes <namespace>.<contract>.<month>.html and prints its path', async () => {
    const { code, stdout } = await run({ output: 'html', outDir: join(dir, 'packs') });
    expect(code).toBe(EXIT_OK);
    const file = join(dir, 'packs', 'acme-logistics.acme-logistics-2026.2026-10.html');
    expect(stdout).toBe(`${file}\n`);
    expect(readdirSync(join(dir, 'packs'))).toEqual(['acme-logistics.acme-logistics-2026.2026-10.html']);
    expect(readFileSync(file, 'utf8')).toBe(english.stdout);
  });

  it('several contracts: one page each with --out-dir, a usage error without', async () => {
    // The samples and a second contract of the same tenant (the samples' contract renamed).
    const second = join(dir, 'second.yaml');
    writeFileSync(second, readFileSync(join(SAMPLES, 'supportcontract.yaml'), 'utf8').replace('name: acme-logistics-2026', 'name: acme-logistics-bis'));
    const without = await run({ output: 'html', files: [SAMPLES, second] });
    expect(without.code).toBe(EXIT_USAGE);
    expect(without.stderr).toBe('error: -o html writes one page per contract and month: 2 contracts are reported; write them with --out-dir <dir> (or choose one with --contract)\n');
    const out = join(dir, 'several');
    const { code, stdout } = await run({ output: 'html', files: [SAMPLES, second], outDir: out });
    expect(code).toBe(EXIT_OK);
    expect(readdirSync(out).sort()).toEqual(['acme-logistics.acme-logistics-2026.2026-10.html', 'acme-logistics.acme-logistics-bis.2026-10.html']);
    expect(stdout.trim().split('\n')).toEqual([join(out, 'acme-logistics.acme-logistics-2026.2026-10.html'), join(out, 'acme-logistics.acme-logistics-bis.2026-10.html')]);
    expect(readFileSync(join(out, 'acme-logistics.acme-logistics-bis.2026-10.html'), 'utf8')).toContain('acme-logistics/acme-logistics-bis');
  });

  it.each([
    [{ output: 'json' as const, outDir: dir }, '--out-dir is only with -o html or -o pdf'],
    [{ output: 'html' as const, language: 'de' }, "--language 'de': expected one of en, fr"],
  ])('refuses %j (usage)', async (options, message) => {
    const { code, stderr } = await run(options);
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toBe(`error: ${message}\n`);
  });

  it('-o pdf without a way to print bytes asks for --out-dir', async () => {
    const { code, stderr } = await run({ output: 'pdf' });
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toBe('error: -o pdf cannot print bytes here; write it with --out-dir <dir>\n');
  });

  it('-o pdf without Chromium says so (and that -o html needs none)', async () => {
    const { PdfError, printPdf } = await import('./pdf.ts');
    const missing = join(dir, 'no-chromium');
    await expect(printPdf('<!DOCTYPE html><p>x</p>', missing)).rejects.toThrow(PdfError);
    await expect(printPdf('<!DOCTYPE html><p>x</p>', missing)).rejects.toThrow(`-o pdf needs Chromium at ${missing} (Debian: apt-get install chromium); -o html writes the same page without it`);
  });

  it('loads ECharts for -o html only', () => {
    // A resolve hook in the child reports every module of echarts or playwright-core it loads.
    const hook = `data:text/javascript,${encodeURIComponent("import { registerHooks } from 'node:module'; registerHooks({ resolve(s, c, next) { const r = next(s, c); if (/node_modules\\/(echarts|playwright-core)\\//.test(r.url)) process.stderr.write('LOADED ' + r.url + '\\n'); return r; } });")}`;
    const cli = (output: string): string => spawnSync(process.execPath, ['--import', hook, join(ROOT, 'bin', 'managedapps.js'), 'report', '--offline', '-f', SAMPLES, '--month', '2026-10', '--now', '2026-11-03T08:00:00Z', '-o', output], { encoding: 'utf8' }).stderr;
    expect(cli('json')).not.toContain('LOADED');
    const html = cli('html');
    expect(html).toMatch(/LOADED .*\/node_modules\/echarts\//);
    expect(html).not.toContain('playwright-core');
  });
});
