// What every command of the `managedapps` CLI shares, and nothing heavy: the command I/O, the exit
// codes, the output formats and the report's options. The command line itself (program.ts) is
// built from this alone, so `--help` loads no Kubernetes client, schema or calendar; each
// command's implementation is imported when it runs. Imports nothing.

export interface CommandIO {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** Bytes to stdout (`report -o pdf`); absent: the command refuses to print bytes and asks for --out-dir. */
  readonly stdoutBytes?: (b: Uint8Array) => void;
}

export const EXIT_OK = 0;
/** kubectl's exit code for every failure of a plugin command: an API error, a bad flag or a refused action. */
export const EXIT_ERROR = 1;
/** `report`: bad input (manifests, conversion, no contract) or an API error. */
export const EXIT_BAD_INPUT = 1;
/** `report`: a usage error (flags). */
export const EXIT_USAGE = 2;

/** The namespace of objects written without one, as kubectl would apply them without `-n`. */
export const DEFAULT_NAMESPACE = 'default';

/** `report -o`. */
export const OUTPUT_FORMATS = ['json', 'yaml', 'table', 'pack', 'html', 'pdf'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
/** The formats that are one page per contract and month (pack-output.ts): stdout for one, `--out-dir` for several. */
export const PAGE_FORMATS = ['html', 'pdf'] as const;
export type PageFormat = (typeof PAGE_FORMATS)[number];
export const isPageFormat = (f: OutputFormat): f is PageFormat => (PAGE_FORMATS as readonly string[]).includes(f);

/** `-o` of the commands that print an object (approve, reject, resolve, close). */
export const OBJECT_FORMATS = ['json', 'yaml', 'name'] as const;
export type ObjectFormat = (typeof OBJECT_FORMATS)[number];

/** `windows -o` (default: a table). */
export const WINDOW_FORMATS = ['json', 'yaml', 'wide'] as const;
export type WindowFormat = (typeof WINDOW_FORMATS)[number];
export const DEFAULT_WINDOW_COUNT = 10;

export interface ReportOptions {
  readonly offline: boolean;
  readonly files: readonly string[];
  readonly month: string;
  /** RFC 3339; default: the real clock (read here only). */
  readonly now?: string | undefined;
  readonly output: OutputFormat;
  /** Only this SupportContract (by name). */
  readonly contract?: string | undefined;
  /** Only this namespace; objects without a namespace are taken as in it. In the cluster: the namespace (default: the context's). */
  readonly namespace?: string | undefined;
  /** In the cluster: the kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster). */
  readonly kubeconfig?: string | undefined;
  /** In the cluster: the kubeconfig context. */
  readonly context?: string | undefined;
  /** The labels of `-o pack|html|pdf` (en, fr), instead of the tenant's (ManagedTenant spec.language). */
  readonly language?: string | undefined;
  /** `-o html|pdf`: write one file per contract and month into this folder (needed for several). */
  readonly outDir?: string | undefined;
  /** With --offline: the Prometheus the pack's capacity section is read from (design.md §3 "The monthly pack"); unset: the section says none is configured. */
  readonly prometheus?: string | undefined;
  /** With --prometheus: a YAML or JSON file `{ cpu, memory, disk, step }` of the capacity queries (the chart's `capacity.queries` and `capacity.step`). */
  readonly capacityQueries?: string | undefined;
  /** With --prometheus: one query each, over the file's. */
  readonly capacityCpu?: string | undefined;
  readonly capacityMemory?: string | undefined;
  readonly capacityDisk?: string | undefined;
  /** With --prometheus: the range queries' step, seconds (default 300). */
  readonly capacityStep?: string | undefined;
  /** With --prometheus: a file holding a bearer token; a PEM file of CAs for https. */
  readonly prometheusTokenFile?: string | undefined;
  readonly prometheusCaFile?: string | undefined;
}
