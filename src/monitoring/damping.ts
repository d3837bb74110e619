// Flap damping (issue 20 item 3, design.md §2 "Flap damping"): turns the probe states of one unit
// into outage EPISODES, one incident each, the way Prometheus' `for:` and Alertmanager's grouping
// turn samples into one alert. Pure: no I/O, no clock; every instant comes in with an observation.
//
// Input: after every probe, the scheduler's debounced state (`failureThreshold` failures in a row
// make it Down, `successThreshold` successes Up) and the start of the run that made that state.
// Rules, with the two hold-downs of `spec.monitoring`:
//   - Healthy → Pending at the first Down: the episode starts at the first failure of that run.
//   - Pending → (open) when the episode has lasted `openAfter` and the last state is Down; the
//     incident's openedAt is the episode's start: the service was interrupted from then on
//     (domain.md §1 "Interruption", §5: interruption time counts from the outage's start).
//   - Pending → Healthy when the target has been Up for `resolveAfter`: an outage shorter than
//     the hold-down opens nothing.
//   - Open → (resolve) when the target has been Up for `resolveAfter`; resolvedAt is the first
//     success of that final recovery (the service was restored then, not when we were sure of it).
//     A Down in between keeps the same incident: a flapping target is one episode.
// The automation performs `open`/`resolve` and confirms them (`opened`, `resolved`); until it does,
// `action()` keeps asking (level-based: a failed create is retried at the next probe). After a
// restart the open incident in the API server is adopted (`adopt`), so no second one opens.

export interface DampingOptions {
  /** `spec.monitoring.openAfter`, in ms (≥ 0). */
  readonly openAfterMs: number;
  /** `spec.monitoring.resolveAfter`, in ms (≥ 0). */
  readonly resolveAfterMs: number;
}

export type DampingPhase = 'Healthy' | 'Pending' | 'Open';

export interface DampingState {
  readonly phase: DampingPhase;
  /** Epoch ms of the episode's first failure (Pending, Open). */
  readonly episodeStart?: number;
  /** The incident of the episode, once opened or adopted (Open). */
  readonly incident?: string;
  /** The last observation: its instant, whether the target was Down, and when that run started. */
  readonly lastAt?: number;
  readonly down?: boolean;
  readonly runSince?: number;
}

/** One probe's verdict, as the scheduler debounced it. */
export interface Observation {
  /** When the probe ran (the "now" of this step). */
  readonly at: Date;
  readonly state: 'Up' | 'Down';
  /** Start of the first probe of the run that made `state` (the scheduler's transition instant). */
  readonly since: Date;
}

export type DampingAction =
  | { readonly kind: 'open'; readonly openedAt: Date }
  | { readonly kind: 'resolve'; readonly resolvedAt: Date };

export const HEALTHY: DampingState = { phase: 'Healthy' };

/** The state after one observation. */
export function observe(state: DampingState, obs: Observation, opts: DampingOptions): DampingState {
  const at = obs.at.getTime();
  const since = obs.since.getTime();
  const down = obs.state === 'Down';
  const next: DampingState = { ...state, lastAt: at, down, runSince: since };
  if (state.phase === 'Healthy') return down ? { ...next, phase: 'Pending', episodeStart: since } : next;
  // An episode shorter than its hold-down ends without an incident once the target is back for resolveAfter.
  if (state.phase === 'Pending' && !down && at - since >= opts.resolveAfterMs) return { phase: 'Healthy', lastAt: at, down, runSince: since };
  return next;
}

/** What the automation should do now; undefined: nothing. */
export function action(state: DampingState, opts: DampingOptions): DampingAction | undefined {
  const { lastAt, runSince, episodeStart } = state;
  if (lastAt === undefined || runSince === undefined) return undefined;
  if (state.phase === 'Pending' && state.down === true && episodeStart !== undefined && lastAt - episodeStart >= opts.openAfterMs) {
    return { kind: 'open', openedAt: new Date(episodeStart) };
  }
  if (state.phase === 'Open' && state.down === false && lastAt - runSince >= opts.resolveAfterMs) {
    return { kind: 'resolve', resolvedAt: new Date(runSince) };
  }
  return undefined;
}

/** The episode's incident was created (or found already existing under its name). */
export function opened(state: DampingState, incident: string): DampingState {
  return { ...state, phase: 'Open', incident };
}

/** The episode's incident(s) were resolved: the episode is over. */
export function resolved(state: DampingState): DampingState {
  const { lastAt, down, runSince } = state;
  return { phase: 'Healthy', ...(lastAt !== undefined ? { lastAt } : {}), ...(down !== undefined ? { down } : {}), ...(runSince !== undefined ? { runSince } : {}) };
}

/**
 * An open Monitoring incident of the unit in the API server (a previous leader's, or ours before
 * a restart) is this episode's: adopted with its openedAt as the episode's start. Unchanged when
 * the state already holds an incident.
 */
export function adopt(state: DampingState, incident: { readonly name: string; readonly openedAt: Date }): DampingState {
  if (state.phase === 'Open') return state;
  const start = incident.openedAt.getTime();
  return { ...state, phase: 'Open', incident: incident.name, episodeStart: Number.isNaN(start) ? (state.episodeStart ?? 0) : start };
}
