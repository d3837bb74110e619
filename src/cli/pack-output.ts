// `report -o html|pdf` (design.md §3 "The monthly pack", docs/cli.md): one page per contract and
// month, written to stdout when there is one, else (or with --out-dir) one file per contract and
// month, `<dir>/<namespace>.<contract>.<month>.html|pdf`, each path printed on stdout. Loaded on
// demand by report.ts and kubectl/report.ts: it brings ECharts (pack-html.ts), and the PDF brings
// playwright-core (pdf.ts) only when asked for.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, type CommandIO, type PageFormat } from './io.ts';
import { renderPackHtml, type PackPage } from './pack-html.ts';

/** The file of a page in --out-dir: names are DNS labels or subdomains, the month YYYY-MM, so the name is safe as is. */
export const pageFileName = (page: Pick<PackPage, 'namespace' | 'contract' | 'report'>, format: PageFormat): string =>
  `${page.namespace}.${page.contract}.${page.report.period.month}.${format}`;

/** Renders and writes `pages`; the exit code (usage when several pages have no --out-dir). */
export async function writePackPages(pages: readonly PackPage[], format: PageFormat, outDir: string | undefined, io: CommandIO): Promise<number> {
  const missing = pages.filter((p) => p.report.pack === undefined);
  if (missing.length > 0) {
    io.stderr(missing.map((p) => `error: ${p.namespace}/${p.contract}: no monthly pack: the report of ${p.report.period.month} was made final before the operator wrote packs (REPORT_RULES 3)\n`).join(''));
    return EXIT_BAD_INPUT;
  }
  if (outDir === undefined && pages.length > 1) {
    io.stderr(`error: -o ${format} writes one page per contract and month: ${pages.length} contracts are reported; write them with --out-dir <dir> (or choose one with --contract)\n`);
    return EXIT_USAGE;
  }
  if (outDir === undefined && format === 'pdf' && io.stdoutBytes === undefined) {
    io.stderr('error: -o pdf cannot print bytes here; write it with --out-dir <dir>\n');
    return EXIT_USAGE;
  }
  const pdf = format === 'pdf' ? await import('./pdf.ts') : undefined;
  if (outDir !== undefined) await mkdir(outDir, { recursive: true });
  for (const page of pages) {
    const html = renderPackHtml(page);
    let body: string | Uint8Array = html;
    if (pdf !== undefined) {
      try {
        body = await pdf.printPdf(html);
      } catch (err) {
        if (!(err instanceof pdf.PdfError)) throw err;
        io.stderr(`error: ${err.message}\n`);
        return EXIT_BAD_INPUT;
      }
    }
    if (outDir === undefined) {
      if (typeof body === 'string') io.stdout(body);
      else io.stdoutBytes?.(body);
      continue;
    }
    const file = join(outDir, pageFileName(page, format));
    await writeFile(file, body);
    io.stdout(`${file}\n`);
  }
  return EXIT_OK;
}
