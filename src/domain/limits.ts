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
