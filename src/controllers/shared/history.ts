// Records are traced (issue 12, domain.md §9): the admission webhook appends who changed an
// Incident's or a ChangeRequest's SLA fields, when, old → new, to the managedapps.dev/history
// annotation (the one place that knows who); the controllers project it into status.history
// (the latest MAX_STATUS_HISTORY, the rest counted in historyOmitted) and emit one Event per new
// entry: an entry is new when the stored status has not shown it yet (its count is below).
import type { KubernetesObject } from '@kubernetes/client-node';
import { HISTORY_ANNOTATION, describeEntry, historyStatus, parseHistory, type HistoryEntry, type HistoryItem } from '../../api/v1alpha1/index.ts';
import type { Manager } from '../../runtime/index.ts';

/** The object's trace as stored (a trace that does not parse, written without the webhook, is empty). */
export function historyOf(raw: KubernetesObject): HistoryEntry[] {
  return parseHistory(raw.metadata?.annotations?.[HISTORY_ANNOTATION]) ?? [];
}

export { historyStatus };

/** One Normal Event `RecordChanged` per entry the stored status did not count yet. */
export async function emitNewHistory(
  manager: Manager, raw: KubernetesObject, entries: readonly HistoryEntry[],
  stored: { readonly history?: readonly HistoryItem[]; readonly historyOmitted?: number } | undefined,
): Promise<void> {
  const shown = (stored?.history?.length ?? 0) + (stored?.historyOmitted ?? 0);
  for (const e of entries.slice(shown)) {
    await manager.events.emit(raw, { type: 'Normal', reason: 'RecordChanged', action: 'Update', note: describeEntry(e) });
  }
}
