// src/runtime: a small, generic controller runtime over @kubernetes/client-node (design.md §2).
// Owns: the informer caches, the work queue, the reconcile contract, status apply, conditions,
// events, finalizers, leader election, the clock, process safety, serving certificates that
// follow a mounted directory (cert-reloader.ts). Must not import src/domain,
// src/api, controllers or anything specific to managed apps: it knows kinds only as KindRefs,
// and the names it writes under (field manager, Event reporter, metric prefix) as options
// (names.ts).
// No module-level singletons: everything is constructed by main.ts and injected.
export { realClock, clockStartingAt, ManualClock, sleep, isAborted, type Clock, type Timer } from './clock.ts';
export { ERROR_CODES, TerminalError, ApiError, errorCode, isRetryable, isStatus, codeForStatus, type ErrorCode } from './errors.ts';
export { keyOf, requestOf, type Request, type Result, type Reconciler, type ReconcileContext } from './reconcile.ts';
export { WorkQueue, noopQueueMetrics, type QueueMetrics, type WorkQueueOptions } from './workqueue.ts';
export { Backoff, backoffDelay, QUEUE_BACKOFF, LOOP_BACKOFF, type BackoffOptions } from './backoff.ts';
export { KubeClient, assertConfigured, apiVersionOf, collectionPath, objectPath, objectKey, kindName, type KindRef } from './kube.ts';
export { StringInterner, MAX_INTERNED_LENGTH } from './intern.ts';
export { Informer, stripForCache, LAST_APPLIED_ANNOTATION, type CacheTransform, type InformerOptions, type IndexFunc, type ObjectHandler, type InformerMetrics, type NamespaceFilter } from './informer.ts';
export { StatusWriter, canonicalJson, semanticEqual, type StatusWriterOptions } from './status.ts';
export { setCondition, setConditions, findCondition, isTrue, toSeconds, type Condition, type ConditionStatus, type DesiredCondition } from './conditions.ts';
export { EventRecorder, type EventSpec, type EventType } from './events.ts';
export { addFinalizer, removeFinalizer, hasFinalizer, isDeleting } from './finalizers.ts';
export { LeaderElector, defaultIdentity, type LeaderElectionConfig } from './leader.ts';
export { Controller, specChanged, type ControllerSpec, type Watch } from './controller.ts';
export { Manager, type ManagerOptions, type InformerScope } from './manager.ts';
export {
  ShardSet, ShardCoordinator, ShardLabeller, MAX_SHARDS, bucketOf, bucketsWon, fnv1a32, leaseNameOf, rendezvousWinner, shardSelector, shardValue, unlabelledSelector,
  type ReconcileGate,
} from './shards.ts';
export { NamespaceSelection, namespaceNameError, parseLabelSelector, type SelectorRequirement, type WatchScope } from './namespaces.ts';
export type { Runnable } from './runnable.ts';
export { DEFAULT_NAMES, type RuntimeNames } from './names.ts';
export { noopRuntimeMetrics, promRuntimeMetrics, runtimeMetricNames, type RuntimeMetrics, type RuntimeMetricsOptions, type ReconcileOutcome, type CertificateMetrics, type CertificateOutcome } from './metrics.ts';
export {
  CertificateReloader, inspectCertificatePair, CERT_FILE, KEY_FILE, DEFAULT_CERT_POLL_INTERVAL_MS, DEFAULT_CERT_DEBOUNCE_MS,
  type CertificatePair, type CertificateReloaderOptions, type PairInspection, type ReloadOutcome,
} from './cert-reloader.ts';
export { installProcessHandlers, type ProcessHandlerOptions } from './process.ts';
