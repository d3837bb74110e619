// Numbers of the contract that the API enforces per object (CRD schema bounds and CEL rules).
// Each one is written once, here, with its source; src/api imports them into the zod schemas and
// into the text of the CEL rules, so a different reading is a one-line change.
import type { ManagementLevel } from './vocabulary.ts';

/** domain.md §3: phone access is limited to 5 named contacts. */
export const MAX_PHONE_CONTACTS = 5;

/** domain.md §3: the service has a minimum duration of 1 year. */
export const MIN_SERVICE_MONTHS = 12;

/** domain.md §3: support is subscribed for at least 6 months (and re-commits 6 months when raised). */
export const MIN_SUPPORT_COMMITMENT_MONTHS = 6;

/** domain.md §10: at most 6 accelerated changes per year. */
export const MAX_ACCELERATED_CHANGES_PER_YEAR = 6;

/** domain.md §7: a simple (standard catalogue) change is exactly 1 token; a complex one more than 1. */
export const SIMPLE_CHANGE_TOKENS = 1;

/** domain.md §1: a VM (or physical server) takes exactly one of these levels. */
export const VM_LEVELS = ['OS', 'Database', 'Middleware', 'Application'] as const satisfies readonly ManagementLevel[];

/** domain.md §1: a Kubernetes cluster takes exactly one of these levels. */
export const CLUSTER_LEVELS = ['Kubernetes', 'Containers', 'Application'] as const satisfies readonly ManagementLevel[];

// ---- bounds of values (issue 20: every computation driven by user data has a bound) ------------
// Not numbers of the contract: sane ranges, so that no value (a year 9999, an amount of 1e308, a
// token pack of 2^31) reaches a computation whose cost or result it would break. The schemas
// (src/api/v1alpha1/common.ts), the CEL rules and toDomain() read them from here.

/** The first calendar year a date or an instant of a spec may name (and an SLAReport's month). */
export const CALENDAR_MIN_YEAR = 1970;

/** The last calendar year a date or an instant of a spec may name (and an SLAReport's month). */
export const CALENDAR_MAX_YEAR = 2200;

/**
 * How far ahead a maintenance recurrence is searched (nextOccurrences), and within how many years
 * of its start a rule must yield an occurrence to be accepted (rules like "29 February" recur
 * within 8).
 */
export const RRULE_HORIZON_YEARS = 10;

/** The largest amount of money a spec may state (a price, a fee, a charge), in the contract's currency. */
export const MAX_AMOUNT = 1_000_000_000;

/** The largest monthly token pack (domain.md §10: a token is 30 minutes; 100,000 tokens are 50,000 hours, a month of ~300 people full time). */
export const MAX_MONTHLY_TOKENS = 100_000;

/** The largest monthly ticket quota (issue 13, seed §9.5): a thousand tickets a working day. */
export const MAX_MONTHLY_TICKETS = 25_000;

/** The most years of SYNTEC indices a contract lists (seed §9.3.1): a century of revisions. */
export const MAX_INDEX_YEARS = 100;

/** The largest value of a price index (SYNTEC was about 300 in 2024, base 100 in 1984 ... ample headroom). */
export const MAX_INDEX_VALUE = 1_000_000;

/** The most entries of spec.supportLevels: 10 years of a change every month, for the 4 environments (domain.md §3 keeps the history in the contract). */
export const MAX_SUPPORT_LEVEL_ENTRIES = 480;

/** The most dated amendments of the token pack and the prices: 10 years of one every month. */
export const MAX_AMENDMENTS = 120;

/** The most work minutes one incident may record (issue 13, seed §8.4.4, §5.11.5): a year of one person full time, 24 h a day. */
export const MAX_WORK_MINUTES = 525_600;

/** The largest price of one change in tokens, before multipliers (domain.md §7: a simple change is 1). */
export const MAX_CHANGE_TOKENS = 10_000;

/**
 * The most occurrence approvals one MaintenanceWindow holds (domain.md §11: approved occurrence by
 * occurrence): two years of a weekly window and more; a longer plan is a new window.
 */
export const MAX_WINDOW_APPROVALS = 128;

/** The longest maintenance occurrence, in hours (31 days): an occurrence longer than a month is not a window. */
export const MAX_MAINTENANCE_DURATION_HOURS = 744;

/** The most run years a contract may state (seed §9.4 "le nombre d'années de RUN prévu au Contrat"): a bound of the schema, not a figure of the contract. */
export const MAX_RUN_YEARS = 20;
