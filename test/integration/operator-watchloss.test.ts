// Watch loss (issue 5): the API server restarts under the running operator process (a private
// control plane, so other files are not disturbed; CRDs installed with `installCrds` of main.ts).
// The same process (same pid, never exited) recovers its watches and its Lease by itself, and
// reconciles a change made after the restart.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { installCrds } from '../../src/main.ts';
import { createAll, GROUP, samples, VERSION } from './fixtures.ts';
import { comparable, converged, metricSum, statusDiff, type Obj, sampleReports } from './operator-support.ts';

const UNIT = 'os-files01';

describe('watch loss: the API server restarts under the operator process', () => {
  let cp: ControlPlane;
  let kc: KubeConfig;
  let operator: OperatorProcess | undefined;

  beforeAll(async () => {
    cp = await startControlPlane({ auditLog: true });
    kc = cp.kubeConfig();
    await installCrds(kc);
  });

  afterAll(async () => {
    await operator?.stop();
    await cp.stop();
  });

  it('the same process recovers and reconciles a change made after the restart', async () => {
    const namespace = await createNamespace(kc, 'op-watchloss');
    const leaseNamespace = await createNamespace(kc, 'op-watchloss-lease');
    await createAll(kc, namespace, samples());
    operator = await startOperatorProcess({ kubeconfigPath: cp.info.kubeconfigPath, leaderElectionNamespace: leaseNamespace });
    await operator.ready();
    await converged(kc, namespace, { reports: sampleReports() });
    const pid = operator.pid;
    const custom = kc.makeApiClient(CustomObjectsApi);
    const read = async (): Promise<Obj> =>
      (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'serviceunits', namespace, name: UNIT })) as Obj;
    const before = await read();

    await cp.restartApiServer();
    // A spec change with an outcome (a dependency that does not exist), as soon as the new API
    // server answers.
    const changed = await eventually(async () => {
      const unit = await read();
      return (await custom.replaceNamespacedCustomObject({
        group: GROUP, version: VERSION, plural: 'serviceunits', namespace, name: UNIT,
        body: { ...unit, spec: { ...unit.spec, dependsOn: [{ name: 'unit-that-does-not-exist' }] } },
      })) as Obj;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(changed.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);

    const reconciled = await eventually(async () => {
      const unit = await read();
      expect(unit.status?.observedGeneration).toBe(changed.metadata.generation);
      return unit;
    }, { timeoutMs: 90_000, intervalMs: 250 });
    const dependencies = reconciled.status?.conditions?.find((c) => c.type === 'DependenciesReady');
    expect(dependencies?.status, statusDiff(comparable(before.status), comparable(reconciled.status)).join('\n')).toBe('False');
    await converged(kc, namespace, { reports: sampleReports() });

    // Recovered in place: the same process, still running, its watches restarted.
    expect(operator.process.exitStatus).toBeUndefined();
    expect(operator.pid).toBe(pid);
    const metrics = (await operator.get('/metrics')).body;
    expect(metricSum(metrics, 'managedapps_informer_watch_restarts_total')).toBeGreaterThan(0);
    // Ready again: /readyz failed while the API server was away (operator-health.test.ts).
    await operator.ready(30_000);
    expect((await operator.get('/readyz')).status).toBe(200);
  }, 240_000);
});
