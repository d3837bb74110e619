// The `managedapps` command line (also the kubectl plugin `kubectl-managedapps`): every command,
// its flags and help, and nothing else. Each action imports its implementation when it runs, so
// `--help`, a usage error or `report --offline` load only what they use (no Kubernetes client for
// the offline report, no schema or calendar for `--help`). The entry point of bin/managedapps.js
// and of the image (`node dist/cli/program.js`).
//
// Exit codes: the plugin commands follow kubectl (0, or 1 with one line `error: ...`); `report`
// exits 2 on a usage error (flags), 1 on bad input (docs/cli.md).
import { Command, Option } from 'commander';
import {
  DEFAULT_WINDOW_COUNT, EXIT_ERROR, EXIT_OK, EXIT_USAGE, OBJECT_FORMATS, OUTPUT_FORMATS, WINDOW_FORMATS, type CommandIO, type OutputFormat,
} from './io.ts';

const stdio: CommandIO = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), stdoutBytes: (b) => process.stdout.write(b) };

// ---- run, dev, crds ----------------------------------------------------------------------------

function operatorFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <path>', 'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)')
    .option('--metrics-port <port>', 'port of /metrics, /healthz and /readyz [MANAGEDAPPS_METRICS_PORT, 8080]')
    .option('--metrics-host <host>', 'address the metrics server binds [MANAGEDAPPS_METRICS_HOST, 0.0.0.0]')
    .option('--metrics-secure <bool>', 'HTTPS, /metrics for callers authorized by TokenReview + SubjectAccessReview; false: plain HTTP, loopback host only [MANAGEDAPPS_METRICS_SECURE, true]')
    .option('--metrics-cert-dir <dir>', 'tls.crt and tls.key of the metrics server, reloaded on change [MANAGEDAPPS_METRICS_CERT_DIR, self-signed]')
    .addOption(new Option('--leader-elect <bool>', 'elect a leader through a Lease before reconciling [MANAGEDAPPS_LEADER_ELECT, true]'))
    .option('--leader-election-namespace <ns>', 'namespace of the Lease [POD_NAMESPACE, managedapps-system]')
    .option('--watch-namespace <ns,...>', 'watch and reconcile these namespaces only, comma-separated [MANAGEDAPPS_WATCH_NAMESPACE, all namespaces]')
    .option('--watch-namespace-selector <selector>', 'watch and reconcile the namespaces matching this label selector, followed as labels change; not with --watch-namespace [MANAGEDAPPS_WATCH_NAMESPACE_SELECTOR, all namespaces]')
    .option('--shards <count>', 'spread the namespaces over this many buckets (a label stamped by the webhook), each reconciled by the replica holding its Lease; 0: one leader; the same value on every replica and the webhook [MANAGEDAPPS_SHARDS, 0]')
    .option('--identity <name>', 'this replica\'s identity in the Lease [POD_NAME, hostname-pid]')
    .option('--probes <bool>', 'run the availability probers on the leader [MANAGEDAPPS_PROBES, true]')
    .option('--break-glass-groups <group,...>', 'groups whose members may delete the records the webhook keeps (a final report, a record within its retention, a unit whose months are open) and remove the retention finalizer [MANAGEDAPPS_BREAK_GLASS_GROUPS, none]')
    .option('--record-retention-months <months>', 'how long Incidents and ChangeRequests are kept after their latest instant (domain.md §9: the contract\'s duration plus reversibility) [MANAGEDAPPS_RECORD_RETENTION_MONTHS, 15]')
    .option('--allow-internal-probe-targets <bool>', 'let probes target the cluster\'s API server and the operator\'s own endpoints (refused by the webhook and the prober otherwise: SSRF) [MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS, false]')
    .option('--event-loop-lag-limit <seconds>', '/healthz fails while the event loop was blocked longer within the last 30 s; 0 disables [MANAGEDAPPS_EVENT_LOOP_LAG_LIMIT, 5]')
    .option('--apiserver-check-period <seconds>', 'period of the API server check behind /readyz; 0 disables [MANAGEDAPPS_APISERVER_CHECK_PERIOD, 10]')
    .option('--webhook <bool>', 'serve the admission webhook and register its configurations [MANAGEDAPPS_WEBHOOK, false]')
    .option('--controllers <bool>', 'run the controllers and probers; false with --webhook true: a process that only serves the webhook, on its own event loop [MANAGEDAPPS_CONTROLLERS, true]')
    .option('--webhook-port <port>', 'port of the admission webhook (HTTPS) [MANAGEDAPPS_WEBHOOK_PORT, 9443]')
    .addOption(new Option('--webhook-mode <mode>', 'how the API server reaches the webhook: through its Service, or at https://<webhook-host>:<port> [MANAGEDAPPS_WEBHOOK_MODE, service]').choices(['service', 'url']))
    .option('--webhook-host <host>', 'address the webhook binds (and, in url mode, the one the API server calls) [MANAGEDAPPS_WEBHOOK_HOST, 0.0.0.0]')
    .option('--webhook-cert-dir <dir>', 'tls.crt and tls.key of the webhook, reloaded on change (cert-manager); unset: generated, its CA injected and renewed [MANAGEDAPPS_WEBHOOK_CERT_DIR]')
    .option('--webhook-configuration-name <name>', 'name of both webhook configurations [MANAGEDAPPS_WEBHOOK_CONFIGURATION, managed-apps-operator]')
    .option('--cert-poll-interval <seconds>', 'period of the reads that back up the watch of the certificate directories, and of the generated certificate\'s Secret [MANAGEDAPPS_CERT_POLL_INTERVAL, 60]')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace [LOG_LEVEL, info]')
    .option('--clock-at <instant>', 'start the operator\'s clock at this RFC 3339 instant (demos, replays, tests) [MANAGEDAPPS_CLOCK_AT, the real clock]')
    .option('--capacity-prometheus-url <url>', 'the Prometheus the monthly pack\'s capacity section is read from when a report is made final [MANAGEDAPPS_CAPACITY_PROMETHEUS_URL, none: the section says so]')
    .option('--capacity-query-cpu <promql>', 'the CPU query, a template with {{unit}}, {{namespace}}, {{labels.<key>}}, checked at start [MANAGEDAPPS_CAPACITY_QUERY_CPU]')
    .option('--capacity-query-memory <promql>', 'the memory query template [MANAGEDAPPS_CAPACITY_QUERY_MEMORY]')
    .option('--capacity-query-disk <promql>', 'the disk query template [MANAGEDAPPS_CAPACITY_QUERY_DISK]')
    .option('--capacity-step <seconds>', 'the step of the capacity range queries, widened to 11,000 points a month [MANAGEDAPPS_CAPACITY_STEP, 300]')
    .option('--capacity-timeout <seconds>', 'budget of one capacity query [MANAGEDAPPS_CAPACITY_TIMEOUT, 30]')
    .option('--capacity-bearer-token-file <path>', 'a file holding the bearer token sent to Prometheus, read at each read [MANAGEDAPPS_CAPACITY_BEARER_TOKEN_FILE]')
    .option('--capacity-ca-file <path>', 'a PEM file of the CAs to trust for an https Prometheus [MANAGEDAPPS_CAPACITY_CA_FILE]');
}

// ---- report ------------------------------------------------------------------------------------

interface ReportFlags {
  offline?: boolean;
  filename?: string[];
  month?: string;
  now?: string;
  output: string;
  contract?: string;
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  language?: string;
  outDir?: string;
  prometheus?: string;
  capacityQueries?: string;
  capacityCpu?: string;
  capacityMemory?: string;
  capacityDisk?: string;
  capacityStep?: string;
  prometheusTokenFile?: string;
  prometheusCaFile?: string;
}

/**
 * Add `report` to the program. The action sets `process.exitCode` from reportCommand's result;
 * commander's own parse errors (an unknown flag, a flag without its value) exit with EXIT_USAGE.
 */
export function registerReportCommand(program: Command, io: CommandIO): Command {
  return program
    .command('report')
    .description('Print the monthly SLA report (design.md §3): the SLAReport the operator wrote in the cluster, or with --offline computed from manifests.')
    .option('--offline', 'compute the report from manifests (-f), with no cluster', false)
    .option('-f, --filename <path...>', 'with --offline: manifest files or folders (recursive: .yaml, .yml, .json)')
    .option('--month <YYYY-MM>', 'the calendar month, in the tenant time zone (required with --offline; default: the current month)')
    .option('--now <RFC3339>', 'with --offline: the instant the report is computed at (default: now)')
    .option('-o, --output <format>', `output format: ${OUTPUT_FORMATS.join(', ')} (pack: the monthly pack as text; html: the pack as one self-contained page with charts; pdf: that page printed by headless Chromium)`, 'table')
    .option('--language <en|fr>', '-o pack, html, pdf: the labels\' language (default: the tenant\'s ManagedTenant spec.language, else en)')
    .option('--out-dir <dir>', '-o html, pdf: write <dir>/<namespace>.<contract>.<month>.html|pdf, one per contract (needed when several are reported; default: stdout)')
    .option('--contract <name>', 'only this SupportContract (in the cluster, default: the namespace\'s only one)')
    .option('-n, --namespace <namespace>', 'the namespace (the tenant); in the cluster default: the context\'s namespace, else default; offline, objects without a namespace belong to it')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--kubeconfig <path>', 'the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .option('--prometheus <url>', 'with --offline: read the pack\'s capacity section from this Prometheus (query_range; the operator\'s capacity.prometheusUrl)')
    .option('--capacity-queries <file>', 'with --prometheus: YAML or JSON { cpu, memory, disk, step } of PromQL templates with {{unit}}, {{namespace}}, {{labels.<key>}} (the chart\'s capacity.queries)')
    .option('--capacity-cpu <promql>', 'with --prometheus: the CPU query template, over the file\'s')
    .option('--capacity-memory <promql>', 'with --prometheus: the memory query template, over the file\'s')
    .option('--capacity-disk <promql>', 'with --prometheus: the disk query template, over the file\'s')
    .option('--capacity-step <seconds>', 'with --prometheus: the step of the range queries, widened to 11,000 points a month [300]')
    .option('--prometheus-token-file <path>', 'with --prometheus: a file holding a bearer token')
    .option('--prometheus-ca-file <path>', 'with --prometheus: a PEM file of the CAs to trust (https)')
    .addHelpText('after', [
      '',
      'Examples:',
      '  kubectl managedapps report -n acme                         # this month, the namespace\'s contract',
      '  kubectl managedapps report -n acme --contract acme-2026 --month 2026-10 -o yaml',
      '  managedapps report --offline -f config/samples --month 2026-10 -o json',
      '  kubectl managedapps report -n acme --month 2026-10 -o pack            # the monthly pack, in the tenant\'s language',
      '  kubectl managedapps report -n acme --month 2026-10 -o html > pack.html  # the pack as a page with charts',
      '  managedapps report --offline -f config/samples --month 2026-10 -o pdf --language fr --out-dir packs',
      '  managedapps report --offline -f tenant/ --month 2026-10 -o pack --prometheus http://127.0.0.1:9090 --capacity-queries capacity.yaml',
      '',
    ].join('\n'))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride((error) => {
      // Help and version exit 0; every other commander error is a usage error.
      process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
    })
    .action(async (flags: ReportFlags) => {
      const { reportCommand } = await import('./report.ts');
      process.exitCode = await reportCommand(
        {
          offline: flags.offline === true,
          files: flags.filename ?? [],
          month: flags.month ?? '',
          now: flags.now,
          output: flags.output as OutputFormat,
          contract: flags.contract,
          namespace: flags.namespace,
          kubeconfig: flags.kubeconfig,
          context: flags.context,
          language: flags.language,
          outDir: flags.outDir,
          prometheus: flags.prometheus,
          capacityQueries: flags.capacityQueries,
          capacityCpu: flags.capacityCpu,
          capacityMemory: flags.capacityMemory,
          capacityDisk: flags.capacityDisk,
          capacityStep: flags.capacityStep,
          prometheusTokenFile: flags.prometheusTokenFile,
          prometheusCaFile: flags.prometheusCaFile,
        },
        io,
      );
    });
}

// ---- export -------------------------------------------------------------------------------------

interface ExportFlags {
  format?: string;
  filename?: string[];
  month?: string;
  now?: string;
  contract?: string;
  namespace?: string;
  outputDir?: string;
  kubeconfig?: string;
  context?: string;
}

/** Add `export` (docs/openslo.md): exit codes as `report` (usage 2, bad input 1). */
export function registerExportCommand(program: Command, io: CommandIO): Command {
  return program
    .command('export')
    .description('Write every object of a tenant (spec, status, edit history) and its SLAReports as re-appliable YAML records (--format records, the default; docs/cli.md), or the managed functions\' availability guarantees as OpenSLO v1 Service/SLI/SLO documents or Pyrra ServiceLevelObjectives (docs/openslo.md), from manifests (-f) or the cluster.')
    .option('--format <format>', 'records (every object of the tenant, from the cluster; the default), openslo (OpenSLO v1) or pyrra (pyrra.dev/v1alpha1 ServiceLevelObjective)')
    .option('-f, --filename <path...>', 'manifest files or folders (recursive: .yaml, .yml, .json); without it, the namespace\'s objects in the cluster')
    .option('--month <YYYY-MM>', 'the calendar month whose support level gives the guarantee (default: the current month in the tenant time zone)')
    .option('--now <RFC3339>', 'the instant taken as now (default: now)')
    .option('--contract <name>', 'only this SupportContract')
    .option('-n, --namespace <namespace>', 'the namespace (the tenant); in the cluster default: the context\'s namespace, else default')
    .option('-o, --output-dir <dir>', 'records: write <dir>/<kind plural>/<name>.yaml; openslo, pyrra: write <tenant>.<format>.yaml files there; default: one stream on stdout')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--kubeconfig <path>', 'the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .addHelpText('after', examples([
      'kubectl managedapps export -n acme -o acme-records     # then: report --offline -f acme-records, verify --offline -f acme-records',
      'managedapps export --format openslo -f config/samples --month 2026-11 > slos.yaml',
      'kubectl managedapps export --format pyrra -n acme | kubectl apply -f -',
    ]))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
    })
    .action(async (flags: ExportFlags) => {
      const { exportCommand } = await import('./export/index.ts');
      process.exitCode = await exportCommand(
        {
          format: flags.format,
          files: flags.filename ?? [],
          month: flags.month,
          now: flags.now,
          contract: flags.contract,
          namespace: flags.namespace,
          outputDir: flags.outputDir,
          kubeconfig: flags.kubeconfig,
          context: flags.context,
        },
        io,
      );
    });
}

// ---- verify -------------------------------------------------------------------------------------

interface VerifyFlags {
  offline?: boolean;
  filename?: string[];
  contract?: string;
  namespace?: string;
  kubeconfig?: string;
  context?: string;
}

/** Add `verify` (design.md §3 "Seals", docs/cli.md): exit codes as `report` (usage 2; a difference, bad input or an API error 1). */
export function registerVerifyCommand(program: Command, io: CommandIO): Command {
  return program
    .command('verify')
    .description('Recompute every final month of the tenant\'s contracts from the stored records and check the SLAReports\' seals (content and chain), in the cluster or --offline from an export; a difference names the month and the field.')
    .option('--offline', 'verify an export (-f), with no cluster', false)
    .option('-f, --filename <path...>', 'with --offline: the export folder (managedapps export -o) or files')
    .option('--contract <name>', 'only this SupportContract')
    .option('-n, --namespace <namespace>', 'the namespace (the tenant); in the cluster default: the context\'s namespace, else default')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--kubeconfig <path>', 'the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .addHelpText('after', examples([
      'kubectl managedapps verify -n acme',
      'managedapps verify --offline -f acme-records',
    ]))
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
    })
    .action(async (flags: VerifyFlags) => {
      const { verifyCommand } = await import('./verify.ts');
      process.exitCode = await verifyCommand(
        { offline: flags.offline === true, files: flags.filename ?? [], contract: flags.contract, namespace: flags.namespace, kubeconfig: flags.kubeconfig, context: flags.context },
        io,
      );
    });
}

// ---- the kubectl plugin's commands ---------------------------------------------------------------

interface KubeFlagValues {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  output?: string;
}

const kube = (f: KubeFlagValues): { namespace?: string | undefined; context?: string | undefined; kubeconfig?: string | undefined } =>
  ({ namespace: f.namespace, context: f.context, kubeconfig: f.kubeconfig });

/** Adds kubectl's connection flags to a command. */
export function withKubeFlags(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <namespace>', 'the namespace (the tenant); default: the context\'s namespace, else default')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--kubeconfig <path>', 'the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)');
}

/**
 * kubectl's habits for commander errors: the message on stderr (commander prints `error: ...`),
 * exit 1; `--help` exits 0.
 */
export function kubectlExits(cmd: Command, io: CommandIO): Command {
  return cmd
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? EXIT_OK : EXIT_ERROR);
    });
}

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

/**
 * Adds `approve`, `reject`, `resolve`, `close`, `confirm-approvers`, `windows` and `claim` to the program (`report` is
 * registerReportCommand's, `crds` buildProgram's). Each action sets `process.exitCode`; commander's
 * own errors (unknown flag, missing argument) print `error: ...` and exit 1, `--help` exits 0.
 */
export function registerKubectlCommands(program: Command, io: CommandIO): void {
  const objectOutput = `output format: ${OBJECT_FORMATS.join('|')} (default: one line)`;

  kubectlExits(withKubeFlags(program.command('approve')), io)
    .description("Approve a provider-initiated ChangeRequest (records the client's decision in spec.approval).")
    .argument('<change>', 'name of the ChangeRequest')
    .option('--comment <text>', 'a comment kept with the approval')
    .option('-o, --output <format>', objectOutput)
    .addHelpText('after', examples([
      'kubectl managedapps approve kernel-upgrade -n acme',
      'kubectl managedapps approve kernel-upgrade --comment "ok for Tuesday night"',
    ]))
    .action(async (change: string, f: KubeFlagValues & { comment?: string }) => {
      const { decideCommand } = await import('./kubectl/commands.ts');
      process.exitCode = await decideCommand({ ...kube(f), change, decision: 'Approved', comment: f.comment, output: f.output }, io);
    });

  kubectlExits(withKubeFlags(program.command('reject')), io)
    .description("Reject a provider-initiated ChangeRequest (records the client's decision and reason in spec.approval).")
    .argument('<change>', 'name of the ChangeRequest')
    .requiredOption('--reason <text>', 'why the change is rejected (required)')
    .option('-o, --output <format>', objectOutput)
    .addHelpText('after', examples(['kubectl managedapps reject kernel-upgrade -n acme --reason "month-end closing: not this week"']))
    .action(async (change: string, f: KubeFlagValues & { reason: string }) => {
      const { decideCommand } = await import('./kubectl/commands.ts');
      process.exitCode = await decideCommand({ ...kube(f), change, decision: 'Rejected', comment: f.reason, output: f.output }, io);
    });

  kubectlExits(withKubeFlags(program.command('resolve')), io)
    .description('Mark an Incident resolved: the service is restored (sets spec.resolvedAt; stops the restoration clock).')
    .argument('<incident>', 'name of the Incident')
    .option('--at <RFC3339>', 'when the service was restored (default: now)')
    .option('-o, --output <format>', objectOutput)
    .addHelpText('after', examples([
      'kubectl managedapps resolve db-down -n acme',
      'kubectl managedapps resolve db-down --at 2026-11-02T09:30:00+01:00',
    ]))
    .action(async (incident: string, f: KubeFlagValues & { at?: string }) => {
      const { incidentCommand } = await import('./kubectl/commands.ts');
      process.exitCode = await incidentCommand({ ...kube(f), incident, action: 'resolve', at: f.at, output: f.output }, io);
    });

  kubectlExits(withKubeFlags(program.command('close')), io)
    .description('Close a resolved Incident: the client agrees it is over (sets spec.closedAt). Refused while it is not resolved.')
    .argument('<incident>', 'name of the Incident')
    .option('--at <RFC3339>', 'when the client agreed (default: now)')
    .option('-o, --output <format>', objectOutput)
    .addHelpText('after', examples(['kubectl managedapps close db-down -n acme']))
    .action(async (incident: string, f: KubeFlagValues & { at?: string }) => {
      const { incidentCommand } = await import('./kubectl/commands.ts');
      process.exitCode = await incidentCommand({ ...kube(f), incident, action: 'close', at: f.at, output: f.output }, io);
    });

  kubectlExits(withKubeFlags(program.command('confirm-approvers')), io)
    .description('As a ChangeApprover contact in force, confirm the ChangeApprover contacts the provider (or GitOps) added to the ManagedTenant; until then they may not approve (docs/security.md).')
    .argument('<tenant>', 'name of the ManagedTenant')
    .option('-o, --output <format>', objectOutput)
    .addHelpText('after', examples(['kubectl managedapps confirm-approvers acme -n acme']))
    .action(async (tenant: string, f: KubeFlagValues) => {
      const { confirmApproversCommand } = await import('./kubectl/commands.ts');
      process.exitCode = await confirmApproversCommand({ ...kube(f), tenant, output: f.output }, io);
    });

  kubectlExits(withKubeFlags(program.command('windows')), io)
    .description('List the next maintenance windows (from the MaintenanceWindows\' status), earliest first, with purpose and selector.')
    .option('-A, --all-namespaces', 'list the windows of every namespace')
    .option('--count <n>', `how many occurrences to show, all windows together (default: ${DEFAULT_WINDOW_COUNT})`)
    .option('-o, --output <format>', `output format: ${WINDOW_FORMATS.join('|')} (default: a table; wide adds the units selected)`)
    .addHelpText('after', examples([
      'kubectl managedapps windows -n acme',
      'kubectl managedapps windows -A --count 20 -o wide',
      'kubectl managedapps windows -o json',
    ]))
    .action(async (f: KubeFlagValues & { allNamespaces?: boolean; count?: string }) => {
      const { windowsCommand } = await import('./kubectl/commands.ts');
      process.exitCode = await windowsCommand({ ...kube(f), allNamespaces: f.allNamespaces, count: f.count, output: f.output }, io);
    });

  registerClaimCommands(program, io, objectOutput);
  kubectlExits(withKubeFlags(program.command('statement')), io)
    .description('Print the monthly statement of a contract (design.md §3 "The monthly statement"): the section status.statement of its SLAReport <contract>-<month>, as the operator wrote it.')
    .argument('<contract>', 'the SupportContract')
    .option('--month <YYYY-MM>', 'the calendar month, in the tenant time zone (default: the current month)')
    .option('-o, --output <format>', 'output format: text (default), yaml, json')
    .option('--language <en|fr>', 'the labels of the text (default: the tenant\'s ManagedTenant spec.language, else en)')
    .addHelpText('after', examples([
      'kubectl managedapps statement main --month 2026-10 -n acme',
      'kubectl managedapps statement main --month 2026-10 -n acme -o yaml --language fr',
    ]))
    .action(async (contract: string, f: KubeFlagValues & { month?: string; language?: string }) => {
      const { statementCommand } = await import('./kubectl/statement.ts');
      process.exitCode = await statementCommand({ ...kube(f), contract, month: f.month, output: f.output, language: f.language }, io);
    });
}

/** `claim file|answer|list` (issue 13): SLA claims (src/cli/kubectl/claims.ts). */
function registerClaimCommands(program: Command, io: CommandIO, objectOutput: string): void {
  const claim = kubectlExits(program.command('claim'), io)
    .description('SLA claims (domain.md §8): file one for a closed month\'s tickets (an SLAClaimer contact), answer it (the provider), list them.');
  kubectlExits(withKubeFlags(claim.command('file')), io)
    .description('File an SLAClaim for a closed month of a contract, naming its ticketed incidents and change requests (the webhook records who and when).')
    .argument('<contract>', 'the SupportContract')
    .argument('<month>', 'the month, YYYY-MM (over, its report final, within 30 days after it)')
    .argument('<tickets...>', 'the incidents and change requests of the month claimed for')
    .option('--name <name>', 'the claim\'s name (default: generated, <contract>-<month>-xxxxx)')
    .option('--description <text>', 'the client\'s statement of the claim')
    .option('-o, --output <format>', objectOutput)
    .addHelpText('after', examples([
      'kubectl managedapps claim file main 2026-10 inc-20261014-db-down chg-20261020-patch -n acme',
    ]))
    .action(async (contract: string, month: string, tickets: string[], f: KubeFlagValues & { name?: string; description?: string }) => {
      const { claimFileCommand } = await import('./kubectl/claims.ts');
      process.exitCode = await claimFileCommand({ ...kube(f), contract, month, tickets, name: f.name, description: f.description, output: f.output }, io);
    });
  kubectlExits(withKubeFlags(claim.command('answer')), io)
    .description('Answer an SLAClaim (the provider): accept it, grant part of it, or reject it (the webhook records who and when; an answer is final).')
    .argument('<claim>', 'the SLAClaim')
    .option('--accept', 'grant the claim\'s credit (status.creditAmount)')
    .option('--grant <amount>', 'grant this amount only (PartlyAccepted), with --reason')
    .option('--reject', 'grant nothing, with --reason')
    .option('--reason <text>', 'why (required with --grant and --reject)')
    .option('-o, --output <format>', objectOutput)
    .addHelpText('after', examples([
      'kubectl managedapps claim answer main-2026-10-x7k2p --accept -n acme',
      'kubectl managedapps claim answer main-2026-10-x7k2p --grant 30 --reason "chg-20261020-patch waited a day on the client"',
    ]))
    .action(async (name: string, f: KubeFlagValues & { accept?: boolean; grant?: string; reject?: boolean; reason?: string }) => {
      const chosen = [f.accept === true, f.grant !== undefined, f.reject === true].filter(Boolean).length;
      if (chosen !== 1) {
        io.stderr('error: give exactly one of --accept, --grant <amount>, --reject\n');
        process.exitCode = EXIT_ERROR;
        return;
      }
      const decision = f.accept === true ? 'Accepted' : f.grant !== undefined ? 'PartlyAccepted' : 'Rejected';
      const { claimAnswerCommand } = await import('./kubectl/claims.ts');
      process.exitCode = await claimAnswerCommand({ ...kube(f), claim: name, decision, amount: f.grant, reason: f.reason, output: f.output }, io);
    });
  kubectlExits(withKubeFlags(claim.command('list')), io)
    .description('List the SLA claims with their credit, the answer and the answer deadline.')
    .option('-A, --all-namespaces', 'list the claims of every namespace')
    .option('-o, --output <format>', 'output format: wide|json|yaml (default: a table)')
    .addHelpText('after', examples(['kubectl managedapps claim list -n acme', 'kubectl managedapps claim list -A -o wide']))
    .action(async (f: KubeFlagValues & { allNamespaces?: boolean }) => {
      const { claimListCommand } = await import('./kubectl/claims.ts');
      process.exitCode = await claimListCommand({ ...kube(f), allNamespaces: f.allNamespaces, output: f.output }, io);
    });
}

// ---- the program ---------------------------------------------------------------------------------

export function buildProgram(io: CommandIO = stdio): Command {
  const program = new Command('managedapps')
    .description('Run managed-services contracts as code on Kubernetes (also usable as `kubectl managedapps`).')
    .showHelpAfterError();
  operatorFlags(program.command('run').description('run the operator against the configured cluster (kubeconfig or in-cluster)'))
    .action(async (flags: Record<string, unknown>) => {
      const { runCommand } = await import('../main.ts');
      await runCommand(flags);
    });
  program.command('dev')
    .description('local development: with no cluster configured, start a local control plane; install the CRDs and samples; run the operator')
    .option('--control-plane-only', 'only start the local control plane')
    .option('--no-samples', 'do not apply config/samples')
    .action(async (flags: { controlPlaneOnly?: boolean; samples?: boolean }) => {
      const { devCommand } = await import('../main.ts');
      await devCommand(flags);
    });
  program.command('crds')
    .description('print the CustomResourceDefinitions (for `kubectl apply -f -`)')
    .action(async () => {
      const { crdYaml } = await import('../api/crds.ts');
      io.stdout(crdYaml());
    });
  registerReportCommand(program, io);
  registerExportCommand(program, io);
  registerVerifyCommand(program, io);
  registerKubectlCommands(program, io);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv], { from: 'user' });
}

// `node dist/cli/program.js ...` (the container image) runs the command line directly.
if (import.meta.main) await main(process.argv.slice(2));
