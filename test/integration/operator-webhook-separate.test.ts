// The webhook in a process of its own (issue 20, "the webhook under load"; the chart's
// webhook.separate): `run --controllers=false --webhook=true` serves the admission webhook and
// nothing else, while `run --webhook=false` runs the controllers. Both run as real processes on the
// shared control plane, each under a user of its own so the audit log tells their writes apart:
//   - the webhook process registers its configurations (url mode, a generated certificate, its own
//     Lease for the renewal) and answers with its cross-object rules, which read its own caches: a
//     second unit claiming a target already claimed is refused, naming the target;
//   - the controllers process reconciles (the tenant's status) and serves no webhook: its /metrics
//     has no admission request, the webhook process's has them and no reconcile;
//   - the webhook process writes no status: the audit log has none of its user's status writes, and
//     the controllers' user has them.
// The webhook configurations have no namespaceSelector, so while this file runs they see every
// namespace (files run one at a time); afterAll deletes them before the processes stop.
import { randomBytes } from 'node:crypto';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/runtime/kube.ts';
import { deleteWebhookConfiguration } from '../../src/webhooks/certs.ts';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { freePorts } from '../controlplane/net.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { GROUP, VERSION, onVm, serviceUnit, tenant, type Manifest } from './fixtures.ts';
import { auditBarrier, metricSum, operatorKubeconfig, operatorSuite, readAudit, writesOf, type Obj } from './operator-support.ts';

const CONFIG_NAME = `mao-separate-test-${randomBytes(4).toString('hex')}`;

describe('the webhook in its own process, the controllers in another', () => {
  const suite = operatorSuite('separate');
  const { kc } = suite;
  const api = kc.makeApiClient(CustomObjectsApi);
  const webhookUser = `${suite.user}-webhook`;
  let namespace: string;
  let controllers: OperatorProcess;
  let webhook: OperatorProcess;
  let auditFrom = 0;

  const create = (m: Manifest) => api.createNamespacedCustomObject({
    group: GROUP, version: VERSION, namespace, plural: m.kind === 'ServiceUnit' ? 'serviceunits' : 'managedtenants', body: { ...m, metadata: { ...m.metadata, namespace } },
  });
  /** The API server's answer to a create: '' when created, else its message. */
  const answer = (m: Manifest): Promise<string> => create(m).then(() => '', (err: unknown) => String((err as { body?: unknown }).body ?? err));

  beforeAll(async () => {
    namespace = await createNamespace(kc, 'separate');
    const leaseNamespace = await createNamespace(kc, 'separate-lease');
    auditFrom = readAudit(suite.auditLogPath).end;
    const [webhookPort] = (await freePorts(1)) as [number];
    controllers = await startOperatorProcess({
      kubeconfigPath: operatorKubeconfig(suite.info, suite.user), leaderElectionNamespace: leaseNamespace, watchNamespace: namespace, identity: 'separate-controllers',
      args: ['--webhook', 'false'],
    });
    webhook = await startOperatorProcess({
      kubeconfigPath: operatorKubeconfig(suite.info, webhookUser), leaderElectionNamespace: leaseNamespace, watchNamespace: namespace, identity: 'separate-webhook',
      args: [
        '--controllers', 'false', '--webhook', 'true', '--webhook-mode', 'url', '--webhook-host', '127.0.0.1', '--webhook-port', String(webhookPort),
        '--webhook-configuration-name', CONFIG_NAME,
      ],
      env: {
        // Its own Lease (the generated certificate's renewal is leader work), as the chart names it.
        MANAGEDAPPS_LEADER_ELECTION_NAME: 'managed-apps-operator-webhook',
        // The controllers' user is the operator whose status writes the rules let through; the admin acts as the provider.
        MANAGEDAPPS_OPERATOR_USERNAME: suite.user,
        MANAGEDAPPS_PROVIDER_GROUPS: 'managedapps:provider,system:masters',
      },
    });
    suite.operators.push(controllers, webhook);
    await Promise.all([controllers.ready(), webhook.ready()]);
  });

  afterAll(async () => {
    await deleteWebhookConfiguration(new KubeClient(kc), CONFIG_NAME);
  });

  it('the webhook process answers with its cross-object rules; the controllers process reconciles', async () => {
    expect(await answer(tenant('acme'))).toBe('');
    expect(await answer(serviceUnit('os-1', onVm('vm-shared')))).toBe('');
    // The configurations are registered once the webhook listens, and the API server's watch of
    // them takes a moment: retried (as a dry run, nothing stored) until the webhook answers.
    const refusal = await eventually(async () => {
      const message = await api.createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace, plural: 'serviceunits', dryRun: 'All',
        body: { ...serviceUnit('os-2', onVm('VM-SHARED')), metadata: { name: 'os-2', namespace } },
      }).then(() => '', (err: unknown) => String((err as { body?: unknown }).body ?? err));
      return /admission webhook/.test(message) ? message : false;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    // One management level per target, names compared case-insensitively (design.md §1).
    expect(refusal).toMatch(/vm-shared/i);
    expect(refusal).toMatch(/os-1/);

    // Reconciled by the controllers process: a status of the current generation, with its Ready.
    const reconciled = await eventually(async () => {
      const t = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'managedtenants', name: 'acme' })) as Obj;
      return t.status?.observedGeneration === t.metadata.generation ? t.status : false;
    }, { timeoutMs: 60_000 });
    expect(reconciled?.conditions?.map((c) => c.type)).toContain('Ready');
  });

  it('each process does its own work only: admissions in one, reconciles and status writes in the other', async () => {
    const [w, c] = await Promise.all([webhook.get('/metrics'), controllers.get('/metrics')]);
    expect(metricSum(w.body, 'controller_runtime_webhook_requests_total')).toBeGreaterThan(0);
    expect(metricSum(w.body, 'controller_runtime_reconcile_total')).toBe(0);
    expect(metricSum(c.body, 'controller_runtime_webhook_requests_total')).toBe(0);
    expect(metricSum(c.body, 'controller_runtime_reconcile_total')).toBeGreaterThan(0);

    await auditBarrier(kc, suite.auditLogPath, namespace);
    const { entries } = readAudit(suite.auditLogPath, auditFrom);
    const statusWrites = (user: string) => writesOf(entries, user).filter((e) => e.objectRef?.apiGroup === GROUP && e.objectRef.subresource === 'status');
    expect(statusWrites(webhookUser)).toEqual([]);
    expect(statusWrites(suite.user).length).toBeGreaterThan(0);
  });
});
