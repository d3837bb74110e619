// The test control plane is a real one: version, CRDs with CEL and a status subresource,
// server-side apply, watches, RBAC for client-certificate users, and the controller manager.
// Also: its failures are clear and leave nothing behind.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  VersionApi,
  Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';
import { installCrds, namespacedCrd } from '../controlplane/crds.ts';
import { ControlPlaneError, ensureBinaries, pinnedVersions, resolveAssetsDir, startControlPlane, type ControlPlane } from '../controlplane/index.ts';

const info = inject('controlPlane');
const kc = adminKubeConfig(info);

const group = 'harness.example.com';
const version = 'v1';
const plural = 'gadgets';
const gadgetCrd = namespacedCrd({
  group,
  version,
  kind: 'Gadget',
  plural,
  statusSubresource: true,
  schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { min: { type: 'integer' }, max: { type: 'integer' } },
        'x-kubernetes-validations': [{ rule: 'self.min <= self.max', message: 'spec.min must not exceed spec.max' }],
      },
      status: { type: 'object', properties: { phase: { type: 'string' }, observedGeneration: { type: 'integer', format: 'int64' } } },
    },
  },
});

async function expectStatus(promise: Promise<unknown>, code: number): Promise<ApiException<unknown>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiException);
  expect((error as ApiException<unknown>).code).toBe(code);
  return error as ApiException<unknown>;
}

describe('the shared control plane', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createNamespace(kc, 'controlplane');
    await installCrds(kc, [gadgetCrd]);
  });

  it('reports the pinned Kubernetes version on /version', async () => {
    const { kubernetes } = pinnedVersions();
    expect(info.version).toBe(kubernetes);
    const reported = await kc.makeApiClient(VersionApi).getCode();
    expect(reported.gitVersion).toBe(kubernetes);
    expect(`v${reported.major}.${reported.minor.replace(/\+$/, '')}`).toBe(kubernetes.replace(/\.\d+$/, ''));
  });

  it('rejects an object that breaks a CEL rule, with the rule message', async () => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const body = { apiVersion: `${group}/${version}`, kind: 'Gadget', metadata: { name: 'upside-down' }, spec: { min: 5, max: 1 } };
    const error = await expectStatus(api.createNamespacedCustomObject({ group, version, namespace: ns, plural, body }), 422);
    expect(JSON.stringify(error.body)).toContain('spec.min must not exceed spec.max');
  });

  it('applies a status server-side and a watch sees the change', async () => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const created = (await api.createNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      body: { apiVersion: `${group}/${version}`, kind: 'Gadget', metadata: { name: 'sprocket' }, spec: { min: 1, max: 3 } },
    })) as { metadata: { resourceVersion: string } };

    const events: { type: string; phase?: string }[] = [];
    const watch = await new Watch(kc).watch(
      `/apis/${group}/${version}/namespaces/${ns}/${plural}`,
      { resourceVersion: created.metadata.resourceVersion },
      (type, object: { status?: { phase?: string } }) => {
        events.push({ type, ...(object.status?.phase ? { phase: object.status.phase } : {}) });
      },
      () => undefined,
    );
    try {
      const applied = (await api.patchNamespacedCustomObjectStatus(
        {
          group,
          version,
          namespace: ns,
          plural,
          name: 'sprocket',
          body: { apiVersion: `${group}/${version}`, kind: 'Gadget', metadata: { name: 'sprocket' }, status: { phase: 'Ready', observedGeneration: 1 } },
          fieldManager: 'controlplane-test',
          force: true,
        },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      )) as { status: { phase: string }; metadata: { managedFields: { manager: string; subresource?: string }[] } };
      expect(applied.status.phase).toBe('Ready');
      expect(applied.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'controlplane-test', subresource: 'status' }));
      await eventually(() => {
        expect(events).toContainEqual({ type: 'MODIFIED', phase: 'Ready' });
      }, { timeoutMs: 10_000 });
    } finally {
      watch.abort();
    }
  });

  it('denies a minted user without RBAC (403), then allows it once a Role is bound (200)', async () => {
    const alice = userKubeConfig(info, 'alice', ['team-a']).makeApiClient(CoreV1Api);
    await expectStatus(alice.listNamespacedConfigMap({ namespace: ns }), 403);

    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: { metadata: { name: 'configmap-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'alice-reads-configmaps' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
      },
    });
    const list = await eventually(() => alice.listNamespacedConfigMap({ namespace: ns }), { timeoutMs: 10_000 });
    expect(list.items).toBeDefined();
    // Bound to the user, not to the group: another member of team-a is still refused.
    const bob = userKubeConfig(info, 'bob', ['team-a']).makeApiClient(CoreV1Api);
    await expectStatus(bob.listNamespacedConfigMap({ namespace: ns }), 403);
  });

  it('finishes deleting a namespace (kube-controller-manager runs)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const doomed = await createNamespace(kc, 'doomed');
    await core.createNamespacedConfigMap({ namespace: doomed, body: { metadata: { name: 'contents' }, data: { a: 'b' } } });
    await core.deleteNamespace({ name: doomed });
    await eventually(
      async () => {
        await expectStatus(core.readNamespace({ name: doomed }), 404);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });
});

describe('a control plane of its own', () => {
  let plane: ControlPlane;
  beforeAll(async () => {
    plane = await startControlPlane({ auditLog: true });
  });
  afterAll(async () => {
    await plane.stop();
    expect(existsSync(plane.info.certDir)).toBe(false);
  });

  it('writes the audited writes to the audit log and survives an API server restart', async () => {
    const leases = plane.kubeConfig().makeApiClient(CoordinationV1Api);
    await leases.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'audited' }, spec: { holderIdentity: 'me' } } });
    const auditLogPath = plane.info.auditLogPath!;
    const writes = () =>
      readFileSync(auditLogPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { verb: string; objectRef?: { resource?: string; name?: string } })
        .filter((e) => e.objectRef?.resource === 'leases' && e.objectRef.name === 'audited');
    await eventually(() => {
      expect(writes().map((e) => e.verb)).toEqual(['create']);
    }, { timeoutMs: 5_000 });
    // Reads and other groups are not audited.
    const auditedGroups = readFileSync(auditLogPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { verb: string; objectRef?: { apiGroup?: string } });
    for (const e of auditedGroups) {
      expect(['create', 'update', 'patch', 'delete', 'deletecollection']).toContain(e.verb);
      expect(['managedapps.dev', 'coordination.k8s.io']).toContain(e.objectRef?.apiGroup);
    }

    const server = plane.info.server;
    await plane.restartApiServer();
    expect(plane.info.server).toBe(server);
    const lease = await leases.readNamespacedLease({ namespace: 'default', name: 'audited' });
    expect(lease.spec?.holderIdentity).toBe('me');

    const carol = plane.mintUser('carol', []).makeApiClient(CoordinationV1Api);
    await expectStatus(carol.readNamespacedLease({ namespace: 'default', name: 'audited' }), 403);
  });
});

describe('control-plane failures', () => {
  const scratch: string[] = [];
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  /** A bin dir with the real binaries except `name`, replaced by a bash script. */
  function binDirWith(name: string, script: string): string {
    const real = resolveAssetsDir();
    const dir = mkdtempSync(join(tmpdir(), 'controlplane-fake-bin-'));
    scratch.push(dir);
    for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager']) {
      if (b === name) {
        writeFileSync(join(dir, b), `#!/usr/bin/env bash\n${script}\n`);
        chmodSync(join(dir, b), 0o755);
      } else symlinkSync(join(real, b), join(dir, b));
    }
    return dir;
  }

  async function startFailure(options: Parameters<typeof startControlPlane>[0]): Promise<ControlPlaneError> {
    const error = await startControlPlane(options).then(
      async (p) => {
        await p.stop();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ControlPlaneError);
    const failure = error as ControlPlaneError;
    if (failure.dir) {
      // Nothing left behind: no directory, no process naming it.
      expect(existsSync(failure.dir)).toBe(false);
      expect(processesMentioning(failure.dir)).toEqual([]);
    }
    return failure;
  }

  it('says how to get the binaries when they are missing', async () => {
    const error = await startFailure({ binDir: join(tmpdir(), 'no-such-controlplane-bin') });
    expect(error.code).toBe('BINARIES_MISSING');
    expect(error.message).toMatch(/no executable etcd, kube-apiserver, kube-controller-manager in .*no-such-controlplane-bin/);
    expect(error.message).toContain('test/controlplane/build.sh');
    expect(error.message).toContain('KUBEBUILDER_ASSETS');
  });

  it('says which port is taken, with the log of the process that could not bind it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startFailure({ ports: { etcd: port } });
      expect(error.code).toBe('PORT_IN_USE');
      expect(error.message.split('\n')[0]).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(error.message).toContain('last ');
      expect(error.message).toMatch(/\| .*address already in use/);
    } finally {
      blocker.close();
    }
  });

  it('reports an etcd that exits, with the tail of its log', async () => {
    const error = await startFailure({ binDir: binDirWith('etcd', 'echo "etcd: simulated corruption of the data dir" >&2; exit 3') });
    expect(error.code).toBe('PROCESS_EXITED');
    expect(error.message.split('\n')[0]).toContain('etcd exited during start-up (exit code 3)');
    expect(error.message).toContain('| etcd: simulated corruption of the data dir');
  });

  it('gives up on an API server that never gets ready, and kills it', async () => {
    const error = await startFailure({ binDir: binDirWith('kube-apiserver', 'echo "pretending to start"; exec sleep 600'), readyTimeoutMs: 1_500 });
    expect(error.code).toBe('READINESS_TIMEOUT');
    expect(error.message.split('\n')[0]).toMatch(/^kube-apiserver \/readyz not ready within 2 s/);
    expect(error.message).toContain('| pretending to start');
  });

  it('ensureBinaries() finds the binaries where startControlPlane() looks for them', async () => {
    expect(await ensureBinaries({ log: () => undefined })).toBe(resolveAssetsDir());
  });
});

/** Pids of processes whose command line contains `text`. */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}
