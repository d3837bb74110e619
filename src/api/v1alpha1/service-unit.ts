// ServiceUnit (su): one managed VM, cluster or service instance (design.md §1, domain.md §1, §2, §12).
import { z } from 'zod';
import { BACKUP_INCIDENT_PRIORITIES, DEFAULT_BACKUP_INCIDENT_PRIORITY } from '../../domain/backup.ts';
import { AD_DOMAIN_REQUIRED, ALLOWED_LEVELS, BACKUP_CATALOGUE, BACKUP_LEVELS, backupPolicyFits } from '../../domain/levels.ts';
import {
  BACKUP_POLICIES, BACKUP_SCOPES, BUILD_MODELS, ENVIRONMENTS, FUNCTION_FAMILIES, LEVEL_THREE_OWNERS, MANAGEMENT_LEVELS, PREREQUISITES,
  PRIORITIES, TARGET_KINDS, type BackupPolicy, type BackupScope,
} from '../../domain/vocabulary.ts';
import {
  type CelRule, type KindDefinition, ageColumn, conditionColumn, count, doc, duration, immutable, instant, localRef, localRefs, month,
  percent, readyColumn, resource, seconds, statusBase, text, time, withRules,
} from './common.ts';
import { historyStatusFields } from './records.ts';

const celList = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;

export const Target = z.object({
  kind: doc(z.enum(TARGET_KINDS), 'VirtualMachine (a VM or physical server), KubernetesCluster, or Service (a service instance).'),
  name: text('Name of the target in the IaaS inventory (VM name, cluster name, service instance).', 253),
});
export type Target = z.infer<typeof Target>;

/**
 * The shortest probe period accepted (issue 20: a period of 1ns made about 650 probes a second).
 * An operator limit, not a number of the contract: a Go duration, as CEL's `duration()` reads it.
 */
export const MIN_PROBE_PERIOD = '1s';

/** Default hold-downs of the flap damping (design.md §2 "Flap damping"): operator choices, not contract numbers. */
export const DEFAULT_OPEN_AFTER = '0s';
export const DEFAULT_RESOLVE_AFTER = '2m';
/** The longest hold-down: an incident kept pending or open a day past its outage serves nobody. */
export const MAX_HOLD_DOWN = '24h';

/**
 * CEL: the URL parses (Kubernetes' URL library: Go's url.ParseRequestURI), names a host and, if
 * it names a port, one in 1..65535: a URL that only matches the pattern is refused at admission
 * rather than failing every probe (issue 20 item 2). `unitProbe()` checks the same with WHATWG URL.
 */
const urlParses = (field: string): CelRule => ({
  rule: "isURL(self.url) && url(self.url).getHostname() != '' && (url(self.url).getPort() == '' || (int(url(self.url).getPort()) >= 1 && int(url(self.url).getPort()) <= 65535))",
  message: `${field} must be a URL that parses, with a host and a port in 1..65535`,
  fieldPath: '.url',
});

export const HttpGetProbe = withRules(z.object({
  url: doc(z.string().min(1).max(2048).regex(/^https?:\/\/[^\s]+$/), 'http:// or https:// URL to GET.'),
  expectedStatus: doc(z.array(z.int().min(100).max(599)).min(1).max(16), 'HTTP status codes that count as success (default: every 2xx or 3xx).', { 'x-kubernetes-list-type': 'set' }).optional(),
  insecureSkipVerify: doc(z.boolean(), 'Skip TLS certificate verification.').default(false),
}), 'Probe with an HTTP GET.', [urlParses('spec.monitoring.httpGet.url')]);

export const TcpSocketProbe = z.object({
  host: text('Host name or IP address.', 253),
  port: doc(z.int().min(1).max(65535), 'TCP port.'),
});

export const PrometheusProbe = withRules(z.object({
  url: doc(z.string().min(1).max(2048).regex(/^https?:\/\/[^\s]+$/), 'Base URL of the Prometheus server.'),
  query: text('PromQL query; the unit is up when it returns at least one sample with a non-zero value.', 4096),
}), 'Probe with a PromQL query.', [urlParses('spec.monitoring.prometheus.url')]);

export const Monitoring = withRules(
  z.object({
    httpGet: HttpGetProbe.optional(),
    tcpSocket: doc(TcpSocketProbe, 'Probe by opening a TCP connection.').optional(),
    prometheus: PrometheusProbe.optional(),
    period: duration(`How often to probe (Go duration, e.g. 30s), at least ${MIN_PROBE_PERIOD}.`).default('30s'),
    timeout: duration('How long one probe may take (Go duration), at most the period.').default('5s'),
    failureThreshold: doc(z.int().min(1).max(100), 'Consecutive failures that open an incident.').default(3),
    successThreshold: doc(z.int().min(1).max(100), 'Consecutive successes that count as healthy again.').default(1),
    openAfter: duration('Hold-down before an incident opens (Go duration): the outage episode (from its first failure, failureThreshold failures in a row starting it) must have lasted this long, with no recovery of resolveAfter in between, and the last probe must have failed. 0s opens at the failureThreshold-th failure.').default(DEFAULT_OPEN_AFTER),
    resolveAfter: duration('Hold-down before the incident is resolved (Go duration): the target must have stayed healthy this long; a failure in between keeps the same incident open (a flapping target is one episode). resolvedAt is still the first success of that final recovery.').default(DEFAULT_RESOLVE_AFTER),
    incidentPriority: doc(z.enum(PRIORITIES), 'Priority of the incident the probe opens.').default('P1'),
  }),
  'One probe of the unit: exactly one of httpGet, tcpSocket, prometheus.',
  [
    {
      rule: '(has(self.httpGet) ? 1 : 0) + (has(self.tcpSocket) ? 1 : 0) + (has(self.prometheus) ? 1 : 0) == 1',
      message: 'spec.monitoring must set exactly one of httpGet, tcpSocket, prometheus',
    },
    {
      rule: "duration(self.period) > duration('0s')",
      message: 'spec.monitoring.period must be positive',
      fieldPath: '.period',
    },
    {
      rule: `duration(self.period) >= duration('${MIN_PROBE_PERIOD}')`,
      message: `spec.monitoring.period must be at least ${MIN_PROBE_PERIOD}`,
      fieldPath: '.period',
    },
    ...(['openAfter', 'resolveAfter'] as const).map((field): CelRule => ({
      rule: `duration(self.${field}) <= duration('${MAX_HOLD_DOWN}')`,
      message: `spec.monitoring.${field} must be at most ${MAX_HOLD_DOWN}`,
      fieldPath: `.${field}`,
    })),
    {
      rule: "duration(self.timeout) > duration('0s') && duration(self.timeout) <= duration(self.period)",
      message: 'spec.monitoring.timeout must be positive and at most spec.monitoring.period',
      fieldPath: '.timeout',
    },
  ],
);

/**
 * The shortest period between two backup checks (issue 15 item 3): a policy backs up weekly at
 * most (domain.md §12), so the default of 5 minutes is plenty; the floor bounds the load a unit
 * puts on its Prometheus. An operator limit, not a contract number.
 */
export const MIN_BACKUP_CHECK_PERIOD = '10s';
export const DEFAULT_BACKUP_CHECK_PERIOD = '5m';

export const BackupPrometheusSource = withRules(z.object({
  url: doc(z.string().min(1).max(2048).regex(/^https?:\/\/[^\s]+$/), 'Base URL of the Prometheus server.'),
  query: text('PromQL instant query answering the Unix time, in seconds, of the unit\'s latest successful backup (e.g. a last-success timestamp gauge). Several series: the latest counts; none, or 0: no success recorded.', 4096),
}), 'Read the last successful backup from Prometheus.', [urlParses('spec.backup.check.prometheus.url')]);

export const BackupCheck = withRules(z.object({
  prometheus: BackupPrometheusSource,
  period: duration(`How often the query runs (Go duration), at least ${MIN_BACKUP_CHECK_PERIOD}.`).default(DEFAULT_BACKUP_CHECK_PERIOD),
  timeout: duration('How long one query may take (Go duration), at most the period.').default('10s'),
  incidentPriority: doc(z.enum(BACKUP_INCIDENT_PRIORITIES), 'Priority of the incident a missed backup opens: P2, P3 or P4, never P1 (a missed backup interrupts no service, domain.md §1).').default(DEFAULT_BACKUP_INCIDENT_PRIORITY),
}), 'How the operator observes what the backups did (seed §5.10.1 Table 2, "Surveillance des sauvegardes"): a missed backup (no success within the policy\'s period plus 24 h) sets BackupOnSchedule=False and opens one incident.', [
  {
    rule: `duration(self.period) >= duration('${MIN_BACKUP_CHECK_PERIOD}')`,
    message: `spec.backup.check.period must be at least ${MIN_BACKUP_CHECK_PERIOD}`,
    fieldPath: '.period',
  },
  {
    rule: "duration(self.timeout) > duration('0s') && duration(self.timeout) <= duration(self.period)",
    message: 'spec.backup.check.timeout must be positive and at most spec.backup.check.period',
    fieldPath: '.timeout',
  },
]);

export const BackupAcceptanceTest = z.object({
  passedAt: instant('When the acceptance test of the backup passed (seed §5.10.1 Table 2, §5.10.3: recorded in an acceptance report); backups are owed from then.'),
  acceptedBy: text('Who accepted it for the client (name of the person or contact).', 253),
  reference: text('Reference of the acceptance report (procès-verbal de recette).', 253).optional(),
});

export const Backup = z.object({
  policy: doc(z.enum(BACKUP_POLICIES), 'Backup policy of the catalogue (domain.md §12), one that covers the scope.'),
  scope: doc(z.enum(BACKUP_SCOPES), 'What is backed up: Files (WEEKLY-1 to MONTHLY-12) or Office365 (MONTHLY-3 to MONTHLY-36, on a Service target), domain.md §12.').default('Files'),
  check: doc(BackupCheck, 'Where the operator reads the last successful backup.').optional(),
  acceptanceTest: doc(BackupAcceptanceTest, 'The acceptance test of the backup (seed §5.10.3), who and when; its changes are traced in the managedapps.dev/history annotation.').optional(),
});


/** The catalogue's policies that back up `scope` (domain.md §12, BACKUP_CATALOGUE). */
const policiesFor = (scope: BackupScope): BackupPolicy[] => (Object.keys(BACKUP_CATALOGUE) as BackupPolicy[]).filter((p) => backupPolicyFits(p, scope));

/**
 * CEL rules of ServiceUnit.spec: the target kind fixes the levels (domain.md §1, ALLOWED_LEVELS);
 * backup at the levels it is offered to, with a policy of its scope (domain.md §12: the same
 * rules as levels.ts backupViolations, which the webhook and the controllers apply).
 */
export const serviceUnitSpecRules: readonly CelRule[] = [
  ...TARGET_KINDS.map((kind): CelRule => ({
    rule: `!self.targets.exists(t, t.kind == '${kind}') || self.level in ${celList(ALLOWED_LEVELS[kind])}`,
    message: `spec.level: a ${kind} target takes only ${ALLOWED_LEVELS[kind].join(', ')}`,
    fieldPath: '.level',
  })),
  {
    rule: "!has(self.subscription) || !has(self.subscription.end) || timestamp(self.subscription.end) > timestamp(self.subscription.start)",
    message: 'spec.subscription.end must be after spec.subscription.start',
    fieldPath: '.subscription.end',
  },
  {
    rule: `!has(self.backup) || self.level in ${celList(BACKUP_LEVELS)}`,
    message: `spec.backup: backup is offered to units at ${BACKUP_LEVELS.join(', ')} level (domain.md §12)`,
    fieldPath: '.backup',
  },
  ...BACKUP_SCOPES.map((scope): CelRule => ({
    rule: `!has(self.backup) || self.backup.scope != '${scope}' || self.backup.policy in ${celList(policiesFor(scope))}`,
    message: `spec.backup.policy: the catalogue's ${scope} policies are ${policiesFor(scope).join(', ')} (spec.backup.scope ${scope}, domain.md §12)`,
    fieldPath: '.backup.policy',
  })),
  {
    rule: "!has(self.family) || self.family != 'ActiveDirectory' || has(self.activeDirectory)",
    message: `spec.activeDirectory.domain: ${AD_DOMAIN_REQUIRED}`,
    fieldPath: '.activeDirectory',
  },
  {
    rule: "!has(self.backup) || self.backup.scope != 'Office365' || self.targets.all(t, t.kind == 'Service')",
    message: 'spec.backup.scope: Office 365 is backed up on a Service target (the Office 365 tenant), not on a VM or a cluster (domain.md §12)',
    fieldPath: '.backup.scope',
  },
];

export const ServiceUnitSpec = withRules(
  z.object({
    level: withRules(z.enum(MANAGEMENT_LEVELS), 'Management level: OS, Database, Middleware, Application (VM) or Kubernetes, Containers, Application (cluster). Immutable.', [immutable('spec.level')]),
    targets: withRules(z.array(Target).min(1).max(64), 'What the unit manages, keyed by kind and name. Immutable.', [immutable('spec.targets')], {
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['kind', 'name'],
    }),
    family: doc(z.enum(FUNCTION_FAMILIES), 'Family of managed functions the unit counts in (domain.md §1); defaults to the family named like the level.').optional(),
    environment: doc(z.enum(ENVIRONMENTS), 'Production, PreProduction, Integration or Development; only Production carries guarantees.'),
    buildModel: doc(z.enum(BUILD_MODELS), 'NoBuild, BackendBuild, OperationsBuild or FullBuild (domain.md §2).').default('FullBuild'),
    levelThreeOwner: doc(z.enum(LEVEL_THREE_OWNERS), 'Who owns level-3 support: Provider or Client. GTR does not apply where the provider is not the owner (domain.md §8). Unset: the client for an Application unit (a business application, domain.md §2), the provider otherwise.').optional(),
    subscription: doc(z.object({
      start: instant('When the unit entered the service (prorates the first month).'),
      end: instant('When the unit leaves the service (prorates the last month).').optional(),
    }), 'Subscription period of the unit, for proration.').optional(),
    prerequisites: doc(z.object({
      validated: doc(z.array(z.enum(PREREQUISITES)).max(PREREQUISITES.length), 'Prerequisites the provider validated: Connectivity, Monitoring, Patching, Backup, RestoreProcedure. Guarantees apply only when all are (domain.md §8).', { 'x-kubernetes-list-type': 'set' }),
      validatedAt: instant('When they were last validated.').optional(),
    }), 'Prerequisites validated by the provider.').optional(),
    dependsOn: localRefs('Units this one depends on (same namespace); they must be managed too (domain.md §2).', 32).optional(),
    monitoring: doc(Monitoring, 'How the operator probes the unit.').optional(),
    backup: doc(Backup, `Backup of the unit, offered at ${BACKUP_LEVELS.join(', ')} level (domain.md §12): its policy and scope, how it is observed, its acceptance test.`).optional(),
    activeDirectory: doc(z.object({
      domain: doc(z.string().min(1).max(253).regex(/^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)+$/), 'DNS name of the Active Directory domain, the root of its forest: the tenant\'s ActiveDirectory units name one (one forest, one domain, domain.md §2).'),
    }), 'For a unit of family ActiveDirectory: the domain it serves (domain.md §2).').optional(),
  }),
  'Desired state of a ServiceUnit.',
  serviceUnitSpecRules,
);
export type ServiceUnitSpec = z.infer<typeof ServiceUnitSpec>;

export const ServiceUnitStatus = z.object({
  ...statusBase,
  probe: doc(z.object({
    lastProbeTime: time('When the last probe ran.').optional(),
    lastResult: doc(z.enum(['Success', 'Failure']), 'Outcome of the last probe.').optional(),
    message: text('Why the last probe failed.', 1024).optional(),
    durationSeconds: doc(z.number().min(0), 'How long the last probe took, in seconds.').optional(),
    consecutiveFailures: count('Failures in a row.').optional(),
    consecutiveSuccesses: count('Successes in a row.').optional(),
  }), 'The last probe, kept in the status so that a restart or a failover loses nothing.').optional(),
  openIncident: localRef('The Incident the monitoring opened and has not resolved yet.').optional(),
  backup: doc(z.object({
    lastSuccessTime: time('The latest successful backup the source recorded.').optional(),
    deadline: time('When the backup is missed without a new success: the later of the last success and the acceptance test, plus the policy\'s period and 24 h.').optional(),
    message: text('Why the last check could not decide (the query failed, or answered no timestamp).', 1024).optional(),
    incident: localRef('The open Incident of the missed backup.').optional(),
  }), 'What the backup check observed (written by the backup check, field manager managedapps-backup).').optional(),
  availability: doc(z.object({
    month: month('The calendar month, YYYY-MM.'),
    percent: percent('Month-to-date availability, 4 decimals.'),
    interruptionSeconds: seconds('Interruption so far this month.'),
    excludedSeconds: seconds('Part of the interruption excluded from the commitments (maintenance, ...).'),
    subscribedSeconds: seconds('Time the unit was subscribed so far this month.').optional(),
  }), 'Month-to-date availability (domain.md §5).').optional(),
  ...historyStatusFields,
});
export type ServiceUnitStatus = z.infer<typeof ServiceUnitStatus>;

export const ServiceUnit = resource('ServiceUnit', ServiceUnitSpec, ServiceUnitStatus);
export type ServiceUnit = z.infer<typeof ServiceUnit>;

export const serviceUnitKind: KindDefinition = {
  kind: 'ServiceUnit',
  plural: 'serviceunits',
  singular: 'serviceunit',
  shortNames: ['su'],
  description: 'One managed VM, Kubernetes cluster or service instance at one management level, with its probe and backup policy.',
  spec: ServiceUnitSpec,
  status: ServiceUnitStatus,
  printerColumns: [
    { name: 'Level', type: 'string', jsonPath: '.spec.level' },
    { name: 'Environment', type: 'string', jsonPath: '.spec.environment' },
    conditionColumn('Available', 'Available', 'Whether the probe says the unit is up.'),
    { name: 'Availability', type: 'number', jsonPath: '.status.availability.percent', description: 'Month-to-date availability, in percent.' },
    { name: 'Incident', type: 'string', jsonPath: '.status.openIncident.name', priority: 1 },
    conditionColumn('Backup', 'BackupOnSchedule', 'Whether the last successful backup is within its policy\'s period plus 24 h.', 1),
    { name: 'Targets', type: 'string', jsonPath: '.spec.targets[*].name', priority: 1 },
    readyColumn,
    ageColumn,
  ],
};
