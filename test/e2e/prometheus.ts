// Starts Debian's `prometheus` (the package `prometheus`, 2.42) on 127.0.0.1 for e2e tests:
// a throwaway TSDB, the repo's rules, static scrape targets, 1 s scrape and rule intervals.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface PrometheusOptions {
  /** host:port of each target serving /metrics. */
  readonly targets: readonly string[];
  readonly ruleFiles: readonly string[];
  /**
   * A TSDB to start on (e.g. blocks backfilled by `promtool tsdb create-blocks-from`), kept by
   * the caller; default a throwaway one. Its retention is 10 years: Prometheus deletes blocks older
   * than the newest by more than the retention (15 days by default), so months of history stay.
   */
  readonly dataDir?: string;
}

export interface RunningPrometheus {
  readonly url: string;
  /** GET /api/v1/query; rejects on a non-success answer, with Prometheus' error. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export function hasPrometheus(): boolean {
  return spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, stringify({
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [...options.ruleFiles],
    // honor_labels as the ServiceMonitor does: the series' `namespace` is the tenant.
    scrape_configs: [{ job_name: 'managed-apps-operator', honor_labels: true, static_configs: [{ targets: [...options.targets] }] }],
  }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logs: string[] = [];
  const child: ChildProcess = spawn('prometheus', [
    `--config.file=${config}`, `--storage.tsdb.path=${options.dataDir ?? join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    ...(options.dataDir === undefined ? [] : ['--storage.tsdb.retention.time=3650d']),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (b: Buffer) => logs.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => logs.push(b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => { r(); }));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when /-/ready answers 200; bounded by a count of attempts, not by a timed assertion.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) { await stop(); throw new Error(`prometheus exited: ${logs.join('')}`); }
    const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (attempt > 300) { await stop(); throw new Error(`prometheus not ready: ${logs.join('')}`); }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.status}`);
      if (body.data?.resultType !== 'vector') throw new Error(`${expr}: result type ${String(body.data?.resultType)}`);
      return body.data.result as { metric: Record<string, string>; value: [number, string] }[];
    },
    stop,
  };
}
