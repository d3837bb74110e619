// Reading the monthly pack's HTML page back (src/cli/pack-html.ts): its figures are spans
// `data-figure="<path in the report's JSON>"` whose text is the number in the page's language.

/** The value at a dotted path of the report's JSON (`pack.gtd.0.availabilityPercent`). */
export function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[k]), value);
}

/** A number as the page shows it: en-GB `1,230.5`, fr-FR `1 230,5` (narrow no-break spaces). */
export function parseShown(text: string | null, language: 'en' | 'fr'): number {
  const t = text ?? '';
  const plain = language === 'fr' ? t.replace(/[\s\u202f\u00a0]/g, '').replace(',', '.') : t.replace(/,/g, '');
  return Number(plain);
}

/** Every `data-figure` of the page's HTML: its report path and the text shown. */
export function figures(html: string): { path: string; shown: string }[] {
  return [...html.matchAll(/<span class="figure" data-figure="([^"]+)">([^<]*)<\/span>/g)].map((m) => ({ path: m[1] ?? '', shown: m[2] ?? '' }));
}
