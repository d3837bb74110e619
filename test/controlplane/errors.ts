// One error type for everything that can go wrong with the test control plane: a first line that
// says what happened and what to do, then (when a process is to blame) the tail of its log.

export type ControlPlaneErrorCode =
  | 'BINARIES_MISSING'
  | 'BUILD_FAILED'
  | 'PROCESS_EXITED'
  | 'PORT_IN_USE'
  | 'READINESS_TIMEOUT'
  | 'CRD_NOT_ESTABLISHED';

export class ControlPlaneError extends Error {
  override readonly name = 'ControlPlaneError';
  readonly code: ControlPlaneErrorCode;
  /** The control plane's temporary directory, when one had been made (it is removed by then). */
  readonly dir: string | undefined;

  constructor(code: ControlPlaneErrorCode, message: string, options?: { dir?: string | undefined; logTail?: { name: string; path: string; lines: readonly string[] } }) {
    const tail = options?.logTail;
    super(tail ? `${message}\n${formatTail(tail.name, tail.path, tail.lines)}` : message);
    this.code = code;
    this.dir = options?.dir;
  }
}

export function formatTail(name: string, path: string, lines: readonly string[]): string {
  if (lines.length === 0) return `(${name} wrote nothing to its log ${path})`;
  return [`last ${lines.length} lines of the ${name} log (${path}):`, ...lines.map((l) => `  | ${l}`)].join('\n');
}
