// Kubernetes Events (events.k8s.io/v1), under the Manager's `reportingController` (names.ts).
// A series is de-duplicated: the same reason on the same object (and type) within `windowMs`
// creates no new Event object; it is counted and dropped (a level-based reconcile re-runs
// often, and Events must say "something changed", not "we looked again"). Emitting never
// throws: an Event is informative, a failure is logged and counted.
import { randomBytes } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
// client-node's modules, not its entry point (which loads its whole generated API: issue 17).
import { V1MicroTime } from '@kubernetes/client-node/dist/types.js';
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import { objectKey, type KubeClient } from './kube.ts';
import { noopRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';

export type EventType = 'Normal' | 'Warning';

export type EventSpec = {
  type: EventType;
  /** UpperCamelCase, machine-readable: `SLABreached`, `IncidentOpened`, ... */
  reason: string;
  /** What the operator did or observed: `Reconcile`, `Open`, ... */
  action: string;
  /** Human-readable, ≤ 1 kB. */
  note: string;
  related?: KubernetesObject;
};

export type EventRecorderOptions = {
  clock: Clock;
  logger: Logger;
  /** reportingController: the program's (the Manager passes its `reportingController`). */
  reportingController: string;
  /** reportingInstance: this replica's identity. */
  instance: string;
  /** Default 10 min. */
  windowMs?: number;
  /** Remembered series; oldest dropped beyond. Default 10 000. */
  maxSeries?: number;
  metrics?: RuntimeMetrics;
};

function reference(obj: KubernetesObject): Record<string, string> {
  const ref: Record<string, string> = {};
  if (obj.apiVersion !== undefined) ref.apiVersion = obj.apiVersion;
  if (obj.kind !== undefined) ref.kind = obj.kind;
  const m = obj.metadata;
  if (m?.name !== undefined) ref.name = m.name;
  if (m?.namespace !== undefined) ref.namespace = m.namespace;
  if (m?.uid !== undefined) ref.uid = m.uid;
  return ref;
}

export class EventRecorder {
  readonly #client: KubeClient;
  readonly #opts: EventRecorderOptions;
  readonly #metrics: RuntimeMetrics;
  readonly #series = new Map<string, number>();

  constructor(client: KubeClient, opts: EventRecorderOptions) {
    this.#client = client;
    this.#opts = opts;
    this.#metrics = opts.metrics ?? noopRuntimeMetrics;
  }

  /** Creates the Event unless the same series was emitted within the window. Resolves true if created. Never rejects. */
  async emit(regarding: KubernetesObject, spec: EventSpec): Promise<boolean> {
    const now = this.#opts.clock.now();
    const seriesKey = `${regarding.metadata?.uid ?? objectKey(regarding)}|${spec.type}|${spec.reason}`;
    const last = this.#series.get(seriesKey);
    if (last !== undefined && now.getTime() - last < (this.#opts.windowMs ?? 600_000)) {
      this.#metrics.event(spec.reason, 'deduplicated');
      return false;
    }
    this.#series.delete(seriesKey);
    this.#series.set(seriesKey, now.getTime());
    if (this.#series.size > (this.#opts.maxSeries ?? 10_000)) {
      const oldest = this.#series.keys().next();
      if (oldest.done !== true) this.#series.delete(oldest.value);
    }
    const namespace = regarding.metadata?.namespace ?? 'default';
    const name = `${regarding.metadata?.name ?? 'object'}.${now.getTime().toString(16)}${randomBytes(2).toString('hex')}`;
    const body = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      // stack-notes.md: eventTime must be a MicroTime (6 fractional digits).
      eventTime: new V1MicroTime(now.getTime()),
      reportingController: this.#opts.reportingController,
      reportingInstance: this.#opts.instance,
      action: spec.action,
      reason: spec.reason,
      type: spec.type,
      note: spec.note.slice(0, 1024),
      regarding: reference(regarding),
      ...(spec.related !== undefined ? { related: reference(spec.related) } : {}),
    };
    try {
      await this.#client.request('POST', `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`, { body });
      this.#metrics.event(spec.reason, 'created');
      return true;
    } catch (err) {
      // Let the next occurrence try again.
      this.#series.delete(seriesKey);
      this.#metrics.event(spec.reason, 'failed');
      this.#opts.logger.warn({ err, reason: spec.reason, object: objectKey(regarding) }, 'could not create Event');
      return false;
    }
  }
}
