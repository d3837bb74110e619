// ChangeRequest spec.runbook (issue 14 item 3): the batch/v1 Job the operator creates when the
// change may run (domain/runbook.ts runbookStart), and the rollback Job it creates when that one
// fails. The Job's spec is kept as written (x-kubernetes-preserve-unknown-fields: the API server
// validates the Job itself when the operator creates it); what the contract and the operator's
// security rest on is checked here, for the webhook, the controller (the cache's conversion:
// Ready=False InvalidSpec when the webhook was bypassed) and `report --offline` alike, naming the
// field: the namespace, and no privileged pod (privileged, allowPrivilegeEscalation, added
// capabilities, hostPID/hostIPC/hostNetwork, hostPath volumes).
import { z } from 'zod';
import { doc, localRef, text } from './common.ts';

/** A label or annotation map of the Job template (keys and values as Kubernetes bounds them). */
const stringMap = (description: string, maxValue: number) => doc(z.record(z.string(), z.string().max(maxValue)), description);

export const JobTemplate = z.object({
  metadata: doc(z.object({
    namespace: text('Must be absent or the ChangeRequest\'s own namespace: a runbook runs in its tenant only.', 63).optional(),
    labels: stringMap('Labels of the Job (the operator adds its own: managedapps.dev/change, managedapps.dev/runbook).', 63).optional(),
    annotations: stringMap('Annotations of the Job.', 8192).optional(),
  }), 'Metadata of the Job: labels and annotations; its name is the operator\'s (<change>-run, <change>-rollback).').optional(),
  spec: doc(z.unknown(), 'The batch/v1 JobSpec, as kubectl writes it (template, backoffLimit, activeDeadlineSeconds, ...). Validated by the API server when the Job is created; refused here: a privileged container, allowPrivilegeEscalation, added capabilities, hostPID, hostIPC, hostNetwork, hostPath volumes.'),
});
export type JobTemplate = z.infer<typeof JobTemplate>;

export const Runbook = z.object({
  template: doc(JobTemplate, 'The Job that carries out the change.'),
  rollback: doc(JobTemplate, 'The Job that undoes it, created when the first one fails.').optional(),
  windowRef: localRef('The MaintenanceWindow whose agreed occurrences it runs in (one that needs the client\'s approval: its approved occurrences only, domain.md §11); absent: the administration window (business hours, domain.md §4). A change executed outside business hours names one.').optional(),
});
export type Runbook = z.infer<typeof Runbook>;

export interface RunbookProblem {
  readonly path: string;
  readonly message: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
const HOST_NAMESPACES = ['hostPID', 'hostIPC', 'hostNetwork'] as const;

/** The privileged settings of one container's securityContext, each with its path. */
function containerProblems(container: unknown, path: string): RunbookProblem[] {
  if (!isObject(container) || !isObject(container.securityContext)) return [];
  const sc = container.securityContext;
  const out: RunbookProblem[] = [];
  if (sc.privileged === true) out.push({ path: `${path}.securityContext.privileged`, message: 'a runbook\'s container is never privileged' });
  if (sc.allowPrivilegeEscalation === true) out.push({ path: `${path}.securityContext.allowPrivilegeEscalation`, message: 'a runbook\'s container may not escalate its privileges' });
  const add = isObject(sc.capabilities) ? sc.capabilities.add : undefined;
  if (Array.isArray(add) && add.length > 0) out.push({ path: `${path}.securityContext.capabilities.add`, message: `a runbook's container adds no capability (${add.map(String).join(', ')})` });
  return out;
}

/** What is refused in one Job template, under `path` (e.g. `spec.runbook.template`). */
export function jobTemplateProblems(template: JobTemplate, path: string, namespace: string | undefined): RunbookProblem[] {
  const out: RunbookProblem[] = [];
  const ns = template.metadata?.namespace;
  if (ns !== undefined && namespace !== undefined && ns !== namespace) {
    out.push({ path: `${path}.metadata.namespace`, message: `a runbook runs in the ChangeRequest's namespace '${namespace}' only, not in '${ns}'` });
  }
  const spec = template.spec;
  if (!isObject(spec)) return [...out, { path: `${path}.spec`, message: 'a batch/v1 JobSpec (an object with template.spec.containers)' }];
  const pod = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : undefined;
  const podPath = `${path}.spec.template.spec`;
  if (pod === undefined || !Array.isArray(pod.containers) || pod.containers.length === 0) return [...out, { path: `${podPath}.containers`, message: 'a Job\'s pod template has at least one container' }];
  for (const key of HOST_NAMESPACES) if (pod[key] === true) out.push({ path: `${podPath}.${key}`, message: `a runbook's pod does not share the node's namespaces (${key})` });
  for (const list of CONTAINER_LISTS) {
    const containers = pod[list];
    if (Array.isArray(containers)) containers.forEach((c, i) => out.push(...containerProblems(c, `${podPath}.${list}[${i}]`)));
  }
  if (Array.isArray(pod.volumes)) {
    pod.volumes.forEach((v, i) => {
      if (isObject(v) && v.hostPath !== undefined) out.push({ path: `${podPath}.volumes[${i}].hostPath`, message: 'a runbook\'s pod mounts no directory of the node' });
    });
  }
  return out;
}

/** What is refused in `spec.runbook` of a change in `namespace` (undefined: offline, not known). */
export function runbookProblems(spec: { readonly runbook?: Runbook | undefined }, namespace: string | undefined): RunbookProblem[] {
  const r = spec.runbook;
  if (r === undefined) return [];
  const out = jobTemplateProblems(r.template, 'spec.runbook.template', namespace);
  if (r.rollback !== undefined) out.push(...jobTemplateProblems(r.rollback, 'spec.runbook.rollback', namespace));
  return out;
}
