// `kubectl managedapps ...`: the commands a client or the provider runs against a cluster, with
// kubectl's habits (src/cli/kubectl/client.ts): `-n`, `-A`, `-o`, `--context`, `--kubeconfig`,
// exit 0 on success and 1 with one line `error: ...` on stderr otherwise.
//
//   approve CHANGE / reject CHANGE   the client's decision on a provider-initiated ChangeRequest
//   resolve INCIDENT / close INCIDENT spec.resolvedAt / spec.closedAt (the client agreed)
//   windows                           the next maintenance windows, from MaintenanceWindow status
//   confirm-approvers TENANT          a ChangeApprover confirms the approvers someone else added
//
// Writes are JSON merge patches carrying the resourceVersion read (a concurrent edit fails with a
// conflict instead of being overwritten). Who approved is never sent: the admission webhook
// stamps `spec.approval.approvedBy` from the authenticated user. `report` (report.ts) and `crds`
// (main.ts) are registered elsewhere.
//
// Start-up (issue 17): what needs the API's schemas or the domain (the approvers' digest, a
// window's selector matched against units) is imported by the command that uses it, when it runs.
import type {
  Contact, ChangeRequestSpec, IncidentSpec, LabelSelector, MaintenanceWindowSpec, MaintenanceWindowStatus,
} from '../../api/v1alpha1/index.ts';
import type { KubeClient } from '../../runtime/kube.ts';
import { ApiError } from '../../runtime/errors.ts';
import {
  CliError, EXIT_OK, OBJECT_FORMATS, REFS, checkFormat, connect, getObject, listObjects, mergePatch, nowRfc3339, parseInstant,
  printValue, resourceName, runCommand, type ApiObject, type CommandIO, type KubeFlags, type ObjectFormat,
} from './client.ts';
import { DEFAULT_WINDOW_COUNT, WINDOW_FORMATS, type WindowFormat } from '../io.ts';
import { table } from '../output.ts';

export { EXIT_ERROR, EXIT_OK, type CommandIO, type KubeFlags } from './client.ts';

/** The client clock, injectable for tests; read only when no `--at` is given. */
type Clock = () => Date;

// ---- approve / reject ---------------------------------------------------------------------------

export interface DecideOptions extends KubeFlags {
  readonly change: string;
  readonly decision: 'Approved' | 'Rejected';
  /** The approver's comment; the reason of a rejection. */
  readonly comment?: string | undefined;
  readonly output?: string | undefined;
  readonly now?: Clock;
}

/** As stored: the API server applied the schema's defaults, but read defensively. */
type ChangeSpec = Partial<ChangeRequestSpec>;

/** Records the client's decision on a provider-initiated change (`spec.approval`, domain.md §10). */
export async function decideCommand(opts: DecideOptions, io: CommandIO): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const output = checkFormat<ObjectFormat>(opts.output, OBJECT_FORMATS);
    if (opts.decision === 'Rejected' && (opts.comment ?? '').trim() === '') throw new CliError('reject needs --reason: tell the provider why');
    const conn = await connect(opts);
    client = conn.client;
    const change = await getObject<ChangeSpec, unknown>(conn.client, REFS.ChangeRequest, conn.namespace, opts.change);
    const name = resourceName(REFS.ChangeRequest, opts.change);
    const spec = change.spec;
    if (spec === undefined) throw new CliError(`${name} has no spec`);
    if ((spec.initiator ?? 'Client') !== 'Provider') {
      throw new CliError(`${name} was requested by the client (spec.initiator ${spec.initiator ?? 'Client'}): only a provider-initiated change needs the client's approval`);
    }
    if (spec.approval !== undefined) {
      throw new CliError(`${name} is already ${spec.approval.decision} by ${spec.approval.approvedBy} at ${spec.approval.decidedAt}`);
    }
    const approval = {
      decision: opts.decision,
      decidedAt: nowRfc3339((opts.now ?? (() => new Date()))()),
      ...(opts.comment !== undefined && opts.comment !== '' ? { comment: opts.comment } : {}),
    };
    let patched: ApiObject<ChangeSpec, unknown>;
    try {
      patched = await mergePatch<ChangeSpec, unknown>(conn.client, REFS.ChangeRequest, conn.namespace, opts.change, {
        metadata: { resourceVersion: change.metadata.resourceVersion },
        spec: { approval },
      });
    } catch (err) {
      // The mutating webhook stamps approvedBy only for a ChangeApprover contact (and only when it
      // serves the namespace); the schema, checked before the validating webhook, requires it.
      if (err instanceof ApiError && err.statusCode === 422 && /approvedBy/.test(err.message)) {
        throw new CliError(`${name}: no approver recorded (spec.approval.approvedBy): the admission webhook records only a ChangeApprover contact of the namespace's ManagedTenant, from the user you are authenticated as; check that you are one (and that the managedapps webhook serves this namespace)`);
      }
      throw err;
    }
    if (output !== undefined) {
      io.stdout(output === 'name' ? `${name}\n` : printValue(patched, output));
    } else {
      const by = patched.spec?.approval?.approvedBy;
      io.stdout(`${name} ${opts.decision === 'Approved' ? 'approved' : 'rejected'}${by === undefined ? '' : ` by ${by}`}\n`);
    }
    return EXIT_OK;
  }, () => client?.server);
}

// ---- confirm-approvers ----------------------------------------------------------------------------

export interface ConfirmApproversOptions extends KubeFlags {
  readonly tenant: string;
  readonly output?: string | undefined;
}

/**
 * A ChangeApprover in force confirms the ChangeApprover grants someone else (the provider, GitOps)
 * added to the tenant (docs/security.md): it writes the digest of what is pending, as stored, into
 * the confirmation annotation; the webhook puts the grants into force and records it in the
 * contacts log, or refuses (not an approver in force, the list changed meanwhile: a conflict).
 */
export async function confirmApproversCommand(opts: ConfirmApproversOptions, io: CommandIO): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const output = checkFormat<ObjectFormat>(opts.output, OBJECT_FORMATS);
    const conn = await connect(opts);
    client = conn.client;
    const tenant = await getObject<{ contacts?: Contact[] }, unknown>(conn.client, REFS.ManagedTenant, conn.namespace, opts.tenant);
    const name = resourceName(REFS.ManagedTenant, opts.tenant);
    const { CONFIRM_APPROVERS_ANNOTATION, describeGrant, pendingDigest, pendingGrants } = await import('../../api/v1alpha1/approvers.ts');
    const pending = pendingGrants({ metadata: { annotations: tenant.metadata.annotations }, spec: { contacts: tenant.spec?.contacts ?? [] } });
    if (pending.size === 0) throw new CliError(`${name}: no ChangeApprover grant awaits confirmation (status.approvers.pending is empty)`);
    const patched = await mergePatch<unknown, unknown>(conn.client, REFS.ManagedTenant, conn.namespace, opts.tenant, {
      metadata: { resourceVersion: tenant.metadata.resourceVersion, annotations: { [CONFIRM_APPROVERS_ANNOTATION]: pendingDigest(pending) } },
    });
    if (output !== undefined) io.stdout(output === 'name' ? `${name}\n` : printValue(patched, output));
    else io.stdout(`${name} approvers confirmed: ${[...pending.values()].map(describeGrant).sort().join(', ')}\n`);
    return EXIT_OK;
  }, () => client?.server);
}

// ---- resolve / close ----------------------------------------------------------------------------

export interface IncidentOptions extends KubeFlags {
  readonly incident: string;
  readonly action: 'resolve' | 'close';
  /** RFC 3339; default now. */
  readonly at?: string | undefined;
  readonly output?: string | undefined;
  readonly now?: Clock;
}

type IncidentFields = Partial<IncidentSpec>;

/** `resolve` sets spec.resolvedAt (service restored); `close` sets spec.closedAt (the client agreed; needs resolvedAt). */
export async function incidentCommand(opts: IncidentOptions, io: CommandIO): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const output = checkFormat<ObjectFormat>(opts.output, OBJECT_FORMATS);
    const at = opts.at === undefined ? nowRfc3339((opts.now ?? (() => new Date()))()) : parseInstant('--at', opts.at);
    const conn = await connect(opts);
    client = conn.client;
    const incident = await getObject<IncidentFields, unknown>(conn.client, REFS.Incident, conn.namespace, opts.incident);
    const name = resourceName(REFS.Incident, opts.incident);
    const spec = incident.spec;
    if (spec === undefined) throw new CliError(`${name} has no spec`);
    if (spec.closedAt !== undefined) throw new CliError(`${name} is already closed (spec.closedAt ${spec.closedAt})`);
    let field: 'resolvedAt' | 'closedAt';
    if (opts.action === 'resolve') {
      if (spec.resolvedAt !== undefined) throw new CliError(`${name} is already resolved (spec.resolvedAt ${spec.resolvedAt}); edit spec.resolvedAt to correct it`);
      if (spec.openedAt !== undefined && new Date(at) < new Date(spec.openedAt)) throw new CliError(`--at ${at} is before the incident was opened (spec.openedAt ${spec.openedAt})`);
      field = 'resolvedAt';
    } else {
      if (spec.resolvedAt === undefined) {
        throw new CliError(`${name} is not resolved (no spec.resolvedAt): it can be closed only once the service is restored; resolve it first (kubectl managedapps resolve ${opts.incident})`);
      }
      if (new Date(at) < new Date(spec.resolvedAt)) throw new CliError(`--at ${at} is before the incident was resolved (spec.resolvedAt ${spec.resolvedAt})`);
      field = 'closedAt';
    }
    const patched = await mergePatch<IncidentFields, unknown>(conn.client, REFS.Incident, conn.namespace, opts.incident, {
      metadata: { resourceVersion: incident.metadata.resourceVersion },
      spec: { [field]: at },
    });
    if (output !== undefined) io.stdout(output === 'name' ? `${name}\n` : printValue(patched, output));
    else io.stdout(`${name} ${opts.action === 'resolve' ? 'resolved' : 'closed'} at ${at}\n`);
    return EXIT_OK;
  }, () => client?.server);
}

// ---- windows ------------------------------------------------------------------------------------

export { DEFAULT_WINDOW_COUNT, WINDOW_FORMATS, type WindowFormat } from '../io.ts';

export interface WindowsOptions extends KubeFlags {
  readonly allNamespaces?: boolean | undefined;
  /** How many occurrences to show, all windows together; default 10. */
  readonly count?: string | number | undefined;
  readonly output?: string | undefined;
}

/** One occurrence of a window, as `windows -o json|yaml` prints it. */
export interface WindowOccurrence {
  readonly namespace: string;
  readonly name: string;
  readonly purpose: string;
  readonly start: string;
  readonly end: string;
  /** Running now. */
  readonly active: boolean;
  readonly timeZone: string;
  readonly selector: string;
  readonly excludeFromAvailability: boolean;
  readonly requiresClientApproval: boolean;
  /** The occurrence's approval as the status shows it (domain.md §11); absent from an operator that does not write it. */
  readonly approval?: 'NotRequired' | 'Approved' | 'AwaitingApproval' | undefined;
  /** Approved by the yearly patch plan of this year (seed §5.8), not by an approval of its own. */
  readonly plan?: number | undefined;
  /** The ServiceUnits the selector matches now, sorted. */
  readonly units: readonly string[];
}

type Window = ApiObject<MaintenanceWindowSpec, MaintenanceWindowStatus>;

/** A label selector as kubectl writes one (`app=db,tier in (a,b),!legacy`); the empty selector covers every unit. */
export function formatSelector(selector: LabelSelector | undefined): string {
  const parts = [
    ...Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector?.matchExpressions ?? []).map((e) => {
      switch (e.operator) {
        case 'In': return `${e.key} in (${(e.values ?? []).join(',')})`;
        case 'NotIn': return `${e.key} notin (${(e.values ?? []).join(',')})`;
        case 'Exists': return e.key;
        case 'DoesNotExist': return `!${e.key}`;
      }
    }),
  ];
  return parts.length === 0 ? '<all units>' : parts.join(',');
}

/** Whether a label selector selects these labels (src/api/v1alpha1's matchesSelector). */
type SelectorMatch = (selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>) => boolean;

/** The APPROVAL column: approved (`plan-2027` when by the yearly plan) or awaiting per occurrence; `required`/`no` from the spec when the status does not say. */
function approvalText(r: WindowOccurrence): string {
  if (r.approval === 'Approved') return r.plan === undefined ? 'approved' : `plan-${r.plan}`;
  if (r.approval === 'AwaitingApproval') return 'awaiting';
  return r.requiresClientApproval && r.approval === undefined ? 'required' : 'no';
}

/** The next occurrences of the windows (the running one first when active), sorted by start, at most `count`. */
export function windowOccurrences(windows: readonly Window[], units: readonly ApiObject<unknown, unknown>[], count: number, matchesSelector: SelectorMatch): WindowOccurrence[] {
  const rows: WindowOccurrence[] = [];
  for (const w of windows) {
    const spec = w.spec;
    if (spec === undefined) continue;
    const namespace = w.metadata.namespace ?? '';
    const selected = units
      .filter((u) => (u.metadata.namespace ?? '') === namespace && matchesSelector(spec.selector, u.metadata.labels ?? {}))
      .map((u) => u.metadata.name)
      .sort();
    // The running occurrence, agreed (active) or awaiting the client's approval (listed, not active).
    const current = w.status?.currentOccurrence;
    const occurrences = [...(current === undefined ? [] : [current]), ...(w.status?.nextOccurrences ?? []).filter((o) => o.start !== current?.start)];
    for (const o of occurrences) {
      rows.push({
        namespace,
        name: w.metadata.name,
        purpose: spec.purpose,
        start: o.start,
        end: o.end,
        active: o === current && w.status?.active === true,
        timeZone: spec.timeZone,
        selector: formatSelector(spec.selector),
        excludeFromAvailability: spec.excludeFromAvailability,
        requiresClientApproval: spec.requiresClientApproval,
        ...(o.approval === undefined ? {} : { approval: o.approval }),
        ...(o.plan === undefined ? {} : { plan: o.plan }),
        units: selected,
      });
    }
  }
  const key = (r: WindowOccurrence): string => `${r.namespace}/${r.name}`;
  rows.sort((a, b) => new Date(a.start).getTime() - new Date(b.start).getTime() || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return rows.slice(0, count);
}

function parseCount(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_WINDOW_COUNT;
  const text = String(value);
  if (!/^[1-9]\d{0,3}$/.test(text)) throw new CliError(`--count '${text}' is not a whole number from 1 to 9999`);
  return Number(text);
}

export async function windowsCommand(opts: WindowsOptions, io: CommandIO): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const output = checkFormat<WindowFormat>(opts.output, WINDOW_FORMATS);
    const count = parseCount(opts.count);
    const conn = await connect(opts);
    client = conn.client;
    const scope = opts.allNamespaces === true ? undefined : conn.namespace;
    const windows = await listObjects<MaintenanceWindowSpec, MaintenanceWindowStatus>(conn.client, REFS.MaintenanceWindow, scope);
    const units = windows.length === 0 || output === undefined ? [] : await listObjects(conn.client, REFS.ServiceUnit, scope);
    // The selector matching only when units were listed (-o wide, json, yaml): the table needs none.
    const matches: SelectorMatch = units.length === 0 ? () => false : (await import('../../api/v1alpha1/index.ts')).matchesSelector;
    const rows = windowOccurrences(windows, units, count, matches);
    if (output === 'json' || output === 'yaml') {
      io.stdout(printValue(rows, output));
      return EXIT_OK;
    }
    if (rows.length === 0) {
      const pending = windows.length > 0 ? ` (${windows.length} MaintenanceWindow(s) without next occurrences in their status yet)` : '';
      io.stderr(`No maintenance windows found${scope === undefined ? '' : ` in ${scope} namespace`}${pending}.\n`);
      return EXIT_OK;
    }
    const wide = output === 'wide';
    const header = [
      ...(scope === undefined ? ['NAMESPACE'] : []), 'NAME', 'PURPOSE', 'START', 'END', 'ACTIVE', 'SELECTOR',
      ...(wide ? ['EXCLUDED', 'APPROVAL', 'UNITS'] : []),
    ];
    const body = rows.map((r) => [
      ...(scope === undefined ? [r.namespace] : []), r.name, r.purpose, r.start, r.end, r.active ? 'yes' : 'no', r.selector,
      ...(wide ? [r.excludeFromAvailability ? 'yes' : 'no', approvalText(r), r.units.length === 0 ? '<none>' : r.units.join(',')] : []),
    ]);
    io.stdout(`${table(header, body)}\n`);
    return EXIT_OK;
  }, () => client?.server);
}
