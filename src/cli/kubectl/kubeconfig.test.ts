// What the kubectl plugin's lean start-up (issue 17) relies on: the shim that stands for
// client-node's generated API in KubeConfig's module exports exactly what that module imports
// from it; the plugin's table of REST names is the registry's; KubeConfig loaded that way reads
// a kubeconfig as the entry point's does.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KIND_REFS } from '../../api/v1alpha1/index.ts';
import { REFS } from './client.ts';
import * as shim from './client-node-gen.ts';
import { kubeConfigClass } from './kubeconfig.ts';

const configModule = createRequire(import.meta.url).resolve('@kubernetes/client-node/dist/config.js');

describe('client-node-gen.ts', () => {
  it('exports the names dist/config.js imports from ./gen/index.js, and no other', () => {
    const source = readFileSync(configModule, 'utf8');
    const match = /import\s*\{([^}]*)\}\s*from\s*'\.\/gen\/index\.js'/.exec(source);
    expect(match).not.toBeNull();
    const imported = (match?.[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').sort();
    expect(imported).toEqual(['ServerConfiguration', 'createConfiguration']);
    expect(Object.keys(shim).sort()).toEqual(imported);
  });
});

describe('REFS', () => {
  it('is the registry\'s KIND_REFS', () => {
    expect(REFS).toEqual(KIND_REFS);
  });
});

describe('kubeConfigClass', () => {
  it('reads a kubeconfig: server, context, namespace', async () => {
    const KubeConfig = await kubeConfigClass();
    const kc = new KubeConfig();
    kc.loadFromString(JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u', namespace: 'acme' } }],
    }));
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.getContextObject('c')?.namespace).toBe('acme');
  });
});
