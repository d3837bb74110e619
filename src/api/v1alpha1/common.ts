// Building blocks shared by the kinds of managedapps.dev/v1alpha1: object metadata,
// references, times and durations, label selectors, metav1.Condition, and the helpers that attach
// descriptions and CEL rules to a zod schema. Everything here must stay expressible as a
// STRUCTURAL OpenAPI schema (see generate.ts): no unions of types, no `unknown` without intent.
import { z } from 'zod';
import { CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, MAX_AMOUNT } from '../../domain/limits.ts';

export const GROUP = 'managedapps.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
/** The label of an object's shard bucket, `"<k>-of-<N>"` (`--shards N`, src/runtime/shards.ts): stamped by the mutating webhook, by the operator's creates and by its labeller. */
export const SHARD_LABEL = `${GROUP}/shard`;

/** One CEL rule of `x-kubernetes-validations`. The message always names the field it is about. */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
  /** Where the API server reports the failure (a JSONPath below the node carrying the rule). */
  readonly fieldPath?: string;
  readonly reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  /** Transition rules (using `oldSelf`) only run on updates where the old value exists. */
  readonly optionalOldSelf?: boolean;
}

/** A description, and optionally CEL rules and other `x-kubernetes-*` extensions, for a node. */
export function doc<T extends z.ZodType>(schema: T, description: string, extra: Record<string, unknown> = {}): T {
  return schema.meta({ description, ...extra });
}

/** Attach CEL rules (and a description) to a node; the rules land verbatim in the CRD. */
export function withRules<T extends z.ZodType>(schema: T, description: string, rules: readonly CelRule[], extra: Record<string, unknown> = {}): T {
  return schema.meta({ description, 'x-kubernetes-validations': rules, ...extra });
}

/** `self == oldSelf` on a required field: once written, never changed. */
export function immutable(field: string): CelRule {
  return { rule: 'self == oldSelf', message: `${field} is immutable`, reason: 'FieldValueForbidden' };
}

/**
 * Immutable once set, for an optional `child` of the node carrying the rule: it may be added
 * later, but never changed or removed afterwards.
 */
export function immutableOnceSet(child: string, fieldName: string): CelRule {
  return {
    rule: `!has(oldSelf.${child}) || (has(self.${child}) && self.${child} == oldSelf.${child})`,
    message: `${fieldName} is immutable once set`,
    fieldPath: `.${child}`,
    reason: 'FieldValueForbidden',
  };
}

// ---- scalars ---------------------------------------------------------------------------------

/** Kubernetes object name (RFC 1123 subdomain). */
export const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const objectName = (description: string) =>
  doc(z.string().min(1).max(253).regex(NAME_PATTERN), description);

/** Free text kept short so CEL cost estimates stay bounded. */
export const text = (description: string, max = 256) => doc(z.string().min(1).max(max), description);

/** An RFC 3339 instant, e.g. `2026-10-14T08:30:00Z` or `2026-10-14T10:30:00+02:00` (status fields: the operator writes them). */
export const time = (description: string) => doc(z.iso.datetime({ offset: true }), description);

// ---- bounded values of a spec (issue 20; the bounds are src/domain/limits.ts's) ----------------

/** Why a date, an instant or a month is refused: its year (in UTC for an instant) is outside the calendar years. */
export const YEAR_MESSAGE = `year must be ${CALENDAR_MIN_YEAR} to ${CALENDAR_MAX_YEAR}`;

const yearOk = (year: number): boolean => year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR;

/** Whether `value` (`YYYY-MM...`, a date or a month) names a year within the calendar years. */
export function yearInRange(value: string): boolean {
  return /^[0-9]{4}/.test(value) && yearOk(Number(value.slice(0, 4)));
}

/** Whether an RFC 3339 instant falls in a UTC year within the calendar years (what CEL sees: a timestamp). */
export function instantInRange(value: string): boolean {
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && yearOk(new Date(ms).getUTCFullYear());
}

/**
 * The same check in CEL, for the CRD (the schema's `pattern` is dropped beside a `format`): the
 * API server types a `date` or `date-time` string as a timestamp, compared here in constant cost.
 */
export const YEAR_RULE: CelRule = {
  rule: `self >= timestamp('${CALENDAR_MIN_YEAR}-01-01T00:00:00Z') && self < timestamp('${CALENDAR_MAX_YEAR + 1}-01-01T00:00:00Z')`,
  message: YEAR_MESSAGE,
};

/** The check for a month (`YYYY-MM`, a plain string to CEL). */
const MONTH_YEAR_RULE: CelRule = {
  rule: `int(self.substring(0, 4)) >= ${CALENDAR_MIN_YEAR} && int(self.substring(0, 4)) <= ${CALENDAR_MAX_YEAR}`,
  message: YEAR_MESSAGE,
};

/** The longest RFC 3339 text accepted (`2026-10-14T08:30:00.123456789+02:00` is 35): keeps CEL's cost estimate small. */
const MAX_TIME_LENGTH = 64;

/** An instant of a spec: RFC 3339, its year within the calendar years; `rules` are more CEL rules on it. */
export const instant = (description: string, rules: readonly CelRule[] = []) =>
  withRules(z.iso.datetime({ offset: true }).max(MAX_TIME_LENGTH).refine(instantInRange, YEAR_MESSAGE), description, [YEAR_RULE, ...rules]);

/** A calendar date of a spec, `YYYY-MM-DD`, its year within the calendar years. */
export const date = (description: string) => withRules(z.iso.date().max(MAX_TIME_LENGTH).refine(yearInRange, YEAR_MESSAGE), description, [YEAR_RULE]);

/** A calendar month, `YYYY-MM`. */
export const MONTH_PATTERN = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
export const month = (description: string) => doc(z.string().regex(MONTH_PATTERN), description);

/** A calendar month of a spec, `YYYY-MM`, its year within the calendar years. */
const MONTH_LENGTH = 7;
export const boundedMonth = (description: string) => withRules(z.string().max(MONTH_LENGTH).regex(MONTH_PATTERN).refine(yearInRange, YEAR_MESSAGE), description, [MONTH_YEAR_RULE]);

/** Why -0 is refused: it is 0 to every comparison, but prints as "-0.00" in a report. */
export const NEGATIVE_ZERO_MESSAGE = 'must not be -0';
const notNegativeZero = (value: number): boolean => !Object.is(value, -0);

/** An amount of money of a spec, in the contract's currency: finite, 0 to MAX_AMOUNT, not -0. */
export const amount = (description: string) =>
  doc(z.number().min(0).max(MAX_AMOUNT).refine(notNegativeZero, NEGATIVE_ZERO_MESSAGE), `${description} At most ${MAX_AMOUNT}.`);

/** A count of a spec: an integer from `min` to `max`, not -0. */
export const boundedCount = (description: string, max: number, min = 0) => doc(z.int().min(min).max(max).refine(notNegativeZero, NEGATIVE_ZERO_MESSAGE), description);

/**
 * A Go duration (`time.ParseDuration`, what CEL's `duration()` reads): `90m`, `2h30m`, `1.5h`.
 * Units ns, us, ms, s, m, h; no days (a day is not always 24 h in a calendar with DST).
 */
export const GO_DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/;
export const duration = (description: string) => doc(z.string().max(64).regex(GO_DURATION_PATTERN), description);

/** Local wall-clock time `HH:MM` (24 h). */
export const LOCAL_TIME_PATTERN = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
export const localTime = (description: string) => doc(z.string().regex(LOCAL_TIME_PATTERN), description);

/** IANA time-zone name, e.g. `Europe/Paris`. Checked for existence by toDomain(), not by the schema. */
export const TIME_ZONE_PATTERN = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;
export const timeZone = (description: string) => doc(z.string().min(1).max(64).regex(TIME_ZONE_PATTERN), description);

/** An amount of money in the contract's currency, never negative (status fields; a spec's are `amount`). */
export const money = (description: string) => doc(z.number().min(0), description);

/** A percentage in [0, 100]. */
export const percent = (description: string) => doc(z.number().min(0).max(100), description);

/** A non-negative integer count. */
export const count = (description: string) => doc(z.int().min(0), description);

/** Seconds, as a non-negative integer. */
export const seconds = (description: string) => doc(z.int().min(0), description);

// ---- references and people -------------------------------------------------------------------

/** A reference to an object of a known kind in the same namespace (the tenant). */
export const LocalObjectReference = z.object({
  name: objectName('Name of the referenced object, in the same namespace.'),
});
export type LocalObjectReference = z.infer<typeof LocalObjectReference>;

export const localRef = (description: string) => doc(LocalObjectReference, description);

/** A bounded list of references, keyed by name (no duplicates). */
export const localRefs = (description: string, max: number, min = 0) =>
  doc(z.array(LocalObjectReference).min(min).max(max), description, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
  });

/** A Kubernetes user as the API server authenticated it (from the admission request). */
export const UserInfo = z.object({
  username: text('Kubernetes user name of the person (or service account).', 253),
  groups: doc(z.array(z.string().min(1).max(253)).max(32), 'Kubernetes groups of that user at the time.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
});
export type UserInfo = z.infer<typeof UserInfo>;

// ---- label selector (metav1.LabelSelector) ---------------------------------------------------

export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export const LabelSelectorRequirement = z.object({
  key: text('The label key that the selector applies to.', 317),
  operator: doc(z.enum(LABEL_SELECTOR_OPERATORS), "How the key relates to the values: In, NotIn, Exists or DoesNotExist."),
  values: doc(z.array(z.string().max(63)).max(64), 'Values for In and NotIn; empty for Exists and DoesNotExist.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
});

export const LabelSelector = z.object({
  matchLabels: doc(z.record(z.string().max(317), z.string().max(63)), 'Labels that must all match exactly.').optional(),
  matchExpressions: doc(z.array(LabelSelectorRequirement).max(32), 'Requirements that must all hold.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

export const labelSelector = (description: string) => doc(LabelSelector, description);

// ---- conditions (metav1.Condition) -----------------------------------------------------------

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

/** metav1.Condition's bound on `message` (upstream's): a longer message makes the whole status refused (422). */
export const CONDITION_MESSAGE_MAX_LENGTH = 32768;

/** metav1.Condition, with the same bounds as upstream. */
export const Condition = z.object({
  type: doc(z.string().min(1).max(316).regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/), 'Type of condition in CamelCase, e.g. Ready.'),
  status: doc(z.enum(CONDITION_STATUSES), 'True, False or Unknown.'),
  observedGeneration: doc(z.int().min(0), 'The .metadata.generation the condition was set from.').optional(),
  lastTransitionTime: time('When the condition last changed from one status to another.'),
  reason: doc(z.string().min(1).max(1024).regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/), 'Programmatic identifier of the last transition, in CamelCase.'),
  message: doc(z.string().max(CONDITION_MESSAGE_MAX_LENGTH), 'Human-readable details of the last transition.'),
});
export type Condition = z.infer<typeof Condition>;

/** `status.conditions`: a list-map keyed by type, as kstatus, Flux and Argo CD expect. */
export const conditions = () =>
  doc(z.array(Condition).max(32), 'Latest observations of the object, keyed by type; `Ready` summarises them.', {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });

/** The two fields every status carries (kstatus conventions). */
export const statusBase = {
  observedGeneration: doc(z.int().min(0), 'The .metadata.generation that this status was computed from.').optional(),
  conditions: conditions().optional(),
};

// ---- object envelope ---------------------------------------------------------------------------

/** The subset of metav1.ObjectMeta the operator reads; other fields pass through untouched. */
export const ObjectMeta = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(z.looseObject({ apiVersion: z.string(), kind: z.string(), name: z.string(), uid: z.string(), controller: z.boolean().optional() })).optional(),
  finalizers: z.array(z.string()).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** The whole object of a kind: apiVersion, kind, metadata, spec and (optional) status. */
export function resource<K extends string, S extends z.ZodType, T extends z.ZodType>(kind: K, spec: S, status: T) {
  return z.object({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal(kind),
    metadata: ObjectMeta,
    spec,
    status: status.optional(),
  });
}

/** A printer column of `kubectl get`. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
  readonly format?: string;
}

/** Everything generate.ts needs to write one CRD and its reference section. */
export interface KindDefinition {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly description: string;
  readonly spec: z.ZodType;
  readonly status: z.ZodType;
  readonly printerColumns: readonly PrinterColumn[];
  /** Rules on the whole object (may read metadata.name and metadata.namespace). */
  readonly rootRules?: readonly CelRule[];
}

/** A condition's status column: `.status.conditions[?(@.type=="X")].status`. */
export const conditionColumn = (name: string, type: string, description: string, priority?: number): PrinterColumn => ({
  name,
  type: 'string',
  jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
  description,
  ...(priority === undefined ? {} : { priority }),
});

export const readyColumn = conditionColumn('Ready', 'Ready', 'Whether the object is ready (kstatus).');
export const ageColumn: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
