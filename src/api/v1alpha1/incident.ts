// Incident (inc): a ticketed incident on service units (design.md §1, domain.md §6, §9).
import { z } from 'zod';
import { MAX_WORK_MINUTES } from '../../domain/limits.ts';
import { DETECTIONS, INCIDENT_CAUSES, PRIORITIES, SUPPORT_LEVELS } from '../../domain/vocabulary.ts';
import {
  type KindDefinition, UserInfo, ageColumn, boundedCount, conditionColumn, doc, immutable, immutableOnceSet, instant, localRef, localRefs, readyColumn, resource,
  seconds, statusBase, text, time, withRules,
} from './common.ts';
import { historyStatusFields } from './records.ts';

export const Exclusion = withRules(
  z.object({
    start: instant('Start of a period that does not count toward the guarantees.'),
    end: instant('End of that period, after start.'),
    reason: text('Why it does not count (client action, IaaS outage, ...).', 512),
  }),
  'A period excluded from the commitments (domain.md §8).',
  [{ rule: 'timestamp(self.end) > timestamp(self.start)', message: 'spec.exclusions[].end must be after spec.exclusions[].start', fieldPath: '.end' }],
);

/** Who agreed to close: the user of the request, and the tenant's contact(s) it acts as. */
export const ClosedBy = UserInfo.extend({
  contacts: doc(z.array(z.string().min(1).max(253)).max(16), 'The tenant contacts the user acted as when agreeing.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
});
export type ClosedBy = z.infer<typeof ClosedBy>;

/** seed §5.3.2: the ticket is level 1's until it is closed and its closure notice sent to the client. */
export const ClosureNotice = z.object({
  sentAt: instant('When the closure notice was sent to the client; not before spec.resolvedAt.'),
  sentBy: doc(UserInfo, 'Who recorded it: stamped by the webhook from the request (the provider side), never from the body; on a record the provider re-creates, as it was recorded.').optional(),
  channel: text('How it was sent (e-mail, the portal, a call).', 256).optional(),
});
export type ClosureNotice = z.infer<typeof ClosureNotice>;

/**
 * The fields a closed incident keeps as they were (every field but closureNotice, which the
 * provider records once after the client's agreement): required ones compared, optional ones
 * present in both and equal, or absent from both.
 */
const FROZEN_REQUIRED = ['unitRefs', 'priority', 'summary', 'detection', 'openedAt', 'cause'] as const;
const FROZEN_OPTIONAL = ['description', 'resolvedAt', 'closedAt', 'exclusions', 'reporter', 'closedBy', 'declinedPatchRef', 'workMinutes'] as const;
const FROZEN_SAME = [
  ...FROZEN_REQUIRED.map((f) => `self.${f} == oldSelf.${f}`),
  ...FROZEN_OPTIONAL.map((f) => `has(self.${f}) == has(oldSelf.${f}) && (!has(self.${f}) || self.${f} == oldSelf.${f})`),
].join(' && ');

export const INCIDENT_PHASES = ['Open', 'Resolved', 'Closed'] as const;
export type IncidentPhase = (typeof INCIDENT_PHASES)[number];

export const IncidentSpec = withRules(
  z.object({
    unitRefs: localRefs('The ServiceUnits affected (same namespace).', 64, 1),
    priority: doc(z.enum(PRIORITIES), 'P1 complete loss of service (an interruption), P2 degraded, P3 minor, P4 not an incident (domain.md §1).'),
    summary: text('What happens, in one line.', 1024),
    description: text('Details.', 16384).optional(),
    detection: withRules(z.enum(DETECTIONS), 'Monitoring (proactive, opened by the operator only) or Client (reactive) (domain.md §9). Immutable.', [immutable('spec.detection')]).default('Client'),
    openedAt: instant('When the ticket was opened: the start of the restoration clock. For an incident a client reports, the time of the request (set by the webhook). Immutable.', [immutable('spec.openedAt')]),
    resolvedAt: instant('When the service was restored.').optional(),
    closedAt: instant('When the client agreed to close the incident (a client contact sets it; the webhook records the time of the request); requires resolvedAt. Freezes the incident.').optional(),
    cause: doc(z.enum(INCIDENT_CAUSES), 'Provider, Client, Shared, IaaS, ThirdPartySoftware or Unknown: decides whether guarantees apply (domain.md §8).').default('Unknown'),
    exclusions: doc(z.array(Exclusion).max(32), 'Periods that do not count toward the guarantees.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
    declinedPatchRef: localRef('The patch campaign (a ChangeRequest with spec.patch, same namespace) the client declined before the incident opened, which caused it: then neither GTD nor GTR applies (seed §9.10, client-caused; spec.cause Client). Written by the provider; traced.').optional(),
    workMinutes: boundedCount(`The provider's investigation and repair time, in minutes (at most ${MAX_WORK_MINUTES}): billed in tokens of 30 minutes when the incident is client-caused (half when shared) on a co-managed unit, or beyond 15 minutes of a business application's remediation (seed §8.4.4 c–d, §5.11.5; issue 13). Written by the provider; traced; frozen once closed. Absent: none recorded (nothing billed).`, MAX_WORK_MINUTES).optional(),
    reporter: doc(UserInfo, 'Who opened the incident: set from the admission request, never from the body. Immutable once set.').optional(),
    closedBy: doc(ClosedBy, 'Who agreed to close (domain.md §9): stamped by the webhook from the request of the client contact that set closedAt; on a record the provider re-creates, as it was recorded. Immutable once set.').optional(),
    closureNotice: doc(ClosureNotice, 'The closure notice sent to the client (seed §5.3.2), recorded by the provider once the incident is resolved, before or after the client agreed; traced (status.history). Immutable once set.').optional(),
  }),
  'Desired state of an Incident.',
  [
    { rule: '!has(self.resolvedAt) || timestamp(self.resolvedAt) >= timestamp(self.openedAt)', message: 'spec.resolvedAt must not be before spec.openedAt', fieldPath: '.resolvedAt' },
    { rule: '!has(self.closedAt) || has(self.resolvedAt)', message: 'spec.closedAt requires spec.resolvedAt', fieldPath: '.closedAt', reason: 'FieldValueRequired' },
    { rule: '!has(self.closedAt) || !has(self.resolvedAt) || timestamp(self.closedAt) >= timestamp(self.resolvedAt)', message: 'spec.closedAt must not be before spec.resolvedAt', fieldPath: '.closedAt' },
    // seed §9.10 (domain/patching.ts): an incident caused by a declined patch is the client's.
    { rule: "!has(self.declinedPatchRef) || self.cause == 'Client'", message: 'spec.cause: an incident caused by a declined patch campaign (spec.declinedPatchRef) is client-caused: cause Client (seed §9.10)', fieldPath: '.cause', reason: 'FieldValueInvalid' },
    immutableOnceSet('reporter', 'spec.reporter'),
    immutableOnceSet('closedAt', 'spec.closedAt'),
    immutableOnceSet('closedBy', 'spec.closedBy'),
    { rule: '!has(self.closedBy) || has(self.closedAt)', message: 'spec.closedBy records who agreed to spec.closedAt: not without it', fieldPath: '.closedBy', reason: 'FieldValueForbidden' },
    { rule: '!has(self.closureNotice) || has(self.resolvedAt)', message: 'spec.closureNotice requires spec.resolvedAt: a closure is notified once the service is restored', fieldPath: '.closureNotice', reason: 'FieldValueRequired' },
    { rule: '!has(self.closureNotice) || !has(self.resolvedAt) || timestamp(self.closureNotice.sentAt) >= timestamp(self.resolvedAt)', message: 'spec.closureNotice.sentAt must not be before spec.resolvedAt', fieldPath: '.closureNotice.sentAt' },
    immutableOnceSet('closureNotice', 'spec.closureNotice'),
    { rule: `!has(oldSelf.closedAt) || self == oldSelf || (!has(oldSelf.closureNotice) && ${FROZEN_SAME})`, message: 'spec is frozen once the incident is closed (spec.closedAt: the client agreed), but for recording spec.closureNotice', reason: 'FieldValueForbidden' },
  ],
);
export type IncidentSpec = z.infer<typeof IncidentSpec>;

export const IncidentStatus = z.object({
  ...statusBase,
  phase: doc(z.enum(INCIDENT_PHASES), 'Open, Resolved (service restored) or Closed (the client agreed).').optional(),
  supportLevel: doc(z.enum(SUPPORT_LEVELS), 'Support level of the environment, which fixes the deadline.').optional(),
  restorationDeadline: time('When the service must be restored (GTR, counted in the exploitation window).').optional(),
  coveredSeconds: seconds('Restoration time so far, counted inside the window and net of exclusions.').optional(),
  breached: doc(z.boolean(), 'The deadline passed before restoration.').optional(),
  gtr: doc(z.object({
    applicable: doc(z.boolean(), 'Whether the restoration guarantee applies to this incident.'),
    reason: text('Why it does not apply (non-production, Initial level, client cause, P4, ...).', 256).optional(),
    timed: doc(z.boolean(), 'GTR does not apply but the restoration time is kept, without penalties: a non-production incident (domain.md §8). Its deadline, AtRisk and breached hold; it is never credited.').optional(),
  }), 'Whether GTR applies, and why not.').optional(),
  ...historyStatusFields,
});
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const Incident = resource('Incident', IncidentSpec, IncidentStatus);
export type Incident = z.infer<typeof Incident>;

export const incidentKind: KindDefinition = {
  kind: 'Incident',
  plural: 'incidents',
  singular: 'incident',
  shortNames: ['inc'],
  description: 'A ticketed incident: priority, units, timestamps, cause and exclusions; the status holds its restoration deadline.',
  spec: IncidentSpec,
  status: IncidentStatus,
  printerColumns: [
    { name: 'Priority', type: 'string', jsonPath: '.spec.priority' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Deadline', type: 'string', format: 'date-time', jsonPath: '.status.restorationDeadline', description: 'Restoration deadline (GTR).' },
    { name: 'Breached', type: 'boolean', jsonPath: '.status.breached' },
    { name: 'Summary', type: 'string', jsonPath: '.spec.summary', priority: 1 },
    conditionColumn('Within', 'WithinGuarantee', 'Restored, or still on time.', 1),
    { ...readyColumn, priority: 1 },
    ageColumn,
  ],
};
