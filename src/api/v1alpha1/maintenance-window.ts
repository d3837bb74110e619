// MaintenanceWindow (mw): recurring or one-off maintenance windows over units (design.md §1, domain.md §5, §11).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_CALENDAR } from '../../domain/calendar.ts';
import { CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, MAX_MAINTENANCE_DURATION_HOURS, MAX_WINDOW_APPROVALS } from '../../domain/limits.ts';
import { PATCH_PLAN_PURPOSE } from '../../domain/patching.ts';
import { MAINTENANCE_PURPOSES } from '../../domain/vocabulary.ts';
import {
  type KindDefinition, UserInfo, ageColumn, doc, duration, instant, labelSelector, localTime, readyColumn, resource, statusBase, text, time, timeZone,
  withRules,
} from './common.ts';
import { canonicalJson } from './records.ts';

const WEEKDAY = '(MO|TU|WE|TH|FR|SA|SU)';
const list = (item: string) => `${item}(,${item})*`;
const RRULE_PARTS = [
  'INTERVAL=[1-9][0-9]{0,3}',
  'COUNT=[1-9][0-9]{0,3}',
  `BYDAY=${list(`[+-]?([1-9]|[1-4][0-9]|5[0-3])?${WEEKDAY}`)}`,
  `BYMONTHDAY=${list('[+-]?([1-9]|[12][0-9]|3[01])')}`,
  `BYMONTH=${list('([1-9]|1[0-2])')}`,
  `BYYEARDAY=${list('[+-]?[1-9][0-9]{0,2}')}`,
  `BYWEEKNO=${list('[+-]?[1-9][0-9]?')}`,
  `BYSETPOS=${list('[+-]?[1-9][0-9]{0,2}')}`,
  `WKST=${WEEKDAY}`,
];
/**
 * RFC 5545 RRULE, the subset the domain expands (src/domain/maintenance.ts validateRrule): FREQ
 * first (DAILY to YEARLY), then INTERVAL, COUNT, BYDAY, BYMONTHDAY, BYMONTH, BYYEARDAY, BYWEEKNO,
 * BYSETPOS, WKST. The time of day is `startTime` (no BYHOUR/BYMINUTE/BYSECOND) and the bounds are
 * `from`/`until` (no DTSTART/UNTIL). E.g. `FREQ=MONTHLY;BYDAY=2TU`. The finer checks (ranges,
 * ordinals only with MONTHLY/YEARLY) are toDomain()'s, through the domain's validateRrule.
 */
export const RRULE_PATTERN = new RegExp(`^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;(${RRULE_PARTS.join('|')}))*$`);

export const Recurrence = z.object({
  rrule: doc(z.string().max(512).regex(RRULE_PATTERN), 'RFC 5545 recurrence rule body, FREQ first, without time-of-day parts, DTSTART or UNTIL, e.g. FREQ=MONTHLY;BYDAY=2TU.'),
  startTime: localTime('Local start time of each occurrence, HH:MM, in spec.timeZone.'),
  from: instant('No occurrence starts before this instant; INTERVAL and COUNT count from here. Default: Monday 1 January 2024, local.').optional(),
  until: instant('No occurrence starts after this instant (inclusive).').optional(),
});
export type Recurrence = z.infer<typeof Recurrence>;

const recurrenceRules = [
  { rule: '!has(self.from) || !has(self.until) || timestamp(self.until) >= timestamp(self.from)', message: 'spec.recurrence.until must not be before spec.recurrence.from', fieldPath: '.until' },
];

/** Who approved an occurrence: the user of the admission request and the ChangeApprover contact it acted as. */
export const OccurrenceApprover = UserInfo.extend({
  contact: doc(z.string().min(1).max(63), 'The ChangeApprover contact of the ManagedTenant the user acted as.'),
});

/**
 * The client's approval of one occurrence (domain.md §11): a record, appended by a ChangeApprover
 * contact, never edited or removed (the validating webhook refuses it). `approvedBy` and
 * `approvedAt` are the webhook's, from the admission request.
 */
export const WindowApproval = withRules(z.object({
  occurrence: instant('Start of the occurrence approved, as status.nextOccurrences[].start shows it; an occurrence not started yet. Exclusive with year.').optional(),
  year: doc(z.int().min(CALENDAR_MIN_YEAR).max(CALENDAR_MAX_YEAR), `A yearly patch plan (seed §5.8): every occurrence whose local start (spec.timeZone) falls in this calendar year, from the approval on, is approved. On a ${PATCH_PLAN_PURPOSE} window only; the current year or a later one. Exclusive with occurrence.`).optional(),
  comment: text('Comment of the approver.', 1024).optional(),
  approvedBy: doc(OccurrenceApprover, 'Who approved: stamped by the webhook from the admission request, never from the body.').optional(),
  approvedAt: instant('When the client approved: stamped by the webhook (the time of the request).').optional(),
  scopeDigest: doc(z.string().regex(/^sha256:[0-9a-f]{64}$/), 'Digest of the window approved (purpose, description, schedule, duration, time zone, selector, excludeFromAvailability): stamped by the webhook. A change of any of them afterwards voids the approval.').optional(),
}), 'The approval of one occurrence, or of a year of occurrences as a plan.', [
  { rule: 'has(self.occurrence) != has(self.year)', message: 'spec.approvals[] names exactly one of occurrence (one occurrence) and year (a yearly plan)' },
]);
export type WindowApproval = z.infer<typeof WindowApproval>;

export const MaintenanceWindowSpec = withRules(
  z.object({
    purpose: doc(z.enum(MAINTENANCE_PURPOSES), 'SecurityPatching, Maintenance or Upgrade (domain.md §11).'),
    description: doc(z.string().max(1024), 'What is done in the window.').optional(),
    recurrence: withRules(Recurrence, 'A recurring window; exclusive with start.', recurrenceRules).optional(),
    start: instant('Start of a one-off window; exclusive with recurrence.').optional(),
    duration: duration(`Length of each occurrence (Go duration, e.g. 4h), positive, at most ${MAX_MAINTENANCE_DURATION_HOURS}h.`),
    timeZone: timeZone('IANA time zone of startTime.').default(DEFAULT_CALENDAR.timeZone),
    selector: labelSelector('ServiceUnits of this namespace the window covers; an empty selector covers all.'),
    excludeFromAvailability: doc(z.boolean(), 'Interruptions inside the window do not count against availability (domain.md §5) and open no incident.').default(true),
    requiresClientApproval: doc(z.boolean(), 'The client approves each occurrence first (patches, domain.md §11): an occurrence not listed in spec.approvals excludes nothing from availability, opens incidents as usual, and its work does not run.').default(false),
    approvals: doc(z.array(WindowApproval).max(MAX_WINDOW_APPROVALS), `The occurrences a ChangeApprover contact of the client approved, one by one or a year at once as a plan (at most ${MAX_WINDOW_APPROVALS}), appended to only: records, never edited or removed.`, { 'x-kubernetes-list-type': 'atomic' }).optional(),
  }),
  'Desired state of a MaintenanceWindow.',
  [
    { rule: 'has(self.recurrence) != has(self.start)', message: 'spec must set exactly one of spec.recurrence and spec.start' },
    { rule: "duration(self.duration) > duration('0s')", message: 'spec.duration must be positive', fieldPath: '.duration' },
    { rule: `duration(self.duration) <= duration('${MAX_MAINTENANCE_DURATION_HOURS}h')`, message: `spec.duration must be at most ${MAX_MAINTENANCE_DURATION_HOURS}h`, fieldPath: '.duration' },
    // seed §5.8: the yearly plan is that of the security updates.
    { rule: `!has(self.approvals) || self.purpose == '${PATCH_PLAN_PURPOSE}' || self.approvals.all(a, !has(a.year))`, message: `spec.approvals[].year: a yearly plan approves a ${PATCH_PLAN_PURPOSE} window only (seed §5.8); approve this window occurrence by occurrence`, fieldPath: '.approvals', reason: 'FieldValueForbidden' },
  ],
);
export type MaintenanceWindowSpec = z.infer<typeof MaintenanceWindowSpec>;

export const OCCURRENCE_APPROVALS = ['NotRequired', 'Approved', 'AwaitingApproval'] as const;

const Occurrence = z.object({
  start: time('Start of the occurrence.'),
  end: time('End of the occurrence.'),
  approval: doc(z.enum(OCCURRENCE_APPROVALS), 'NotRequired, Approved (by the client, spec.approvals) or AwaitingApproval: then it excludes nothing, suppresses no incident and its work does not run (domain.md §11).').optional(),
  plan: doc(z.int().min(CALENDAR_MIN_YEAR).max(CALENDAR_MAX_YEAR), 'Approved by the yearly plan of this year (spec.approvals[].year), not by an approval of its own.').optional(),
});

export const MaintenanceWindowStatus = z.object({
  ...statusBase,
  active: doc(z.boolean(), 'An agreed occurrence (approved, or needing no approval) is running now: its work may run.').optional(),
  currentOccurrence: doc(Occurrence, 'The occurrence running now, agreed or awaiting approval.').optional(),
  nextOccurrences: doc(z.array(Occurrence).max(10), 'The next occurrences, earliest first.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
  units: doc(z.int().min(0), 'Number of ServiceUnits the selector matches.').optional(),
});
export type MaintenanceWindowStatus = z.infer<typeof MaintenanceWindowStatus>;

export const MaintenanceWindow = resource('MaintenanceWindow', MaintenanceWindowSpec, MaintenanceWindowStatus);
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

export const maintenanceWindowKind: KindDefinition = {
  kind: 'MaintenanceWindow',
  plural: 'maintenancewindows',
  singular: 'maintenancewindow',
  shortNames: ['mw'],
  description: 'A recurring (RRULE) or one-off maintenance window over a selection of service units.',
  spec: MaintenanceWindowSpec,
  status: MaintenanceWindowStatus,
  printerColumns: [
    { name: 'Purpose', type: 'string', jsonPath: '.spec.purpose' },
    { name: 'Schedule', type: 'string', jsonPath: '.spec.recurrence.rrule' },
    { name: 'Duration', type: 'string', jsonPath: '.spec.duration' },
    { name: 'Active', type: 'boolean', jsonPath: '.status.active' },
    { name: 'Next', type: 'string', format: 'date-time', jsonPath: '.status.nextOccurrences[0].start' },
    { name: 'Units', type: 'integer', jsonPath: '.status.units', priority: 1 },
    readyColumn,
    ageColumn,
  ],
};

/**
 * `sha256:<hex>` of what an approval of an occurrence covers: what is done, when, for how long,
 * on which units, and whether it excludes (canonical JSON, keys sorted). The webhook records it in
 * `spec.approvals[].scopeDigest`; toDomain counts an approval only while it still matches, so a
 * later change of the window voids the approvals given before (domain.md §11: agreed with the client).
 */
export function windowScopeDigest(spec: Pick<MaintenanceWindowSpec, 'purpose' | 'description' | 'recurrence' | 'start' | 'duration' | 'timeZone' | 'selector' | 'excludeFromAvailability'>): string {
  const scope = {
    purpose: spec.purpose, description: spec.description ?? null, recurrence: spec.recurrence ?? null, start: spec.start === undefined ? null : Date.parse(spec.start),
    duration: spec.duration, timeZone: spec.timeZone, selector: spec.selector, excludeFromAvailability: spec.excludeFromAvailability,
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(canonicalJson(scope))).digest('hex')}`;
}
