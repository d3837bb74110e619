// vitest globalSetup of the `integration` project: ONE control plane (etcd, kube-apiserver,
// kube-controller-manager, audit log on) for every integration test file, with the CRDs of crds/
// installed. Test files read its address with `inject('controlPlane')` and use client.ts.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { installCrds, readCrds } from './crds.ts';
import { ensureBinaries, startControlPlane, type ControlPlaneInfo } from './index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ControlPlaneInfo;
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const binDir = await ensureBinaries();
  const controlPlane = await startControlPlane({ binDir, auditLog: true });
  try {
    const crds = await installCrds(controlPlane.kubeConfig(), readCrds(join(root, 'crds')));
    project.provide('controlPlane', controlPlane.info);
    process.stderr.write(
      `controlplane: ${controlPlane.info.version} at ${controlPlane.info.server}, ${crds.length} CRD(s) installed, ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } catch (error) {
    await controlPlane.stop();
    throw error;
  }
  return async () => {
    await controlPlane.stop();
  };
}
