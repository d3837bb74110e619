// The operator's process loads no module of client-node's generated API (issue 17, a lean
// operator): the composition root and everything it imports statically (controllers, webhook,
// probers, metrics, runtime), then the kubeconfig `managedapps run` loads. A fresh Node process
// records every module it loads (a load hook registered before the first import), so a value
// import of client-node's entry point anywhere on that path (`import { PatchStrategy } from
// '@kubernetes/client-node'`, which loads some 850 generated modules) fails this test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const main = new URL('./main.ts', import.meta.url).href;

const probe = `
import module from 'node:module';
const loaded = [];
module.registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
const { loadKubeConfig } = await import(${JSON.stringify(main)});
const kc = await loadKubeConfig({ kubeconfig: process.env.PROBE_KUBECONFIG });
console.log(JSON.stringify({ server: kc.getCurrentCluster()?.server, loaded }));
`;

describe('the operator process', () => {
  it('loads none of client-node\'s generated API, and reads its kubeconfig', () => {
    const dir = mkdtempSync(join(tmpdir(), 'managedapps-lean-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'k', cluster: { server: 'https://192.0.2.1:6443' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
    }));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { env: { ...process.env, PROBE_KUBECONFIG: kubeconfig }, encoding: 'utf8' });
    const { server, loaded } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { server?: string; loaded: string[] };
    expect(server).toBe('https://192.0.2.1:6443');
    const clientNode = loaded.filter((u) => u.includes('/@kubernetes/client-node/'));
    // The probe is real: client-node's transport and KubeConfig modules are among the loaded ones.
    expect(clientNode.some((u) => u.endsWith('/dist/config.js'))).toBe(true);
    expect(clientNode.some((u) => u.endsWith('/dist/gen/http/http.js'))).toBe(true);
    expect(clientNode.filter((u) => u.endsWith('/dist/index.js') || u.endsWith('/dist/gen/index.js') || u.includes('/dist/gen/apis/') || u.includes('/dist/gen/models/'))).toEqual([]);
  });
});
