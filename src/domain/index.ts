// src/domain — the contract of docs/domain.md as pure functions and data.
//
// Owns: business calendars and service windows (§4), maintenance schedules (§11), the guarantee
// tables and their math — GTD availability (§5), GTR restoration (§6), GTC change times (§7),
// credits with the cap and the one-credit-per-incident rule (§8) —, token pricing and the monthly
// ledger (§10), the level, support and backup rules (§1–§3, §12), the monthly SLA report
// model of design.md §3 (`computeMonthlyReport`) with the running month's credit forecast
// (forecast.ts), and the money of §13 (issue 13): SLA claims (claims.ts), tickets (tickets.ts),
// billable effort (effort.ts) and the monthly statement with the SYNTEC revision and the minimum
// guaranteed revenue (statement.ts).
//
// Must not import: Kubernetes (@kubernetes/*), any I/O (node:fs, node:http, node:net, ...),
// logging or metrics, nor any other layer of src/ (api, runtime, controllers, webhooks,
// monitoring, metrics, cli). Never reads the clock: `now` is always a parameter. Lint enforces it.
// Every number of the contract lives once in this folder, next to the section it comes from.

export * from './vocabulary.ts';
export * from './limits.ts';
export * from './calendar.ts';
export * from './windows.ts';
export * from './maintenance.ts';
export * from './interval.ts';
export * from './guarantees.ts';
export * from './money.ts';
export * from './availability.ts';
export * from './restoration.ts';
export * from './change.ts';
export * from './credits.ts';
export * from './tokens.ts';
export * from './releases.ts';
export * from './levels.ts';
export * from './backup.ts';
export * from './report.ts';
export * from './tenant.ts';
export * from './terms.ts';
export * from './risk.ts';
export * from './retention.ts';
export * from './seal.ts';
export * from './problems.ts';
export * from './forecast.ts';
export * from './claims.ts';
export * from './tickets.ts';
export * from './effort.ts';
export * from './statement.ts';
export * from './month-statement.ts';
export * from './patching.ts';
export * from './catalog.ts';
export * from './runbook.ts';
export * from './pack.ts';
