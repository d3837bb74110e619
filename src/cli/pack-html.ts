// `report -o html`: the monthly pack as ONE self-contained HTML page per contract and month (issue
// 16 item 3, design.md §3 "The monthly pack"), for a client's committee. The figures are the
// pack's and the report's (never recomputed here); the series the charts draw that the pack does
// not hold (the error budget burn, the incidents per day) come from src/domain/pack-charts.ts.
//
// Charts are drawn by Apache ECharts on the server, as SVG (`renderer: 'svg', ssr: true`,
// renderToSVGString): the page holds no script, loads nothing (inline CSS, inline SVG, the
// system's sans-serif font) and prints as it shows (`-o pdf`, pdf.ts). Only the ECharts parts the
// page uses are loaded, and this module itself only for `-o html` and `-o pdf` (report.ts imports
// it on demand: the CLI's start-up, issue 17).
//
// Every figure the page shows from the report carries `data-figure="<path in the report's JSON>"`
// (`pack.gtd.0.availabilityPercent`), its text the number in the page's language: the tests read
// them back against `report -o json`.
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import {
  CAPACITY_TREND_MONTHS, monthDays, monthPeriod, packLabels, PACK_LIST_LIMIT, PRIORITIES, statementLabels, type MonthlyPack, type MonthlyReport, type PackCharts, type PackLanguage, type Priority,
  type StatementReport,
} from '../domain/index.ts';

echarts.use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, SVGRenderer]);

const CHART_WIDTH = 760;
const CHART_HEIGHT = 300;

/** The page's own labels (the pack's are packLabels'): en and fr, as the text pack. */
const PAGE = {
  en: {
    contract: 'Contract', unit: 'Unit', period: 'Period', asOf: 'as of', availabilityChart: 'Availability per function against its guarantee',
    burnTitle: 'Error budget', burnChart: 'Error budget burn: cumulative counted downtime (minutes) against the budget', budget: 'budget', function: 'Function', downtime: 'downtime',
    minutes: 'min', used: 'used', incidentsChart: 'Incidents opened per day, by priority', majorChart: 'Major incidents (P1) on the month\'s timeline',
    tokensChart: 'Tokens against the pack', withinPack: 'within the pack', day: 'day', notDrawn: '{n} more functions not drawn (the table lists them all)',
    credit: 'credit', value: 'value', seriesNote: 'The burn of a function is the mean of its production units\' counted downtime over their subscribed time, in minutes of the month; it exceeds the budget exactly when the availability is below the guarantee.',
  },
  fr: {
    contract: 'Contrat', unit: 'Unité', period: 'Période', asOf: 'au', availabilityChart: 'Disponibilité par fonction et sa garantie',
    burnTitle: 'Budget d\'indisponibilité', burnChart: 'Consommation du budget d\'indisponibilité : indisponibilité comptée cumulée (minutes) et budget', budget: 'budget', function: 'Fonction', downtime: 'indisponibilité',
    minutes: 'min', used: 'consommé', incidentsChart: 'Incidents ouverts par jour, par priorité', majorChart: 'Incidents majeurs (P1) sur le mois',
    tokensChart: 'Jetons et forfait', withinPack: 'dans le forfait', day: 'jour', notDrawn: '{n} autres fonctions non tracées (le tableau les donne toutes)',
    credit: 'pénalité', value: 'valeur', seriesNote: 'La consommation d\'une fonction est la moyenne de l\'indisponibilité comptée de ses unités de production rapportée à leur temps souscrit, en minutes du mois ; elle dépasse le budget exactement quand la disponibilité est sous la garantie.',
  },
} as const satisfies Record<PackLanguage, Record<string, string>>;

const PRIORITY_COLORS: Readonly<Record<Priority, string>> = { P1: '#c0392b', P2: '#e67e22', P3: '#f1c40f', P4: '#7f8c8d' };
const MET = '#2e8b57';
const MISSED = '#c0392b';

export interface PackPage {
  readonly namespace: string;
  readonly contract: string;
  readonly report: MonthlyReport;
  readonly charts: PackCharts;
  readonly language: PackLanguage;
  /** The month's statement (SLAReport status.statement, design.md §3 "The monthly statement"); absent: none. */
  readonly statement?: StatementReport | undefined;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** One SVG chart, drawn on the server; no animation (the page is printed as it is written). */
function svgChart(option: EChartsOption, height = CHART_HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Renders the page. */
export function renderPackHtml(page: PackPage): string {
  const { report, charts, language } = page;
  const pack = report.pack;
  if (pack === undefined) throw new Error(`the report of ${report.period.month} has no monthly pack`);
  const t = packLabels(language);
  const p = PAGE[language];
  const numberFormat = new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 4 });
  const num = (n: number): string => numberFormat.format(n);
  /** A figure of the report at `path` (its JSON), shown as a number and a unit. */
  const fig = (path: string, value: number, unit = ''): string => `<span class="figure" data-figure="${escapeHtml(path)}">${num(value)}</span>${unit === '' ? '' : `&#160;${escapeHtml(unit)}`}`;
  const cur = pack.currency;
  const v = pack.volumes;
  const dayLabels = charts.days.map((d) => String(Number(d.slice(8, 10))));

  const sections: string[] = [];

  // ---- guarantees
  const gtdRows = pack.gtd.map((f, i) => `<tr><td>${escapeHtml(f.name)}</td><td>${fig(`pack.gtd.${i}.availabilityPercent`, f.availabilityPercent, '%')}</td><td>${fig(`pack.gtd.${i}.guaranteePercent`, f.guaranteePercent, '%')}</td><td class="${f.met ? 'met' : 'missed'}">${f.met ? t.met : t.missed}</td><td>${fig(`pack.gtd.${i}.creditAmount`, f.creditAmount, cur)}</td></tr>`);
  sections.push(`<section><h2>${t.guarantees}</h2>
${pack.gtd.length === 0 ? `<p>${t.none}</p>` : `<figure class="chart" data-chart="availability"><figcaption>${p.availabilityChart}</figcaption>${availabilityChart(pack, t.availability, t.guarantee, num)}</figure>`}
<table><thead><tr><th>GTD</th><th>${t.availability}</th><th>${t.guarantee}</th><th></th><th>${p.credit}</th></tr></thead><tbody>${gtdRows.join('')}</tbody></table>
<table><tbody>
<tr><th>GTR</th><td>${fig('pack.gtr.resolved', pack.gtr.resolved)} ${t.resolved}, ${fig('pack.gtr.late', pack.gtr.late)} ${t.late}</td><td>${t.deviation} ${fig('pack.gtr.deviationPercent', pack.gtr.deviationPercent, '%')}</td><td>${fig('pack.gtr.creditAmount', pack.gtr.creditAmount, cur)}</td></tr>
<tr><th>GTC</th><td>${fig('pack.gtc.completed', pack.gtc.completed)} ${t.completed}, ${fig('pack.gtc.late', pack.gtc.late)} ${t.late}</td><td></td><td>${fig('pack.gtc.creditAmount', pack.gtc.creditAmount, cur)}</td></tr>
<tr><th>${t.nonProduction}</th><td>GTR ${fig('pack.nonProduction.incidentsTimed', pack.nonProduction.incidentsTimed)} (${fig('pack.nonProduction.incidentsLate', pack.nonProduction.incidentsLate)} ${t.late})</td><td>GTC ${fig('pack.nonProduction.changesTimed', pack.nonProduction.changesTimed)} (${fig('pack.nonProduction.changesLate', pack.nonProduction.changesLate)} ${t.late})</td><td></td></tr>
</tbody></table></section>`);

  // ---- error budget burn
  if (charts.burn.length > 0) {
    const burnRows = charts.burn.map((b) => {
      const used = b.cumulativeSeconds.at(-1) ?? 0;
      return `<tr><td>${escapeHtml(b.name)}</td><td>${num(Math.round(used / 6) / 10)}&#160;${p.minutes}</td><td>${num(Math.round(b.budgetSeconds / 6) / 10)}&#160;${p.minutes}</td><td>${b.budgetSeconds === 0 ? '–' : `${num(Math.round((used / b.budgetSeconds) * 1000) / 10)}&#160;%`}</td></tr>`;
    });
    sections.push(`<section class="new-page"><h2>${p.burnTitle}</h2>
<figure class="chart" data-chart="burn"><figcaption>${p.burnChart}${charts.burn.length > PACK_LIST_LIMIT ? ` (${p.notDrawn.replace('{n}', String(charts.burn.length - PACK_LIST_LIMIT))})` : ''}</figcaption>${burnChart(charts, dayLabels, p.budget, num)}</figure>
<p class="note">${p.seriesNote}</p>
<table><thead><tr><th>${p.function}</th><th>${p.downtime}</th><th>${p.budget}</th><th>${p.used}</th></tr></thead><tbody>${burnRows.join('')}</tbody></table></section>`);
  }

  // ---- incidents
  const counts = (r: Readonly<Record<string, number>>, path: string): string => Object.entries(r).map(([k, n]) => `${escapeHtml(k)} ${fig(`${path}.${k}`, n)}`).join(', ');
  const majors = pack.majorIncidents;
  sections.push(`<section class="new-page"><h2>${t.incidents}</h2>
<table><tbody>
<tr><th>${t.incidents}</th><td>${fig('pack.volumes.incidents.total', v.incidents.total)}</td></tr>
<tr><th>${t.byPriority}</th><td>${counts(v.incidents.byPriority, 'pack.volumes.incidents.byPriority')}</td></tr>
<tr><th>${t.byEnvironment}</th><td>${counts(v.incidents.byEnvironment, 'pack.volumes.incidents.byEnvironment')}</td></tr>
<tr><th>${t.byDetection}</th><td>${counts(v.incidents.byDetection, 'pack.volumes.incidents.byDetection')}</td></tr>
<tr><th>${t.changes}</th><td>${fig('pack.volumes.changes.total', v.changes.total)}; ${counts(v.changes.byCategory, 'pack.volumes.changes.byCategory')}</td></tr>
</tbody></table>
${v.incidents.total === 0 ? '' : `<figure class="chart" data-chart="incidents"><figcaption>${p.incidentsChart}</figcaption>${incidentsChart(charts, dayLabels)}</figure>`}
<h3>${t.major}: ${num(majors.more + majors.items.length)}</h3>
${majors.items.length === 0 ? `<p>${t.none}</p>` : `<figure class="chart" data-chart="major"><figcaption>${p.majorChart}</figcaption>${majorChart(report, charts, p.day)}</figure>
<ul>${majors.items.map((i) => `<li>${escapeHtml(i.name)}: ${escapeHtml(i.openedAt)} → ${escapeHtml(i.resolvedAt ?? t.open)} (${i.units.map(escapeHtml).join(', ')})</li>`).join('')}${majors.more > 0 ? `<li>${t.more.replace('{n}', String(majors.more))}</li>` : ''}</ul>`}
</section>`);

  // ---- tokens and releases
  sections.push(`<section class="new-page"><h2>${t.tokens}</h2>
${v.tokens.pack + v.tokens.used === 0 ? '' : `<figure class="chart" data-chart="tokens"><figcaption>${p.tokensChart}</figcaption>${tokensChart(pack, t.pack, t.used, p.withinPack, t.extra)}</figure>`}
<table><tbody>
<tr><th>${t.pack}</th><td>${fig('pack.volumes.tokens.pack', v.tokens.pack)}</td><th>${t.used}</th><td>${fig('pack.volumes.tokens.used', v.tokens.used)}</td><th>${t.extra}</th><td>${fig('pack.volumes.tokens.extra', v.tokens.extra)} (${fig('pack.volumes.tokens.extraAmount', v.tokens.extraAmount, cur)})</td></tr>
<tr><th>${t.releases}</th><td colspan="5">${v.releases.length === 0 ? t.none : v.releases.map((r, i) => `${escapeHtml(r.supportLevel)} ${fig(`pack.volumes.releases.${i}.count`, r.count)}/${fig(`pack.volumes.releases.${i}.quota`, r.quota)} ${t.quota}`).join(', ')}</td></tr>
</tbody></table></section>`);

  // ---- problems, maintenance
  const list = <T>(items: { items: readonly T[]; more: number }, row: (x: T) => string): string =>
    items.items.length === 0 ? `<p>${t.none}</p>` : `<ul>${items.items.map((x) => `<li>${row(x)}</li>`).join('')}${items.more > 0 ? `<li>${t.more.replace('{n}', String(items.more))}</li>` : ''}</ul>`;
  sections.push(`<section><h2>${t.problems}</h2>
<p>${t.opened} ${fig('pack.problems.opened', pack.problems.opened)}, ${t.closed} ${fig('pack.problems.closed', pack.problems.closed)}, ${t.openAtEnd} ${fig('pack.problems.openAtEnd', pack.problems.openAtEnd)}</p>
${list(pack.problems.list, (x) => `${escapeHtml(x.name)} (${escapeHtml(x.state)}) ${escapeHtml(x.summary)}`)}
<h2>${t.maintenance}</h2>
${list(pack.maintenance, (m) => `${escapeHtml(m.window)} ${escapeHtml(m.start)} → ${escapeHtml(m.end)} (${num(m.units)} ${t.units})`)}
</section>`);

  // ---- credits
  sections.push(`<section><h2>${t.credits}</h2>
<table><tbody><tr><th>${t.uncapped}</th><td>${fig('pack.credits.uncapped', pack.credits.uncapped, cur)}</td><th>${t.cap}</th><td>${fig('pack.credits.cap', pack.credits.cap, cur)} (${fig('pack.credits.capPercent', pack.credits.capPercent, '%')})</td><th>${t.total}</th><td><strong>${fig('pack.credits.total', pack.credits.total, cur)}</strong></td></tr></tbody></table>
</section>`);

  // ---- capacity (the pack's section, read from Prometheus when the report was made final)
  const capacity = pack.capacity;
  if (capacity !== undefined) {
    const resources = (['cpu', 'memory', 'disk'] as const).filter((r) => capacity[r] !== undefined);
    const table = (r: (typeof resources)[number]): string => {
      const rows = capacity[r];
      if (rows === undefined) return '';
      const body = rows.items.map((row, i) => `<tr><td>${escapeHtml(row.unit)}</td><td>${row.p95 === undefined ? `${t.noP95}${row.reason === undefined ? '' : `: ${escapeHtml(row.reason)}`}` : fig(`pack.capacity.${r}.items.${i}.p95`, row.p95)}</td><td>${row.baseline === undefined ? (row.p95 === undefined ? '' : t.noHistory) : fig(`pack.capacity.${r}.items.${i}.baseline`, row.baseline)}</td><td>${row.trendPercent === undefined ? '' : fig(`pack.capacity.${r}.items.${i}.trendPercent`, row.trendPercent, '%')}</td></tr>`);
      return `<h3>${t[r]}</h3><table><thead><tr><th>${p.unit}</th><th>p95</th><th>${t.baseline}</th><th>%</th></tr></thead><tbody>${body.join('')}${rows.more > 0 ? `<tr><td colspan="4">${t.more.replace('{n}', String(rows.more))}</td></tr>` : ''}</tbody></table>`;
    };
    sections.push(`<section data-section="capacity"><h2>${escapeHtml(t.capacity.replace('{n}', String(CAPACITY_TREND_MONTHS)))}</h2>
${!capacity.available ? `<p>${t.unavailable}: ${escapeHtml(capacity.reason ?? '')}</p>` : resources.length === 0 ? `<p>${t.none}</p>` : resources.map(table).join('\n')}
</section>`);
  }

  // ---- the statement (issue 13: what the month costs, excluding tax)
  const st = page.statement;
  if (st !== undefined) {
    const s = statementLabels(language);
    const sc = st.currency;
    const sfig = (path: string, value: number, unit = ''): string => fig(`statement.${path}`, value, unit);
    const recurring = st.recurring.lines.map((l, i) => `<tr><td>${escapeHtml(l.name)} (${escapeHtml(l.kind)})</td><td>${sfig(`recurring.lines.${i}.base`, l.base, sc)}${l.ratio === 1 ? '' : ` × ${num(l.ratio)}`}</td><td>${sfig(`recurring.lines.${i}.amount`, l.amount, sc)}</td></tr>`);
    const rows = [
      `<tr><th>${s.recurring}, ${s.subtotal}</th><td></td><td>${sfig('recurring.subtotal', st.recurring.subtotal, sc)}</td></tr>`,
      ...(st.recurring.minimumTopUp > 0 ? [`<tr><th>${s.minimum} ${s.topUp}</th><td></td><td>${sfig('recurring.minimumTopUp', st.recurring.minimumTopUp, sc)}</td></tr>`] : []),
      `<tr><th>${s.tokens}</th><td>${sfig('tokens.used', st.tokens.used)} ${s.used} / ${sfig('tokens.pack', st.tokens.pack)} ${s.pack}, ${sfig('tokens.extra', st.tokens.extra)} ${s.extra} × ${sfig('tokens.unitPrice', st.tokens.unitPrice, sc)}</td><td>${sfig('tokens.amount', st.tokens.amount, sc)}</td></tr>`,
      `<tr><th>${s.tickets}</th><td>${sfig('tickets.used', st.tickets.used)} / ${sfig('tickets.quota', st.tickets.quota)} ${s.quota}, ${sfig('tickets.overage', st.tickets.overage)} ${s.overage} × ${sfig('tickets.unitPrice', st.tickets.unitPrice, sc)} (${escapeHtml(st.tickets.tariff)})</td><td>${sfig('tickets.amount', st.tickets.amount, sc)}</td></tr>`,
      ...(st.minimumRevenue !== undefined && st.minimumRevenue.shortfall > 0 ? [`<tr><th>${s.minimumRevenue} ${num(st.minimumRevenue.runYear)}, ${s.shortfall}</th><td></td><td>${sfig('minimumRevenue.shortfall', st.minimumRevenue.shortfall, sc)}</td></tr>`] : []),
      `<tr><th>${s.beforeCredits}</th><td></td><td>${sfig('totals.beforeCredits', st.totals.beforeCredits, sc)}</td></tr>`,
      `<tr><th>${s.credits} ${s.deducted}</th><td>${s.available} ${sfig('credits.available', st.credits.available, sc)}, ${s.carriedOut} ${sfig('credits.carriedOut', st.credits.carriedOut, sc)}</td><td>− ${sfig('totals.credits', st.totals.credits, sc)}</td></tr>`,
      `<tr><th>${s.total} ${s.excludingTax}</th><td></td><td><strong>${sfig('totals.excludingTax', st.totals.excludingTax, sc)}</strong></td></tr>`,
    ];
    sections.push(`<section class="new-page" data-section="statement"><h2>${s.title} (${report.final ? s.final : s.provisional}), ${escapeHtml(sc)} ${s.excludingTax}</h2>
${recurring.length === 0 ? '' : `<table><thead><tr><th>${s.recurring}</th><th></th><th></th></tr></thead><tbody>${recurring.join('')}</tbody></table>`}
<table><tbody>${rows.join('')}</tbody></table>
${st.missing === undefined || st.missing.length === 0 ? '' : `<p class="note">${s.missing}: ${st.missing.map(escapeHtml).join(', ')}</p>`}
</section>`);
  }

  const title = `${t.title} ${pack.month}: ${page.namespace}/${page.contract}`;
  return deterministic(`<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${t.title} ${escapeHtml(pack.month)} <span class="state">(${report.final ? t.final : t.provisional})</span></h1>
<p>${p.contract} <strong>${escapeHtml(page.namespace)}/${escapeHtml(page.contract)}</strong>. ${p.period}: ${escapeHtml(report.period.start)} → ${escapeHtml(report.period.end)} (${escapeHtml(report.period.timeZone)}), ${p.asOf} ${escapeHtml(charts.horizon)}.</p></header>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`);
}

/**
 * The SVG's class and clip-path names count zrender's instances and styles in the process
 * (`zr7-cls-42`, `zr7-c0`): renamed in order of appearance, so the same report gives the same
 * page byte for byte, whatever was drawn before it.
 */
function deterministic(html: string): string {
  const names = new Map<string, string>();
  return html.replace(/\bzr\d+-[a-z]+-?\d+\b/g, (name) => {
    let renamed = names.get(name);
    if (renamed === undefined) {
      renamed = `ec${names.size + 1}`;
      names.set(name, renamed);
    }
    return renamed;
  });
}

const CSS = `
body { font-family: sans-serif; color: #222; margin: 2rem auto; max-width: 800px; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h1 .state { font-weight: normal; color: #666; font-size: 1rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 1.6rem; } h3 { font-size: 1rem; }
table { border-collapse: collapse; margin: .6rem 0; width: 100%; } th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; font-size: .9rem; }
th { background: #f4f4f4; } td.met { color: ${MET}; } td.missed { color: ${MISSED}; font-weight: bold; }
figure.chart { margin: .6rem 0; } figcaption { font-weight: bold; font-size: .9rem; margin-bottom: .3rem; } figure.chart svg { max-width: 100%; height: auto; } .note { font-size: .8rem; color: #555; }
section { break-inside: avoid-page; }
/* Printed (-o pdf): the guarantees, the error budget, the incidents, then the rest, each from a new sheet. */
@page { size: A4; margin: 12mm; }
@media print { body { margin: 0; max-width: none; } section.new-page { break-before: page; } }
`;

// ---- charts ------------------------------------------------------------------------------------

function availabilityChart(pack: MonthlyPack, availability: string, guarantee: string, num: (n: number) => string): string {
  const values = pack.gtd.flatMap((f) => [f.availabilityPercent, f.guaranteePercent]);
  // The axis starts a little below the lowest figure, so a gap of tenths of a point is visible.
  const min = Math.max(0, Math.floor(Math.min(...values) - 0.5));
  return svgChart({
    legend: { top: 0, data: [availability, guarantee] },
    grid: { top: 36, left: 60, right: 20, bottom: 70 },
    xAxis: { type: 'category', data: pack.gtd.map((f) => f.name), axisLabel: { rotate: pack.gtd.length > 6 ? 30 : 0, interval: 0 } },
    yAxis: { type: 'value', min, max: 100, axisLabel: { formatter: (x: number) => `${num(x)} %` } },
    series: [
      { type: 'bar', name: availability, data: pack.gtd.map((f) => ({ value: f.availabilityPercent, itemStyle: { color: f.met ? MET : MISSED } })), barMaxWidth: 40 },
      { type: 'scatter', name: guarantee, data: pack.gtd.map((f) => f.guaranteePercent), symbol: 'rect', symbolSize: [34, 3], itemStyle: { color: '#222' } },
    ],
  });
}

function burnChart(charts: PackCharts, dayLabels: readonly string[], budget: string, num: (n: number) => string): string {
  // At most PACK_LIST_LIMIT lines: the functions that burnt most of their budget.
  const ratio = (b: PackCharts['burn'][number]): number => (b.budgetSeconds === 0 ? 0 : (b.cumulativeSeconds.at(-1) ?? 0) / b.budgetSeconds);
  const drawn = [...charts.burn].sort((a, b) => ratio(b) - ratio(a) || (a.name < b.name ? -1 : 1)).slice(0, PACK_LIST_LIMIT);
  const budgets = [...new Set(drawn.map((b) => b.budgetSeconds))];
  const minutes = (s: number): number => Math.round(s / 6) / 10;
  return svgChart({
    legend: { top: 0, type: 'plain' },
    grid: { top: 60, left: 60, right: 90, bottom: 30 },
    xAxis: { type: 'category', data: [...dayLabels], boundaryGap: false },
    yAxis: { type: 'value', name: 'min', max: (e: { max: number }) => Math.max(e.max, ...budgets.map(minutes)), axisLabel: { formatter: (x: number) => num(x) } },
    series: drawn.map((b, i) => ({
      type: 'line' as const,
      name: b.name,
      showSymbol: false,
      data: b.cumulativeSeconds.map(minutes),
      ...(i === 0 ? {
        markLine: {
          symbol: 'none', silent: true, lineStyle: { type: 'dashed' as const, color: MISSED },
          label: { formatter: (x: { value: unknown }) => `${budget} ${num(Number(x.value))}`, position: 'end' as const },
          data: budgets.map((s) => ({ yAxis: minutes(s) })),
        },
      } : {}),
    })),
  }, 340);
}

function incidentsChart(charts: PackCharts, dayLabels: readonly string[]): string {
  return svgChart({
    legend: { top: 0, data: [...PRIORITIES] },
    grid: { top: 36, left: 50, right: 20, bottom: 30 },
    xAxis: { type: 'category', data: [...dayLabels] },
    yAxis: { type: 'value', minInterval: 1 },
    series: PRIORITIES.map((priority) => ({ type: 'bar' as const, name: priority, stack: 'incidents', itemStyle: { color: PRIORITY_COLORS[priority] }, data: charts.incidentsByDay.map((d) => d[priority]) })),
  });
}

/** The major incidents as bars from their opening to their resolution (or the report's instant), in days of the month, local. */
function majorChart(report: MonthlyReport, charts: PackCharts, day: string): string {
  const pack = report.pack;
  if (pack === undefined) return '';
  const period = monthPeriod(report.period.month, report.period.timeZone);
  const { starts } = monthDays(period, report.period.timeZone);
  const end = period.end.getTime();
  // Position in local days: the day's index plus the fraction of that day (a DST day has 23 or 25 hours).
  const position = (ms: number): number => {
    let i = starts.length - 1;
    while (i > 0 && (starts[i] ?? 0) > ms) i -= 1;
    const start = starts[i] ?? period.start.getTime();
    const next = starts[i + 1] ?? end;
    return i + Math.min(1, Math.max(0, (ms - start) / (next - start)));
  };
  const items = [...pack.majorIncidents.items].reverse(); // the first at the top
  const horizon = Date.parse(charts.horizon);
  const from = items.map((i) => position(Date.parse(i.openedAt)));
  const to = items.map((i) => position(i.resolvedAt === undefined ? horizon : Date.parse(i.resolvedAt)));
  return svgChart({
    grid: { top: 10, left: 200, right: 20, bottom: 30 },
    xAxis: { type: 'value', min: 0, max: starts.length, interval: 5, name: day, axisLabel: { formatter: (x: number) => String(x + 1), showMaxLabel: false } },
    yAxis: { type: 'category', data: items.map((i) => i.name) },
    series: [
      { type: 'bar', stack: 'major', data: from, itemStyle: { color: 'transparent' }, silent: true },
      // At least a visible sliver for an incident of minutes.
      { type: 'bar', stack: 'major', data: to.map((x, k) => Math.max(0.05, x - (from[k] ?? 0))), itemStyle: { color: PRIORITY_COLORS.P1 }, barMaxWidth: 14 },
    ],
  }, Math.max(120, 60 + items.length * 22));
}

function tokensChart(pack: MonthlyPack, packLabel: string, used: string, within: string, extra: string): string {
  const tk = pack.volumes.tokens;
  return svgChart({
    legend: { top: 0, data: [packLabel, within, extra] },
    grid: { top: 36, left: 110, right: 30, bottom: 30 },
    yAxis: { type: 'category', data: [packLabel, used] },
    xAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'bar', name: packLabel, stack: 'tokens', data: [tk.pack, 0], itemStyle: { color: '#5b7db1' }, barMaxWidth: 30 },
      { type: 'bar', name: within, stack: 'tokens', data: [0, Math.min(tk.used, tk.pack)], itemStyle: { color: MET }, barMaxWidth: 30 },
      { type: 'bar', name: extra, stack: 'tokens', data: [0, tk.extra], itemStyle: { color: MISSED }, barMaxWidth: 30 },
    ],
  }, 180);
}
