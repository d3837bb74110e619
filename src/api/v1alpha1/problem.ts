// Problem (prb): the cause behind recurring incidents (seed §5.4, design.md §1), a record as an
// Incident is (issue 12: no cascade deletion, the retention finalizer, the edit trace). It links
// the incidents of its own tenant, by name, and the ChangeRequest that fixes it; the operator
// proposes one when incidents recur (Incident condition ProblemProposed) but never creates it:
// the provider's problem management (the SDM, seed §5.3.3) does.
import { z } from 'zod';
import {
  type KindDefinition, ageColumn, conditionColumn, count, doc, immutable, immutableOnceSet, instant, localRef, objectName, readyColumn, resource,
  statusBase, text, withRules,
} from './common.ts';
import { historyStatusFields } from './records.ts';

/** At most this many incidents per Problem (as an Incident's units). */
export const MAX_PROBLEM_INCIDENTS = 64;

export const ProblemIncidentReference = z.object({
  name: objectName('Name of the Incident.'),
  namespace: doc(z.string().min(1).max(63), 'The Problem\'s own namespace, or absent: a Problem links the incidents of its tenant only (the webhook and the controller refuse another).').optional(),
});

export const PROBLEM_PHASES = ['Open', 'Closed'] as const;
export type ProblemPhase = (typeof PROBLEM_PHASES)[number];

export const ProblemSpec = withRules(
  z.object({
    summary: text('The problem, in one line.', 1024),
    description: text('Analysis: root cause, workaround, correction (seed §5.3.3).', 16384).optional(),
    incidentRefs: doc(z.array(ProblemIncidentReference).min(1).max(MAX_PROBLEM_INCIDENTS), `The Incidents it explains, at most ${MAX_PROBLEM_INCIDENTS}, by name, in the Problem's namespace (the tenant).`, {
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }),
    changeRef: localRef('The ChangeRequest that fixes it (same namespace).').optional(),
    openedAt: instant('When the problem was opened. Immutable.', [immutable('spec.openedAt')]),
    closedAt: instant('When the problem was closed (its fix in place, or accepted as a known error). Immutable once set.').optional(),
    resolution: text('How it was closed.', 4096).optional(),
  }),
  'Desired state of a Problem.',
  [
    { rule: '!has(self.closedAt) || timestamp(self.closedAt) >= timestamp(self.openedAt)', message: 'spec.closedAt must not be before spec.openedAt', fieldPath: '.closedAt' },
    immutableOnceSet('closedAt', 'spec.closedAt'),
  ],
);
export type ProblemSpec = z.infer<typeof ProblemSpec>;

export const ProblemStatus = z.object({
  ...statusBase,
  phase: doc(z.enum(PROBLEM_PHASES), 'Open, or Closed (spec.closedAt passed).').optional(),
  incidents: count('Incidents linked that exist in the namespace.').optional(),
  ...historyStatusFields,
});
export type ProblemStatus = z.infer<typeof ProblemStatus>;

export const Problem = resource('Problem', ProblemSpec, ProblemStatus);
export type Problem = z.infer<typeof Problem>;

export const problemKind: KindDefinition = {
  kind: 'Problem',
  plural: 'problems',
  singular: 'problem',
  shortNames: ['prb'],
  description: 'The cause behind recurring incidents: the incidents it links, the change that fixes it, when it opened and closed.',
  spec: ProblemSpec,
  status: ProblemStatus,
  printerColumns: [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Incidents', type: 'integer', jsonPath: '.status.incidents' },
    { name: 'Change', type: 'string', jsonPath: '.spec.changeRef.name' },
    { name: 'Summary', type: 'string', jsonPath: '.spec.summary', priority: 1 },
    conditionColumn('Closed', 'Closed', 'Whether the problem is closed.', 1),
    { ...readyColumn, priority: 1 },
    ageColumn,
  ],
};
