// A long-running part of the operator (style.md item 12, controller-runtime's
// Runnable + LeaderElectionRunnable): it says whether it needs the lease. Controllers and
// probers do; the webhook, metrics and health servers do not.
export interface Runnable {
  readonly name: string;
  /** true: started only on the leader, stopped the moment the lease is lost. */
  readonly needLeaderElection: boolean;
  /** Runs until `signal` aborts, then stops and resolves. Rejecting is a fatal error of the runnable (logged). */
  start(signal: AbortSignal): Promise<void>;
}
