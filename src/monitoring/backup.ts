// The backup check (issue 15 item 3, seed §5.10.1 Table 2: "Surveillance des sauvegardes Clients",
// "Redémarrage de sauvegarde en cas d'échec"): a controller on the runtime, leader only, primary
// kind ServiceUnit, for the units with `spec.backup.check`.
//
//   - Reconcile of one unit: run its PromQL query (the PromQL prober's `queryPrometheus`, bounded
//     by `spec.backup.check.timeout` on the Manager's clock), read the latest success, judge it
//     against the policy (domain/backup.ts `backupVerdict`: missed from the last success plus the
//     policy's period plus 24 h), open or resolve the missed backup's incident, apply the check's
//     part of the status; requeued at the next check (`period`) or at the deadline, whichever is first.
//   - Exactly one incident per missed backup, restarts and failovers included, derived from the
//     records in the API, never from memory: an open incident of the unit labelled
//     `managedapps.dev/check: Backup` is the missed backup's (adopted, no second one); the name is
//     the deadline's (`<unit>-bkp-<deadline>`), which the last success (kept by Prometheus) and the
//     spec fix, so a create retried, or repeated by a new leader whose cache lags, answers 409.
//   - Resolved when a success newer than the deadline shows up: `resolvedAt` is that success.
//   - A query that fails, or answers no timestamp, decides nothing: `BackupOnSchedule=Unknown`
//     (BackupNotObserved) with the reason, no incident opened or resolved.
//   - Writes: `status.backup` and the `BackupOnSchedule` condition under the field manager
//     `managedapps-backup` (a third owner of the unit's status, beside the controllers' and the
//     prober's: an apply removes what its manager left out), only when they change: a backup
//     on schedule writes once per new success. Incidents under the operator's field manager.
import type { KubernetesObject } from '@kubernetes/client-node';
// client-node's modules, not its entry point (which loads its whole generated API: issue 17).
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import { backupCheckInternalErrors, ConditionType, KIND_REFS, type InternalEndpoints } from '../api/v1alpha1/index.ts';
import { backupVerdict, latestBackupSuccess } from '../domain/backup.ts';
import {
  collectionPath, findCondition, isStatus, objectPath, specChanged, StatusWriter, toSeconds, noopRuntimeMetrics,
  type Controller, type Manager, type ReconcileContext, type Request, type Result,
} from '../runtime/index.ts';
import type { Metrics } from '../metrics/index.ts';
import {
  backupIncident, backupPart, backupPlan, backupResolution, backupStatus, BACKUP_CHECK, isOpenBackupIncident, type BackupOutcome, type BackupPlan,
} from './backup-check.ts';
import { queryPrometheus } from './probers/index.ts';
import { CHECK_LABEL } from './unit-probe.ts';
import type { IncidentView, ProbeViews, UnitView } from './views.ts';

/** The field manager of the backup check's status writes. */
export const BACKUP_FIELD_MANAGER = 'managedapps-backup';

export interface BackupCheckOptions {
  readonly manager: Manager;
  /** The typed views of the cache, shared with the controllers (src/controllers' `Caches`). */
  readonly views: Pick<ProbeViews, 'units' | 'incidents'>;
  readonly metrics?: Partial<Pick<Metrics, 'runtime'>>;
  /** Default {@link BACKUP_FIELD_MANAGER}. */
  readonly fieldManager?: string;
  /** Sources not queried as internal (SSRF, as the probes); undefined: allowed. */
  readonly internalEndpoints?: InternalEndpoints;
}

const byOpenedAt = (a: IncidentView, b: IncidentView): number => a.spec.openedAt.localeCompare(b.spec.openedAt) || a.name.localeCompare(b.name);

/** At most 2³¹−1 ms, a timer's bound; at least 1 s past the instant, so the evaluation at it sees it passed. */
function until(now: Date, at: Date): number {
  return Math.min(2_147_483_647, Math.max(1000, at.getTime() - now.getTime() + 1000));
}

export class BackupCheck {
  readonly #manager: Manager;
  readonly #opts: BackupCheckOptions;
  readonly #status: StatusWriter;
  readonly controller: Controller;

  /** Registers the controller `backup-check` on the Manager (before `manager.start()`). */
  constructor(opts: BackupCheckOptions) {
    this.#manager = opts.manager;
    this.#opts = opts;
    this.#status = new StatusWriter(opts.manager.client, { fieldManager: opts.fieldManager ?? BACKUP_FIELD_MANAGER, metrics: opts.metrics?.runtime ?? noopRuntimeMetrics });
    const unitsOfBackupIncident = (o: KubernetesObject): Request[] => {
      if (o.metadata?.labels?.[CHECK_LABEL] !== BACKUP_CHECK) return [];
      const parsed = opts.views.incidents.parse(o);
      return parsed.ok ? parsed.value.spec.unitRefs.map((r) => ({ namespace: parsed.value.namespace, name: r.name })) : [];
    };
    this.controller = opts.manager.addController({
      name: 'backup-check',
      kind: KIND_REFS.ServiceUnit,
      concurrency: 4,
      reconcile: (req, ctx) => this.#reconcile(req, ctx),
      // The unit's spec (policy, check, acceptance test) and deletion; status writes wake nothing.
      predicate: specChanged,
      // A backup incident resolved or deleted by someone: looked at again.
      watches: [{ kind: KIND_REFS.Incident, map: unitsOfBackupIncident, predicate: specChanged }],
    });
  }

  async #reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const parsed = this.#opts.views.units.get(req.namespace, req.name);
    // Absent, or invalid (the unit controller says InvalidSpec): nothing to check.
    if (parsed === undefined || !parsed.ok) return {};
    const unit = parsed.value;
    const plan = unit.raw.metadata?.deletionTimestamp !== undefined ? undefined : backupPlan(unit);
    if (plan === undefined) {
      // No check (any more): the check's part of the status goes.
      if (unit.status?.backup !== undefined || findCondition(unit.status?.conditions, ConditionType.BackupOnSchedule) !== undefined) await this.#apply(unit, {});
      return {};
    }
    const now = this.#manager.clock.now();
    const policy = unit.spec.backup?.policy ?? 'WEEKLY-1';
    if (!plan.ok) {
      await this.#write(unit, { kind: 'NotObserved', message: `not checked: ${plan.reason}` }, policy, now);
      return {};
    }
    const internal = backupCheckInternalErrors(unit.spec.backup?.check, this.#opts.internalEndpoints);
    if (internal.length > 0) {
      await this.#write(unit, { kind: 'NotObserved', message: `not checked: ${internal.map((e) => `${e.path}: ${e.message}`).join('; ')}` }, policy, now);
      return {};
    }
    const outcome = await this.#observe(unit, plan.plan, now, ctx);
    await this.#write(unit, outcome, plan.plan.policy, now);
    const next = plan.plan.periodMs;
    if (outcome.kind === 'Observed' && outcome.verdict.state === 'OnSchedule') return { requeueAfter: Math.min(next, until(now, outcome.verdict.deadline)) };
    return { requeueAfter: next };
  }

  /** Queries the last success, judges it, opens or resolves the incident. */
  async #observe(unit: UnitView, plan: BackupPlan, now: Date, ctx: ReconcileContext): Promise<BackupOutcome> {
    const answer = await queryPrometheus({ url: plan.url, query: plan.query, timeoutMs: plan.timeoutMs }, this.#manager.clock);
    if (!answer.ok) return { kind: 'NotObserved', message: answer.message };
    const latest = latestBackupSuccess(answer.values);
    if (!latest.ok) return { kind: 'NotObserved', message: `query ${JSON.stringify(plan.query)}: ${latest.message}` };
    const verdict = backupVerdict({ policy: plan.policy, lastSuccess: latest.at, acceptedAt: plan.acceptedAt, inServiceSince: plan.inServiceSince }, now);
    const open = this.#opts.views.incidents.list(unit.namespace).filter((i) => isOpenBackupIncident(i, unit.name)).sort(byOpenedAt);
    if (verdict.state === 'Missed') {
      const adopted = open[0];
      if (adopted !== undefined) return { kind: 'Observed', verdict, lastSuccess: latest.at, incident: adopted.name };
      const incident = backupIncident(unit, plan, verdict, latest.at);
      const created = await this.#open(unit, incident, ctx);
      return { kind: 'Observed', verdict, lastSuccess: latest.at, ...(created ? { incident: incident.metadata.name } : {}) };
    }
    for (const incident of open) await this.#resolve(unit, incident, backupResolution(incident, latest.at ?? now), ctx);
    return { kind: 'Observed', verdict, lastSuccess: latest.at };
  }

  /** Creates the incident; false when it already existed (409: a retry, a lagging cache, a previous leader) and is no longer open. */
  async #open(unit: UnitView, incident: ReturnType<typeof backupIncident>, ctx: ReconcileContext): Promise<boolean> {
    const name = incident.metadata.name;
    try {
      const created = await this.#manager.client.request<KubernetesObject>('POST', collectionPath(KIND_REFS.Incident, unit.namespace), { query: { fieldManager: this.#manager.fieldManager }, body: this.#manager.withShardLabel(incident) });
      ctx.logger.info({ incident: name, openedAt: incident.spec.openedAt }, 'backup missed: incident opened');
      await this.#manager.events.emit(unit.raw, {
        type: 'Warning', reason: 'BackupMissed', action: 'Open',
        note: `Incident ${name} (${incident.spec.priority}) opened: ${incident.spec.summary}`, related: created,
      });
      return true;
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      const existing = this.#opts.views.incidents.get(unit.namespace, name);
      // The same missed backup was recorded already: that incident is this one's, open or resolved by someone.
      return existing === undefined || (existing.ok && existing.value.spec.resolvedAt === undefined);
    }
  }

  async #resolve(unit: UnitView, incident: IncidentView, at: Date, ctx: ReconcileContext): Promise<void> {
    try {
      await this.#manager.client.request('PATCH', objectPath(KIND_REFS.Incident, unit.namespace, incident.name), {
        query: { fieldManager: this.#manager.fieldManager },
        contentType: PatchStrategy.MergePatch,
        body: { spec: { resolvedAt: toSeconds(at) } },
      });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      return;
    }
    ctx.logger.info({ incident: incident.name, resolvedAt: toSeconds(at) }, 'backup succeeded: incident resolved');
    await this.#manager.events.emit(unit.raw, {
      type: 'Normal', reason: 'BackupSucceeded', action: 'Resolve',
      note: `Incident ${incident.name} resolved: a backup succeeded at ${toSeconds(at)}`, related: incident.raw,
    });
  }

  async #write(unit: UnitView, outcome: BackupOutcome, policy: Parameters<typeof backupStatus>[1], now: Date): Promise<void> {
    const existing = findCondition(unit.status?.conditions, ConditionType.BackupOnSchedule);
    await this.#apply(unit, backupStatus(outcome, policy, existing, unit.generation, now));
  }

  async #apply(unit: UnitView, body: object): Promise<void> {
    try {
      await this.#status.apply(KIND_REFS.ServiceUnit, unit.raw, body, () => backupPart(unit.status));
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }
}
