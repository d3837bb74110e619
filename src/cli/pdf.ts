// `report -o pdf`: the HTML page of the monthly pack (pack-html.ts) printed by a headless
// Chromium, the system's (Debian's `chromium` package, /usr/bin/chromium), driven by
// playwright-core (an optional dependency: it ships no browser, and nothing else loads it). The
// page holds no script and loads nothing; the browser is started with a fresh profile, without
// the sandbox (root in a container has none), the GPU, QUIC, background networking, component
// updates or sync, so printing opens no connection.
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why no PDF was printed (no Chromium, no playwright-core): the command prints it as its one error line. */
export class PdfError extends Error {
  override readonly name = 'PdfError';
}

/** Debian's Chromium (the path is a parameter of printPdf, for tests). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** How long one print may take, a hang guard (Chromium's start-up is most of it). */
const PRINT_TIMEOUT_MS = 120_000;

/** The page printed to PDF (A4, backgrounds printed, the page's own @page margins). */
export async function printPdf(html: string, executablePath: string = CHROMIUM_PATH): Promise<Uint8Array> {
  if (!existsSync(executablePath)) {
    throw new PdfError(`-o pdf needs Chromium at ${executablePath} (Debian: apt-get install chromium); -o html writes the same page without it`);
  }
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new PdfError('-o pdf needs the optional dependency playwright-core (npm install playwright-core); -o html writes the same page without it');
  }
  // A fresh profile each time (Playwright takes it as the persistent context's directory: it
  // refuses --user-data-dir among the arguments), removed afterwards.
  const profile = await mkdtemp(join(tmpdir(), 'managedapps-pdf-'));
  try {
    const context = await playwright.chromium.launchPersistentContext(profile, { executablePath, headless: true, args: [...CHROMIUM_ARGS], timeout: PRINT_TIMEOUT_MS });
    try {
      const page = await context.newPage();
      // Nothing may leave the page: every request but the page itself is refused.
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load', timeout: PRINT_TIMEOUT_MS });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await context.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
