import { defineConfig } from 'vitest/config';

// Four projects: `unit` (colocated *.test.ts, pure, fast), `integration` (test/integration,
// one real etcd + kube-apiserver + kube-controller-manager shared by every file via globalSetup)
// `e2e` (test/e2e: the operator as a process, scraped by a real Prometheus) and `image` (below).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          // A hang guard, not a speed check: the property tests (hundreds of generated rules each)
          // took 6.8 s on a machine loaded 10x its cores and failed vitest's 5 s default.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/controlplane/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        // test/e2e: each file starts what it needs (its own control plane, the operator as a
        // process, Debian's prometheus); no shared globalSetup.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        // test/image (.ci/run's step after `npm test`, not part of it): builds the Dockerfile with
        // buildah, checks the OCI layout, runs the image with podman against this project's own
        // control plane. Needs root, buildah, skopeo, podman, runc, mmdebstrap (docs/install.md).
        test: {
          name: 'image',
          include: ['test/image/**/*.test.ts'],
          globalSetup: ['test/controlplane/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 2_700_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
