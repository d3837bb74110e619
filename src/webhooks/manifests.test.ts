// config/webhook/webhooks.yaml is webhookConfigurations() for the in-cluster install (service
// mode, no caBundle: the operator or cert-manager writes it). UPDATE_GOLDEN=1 rewrites the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { webhookConfigurations } from './certs.ts';

const file = join(import.meta.dirname, '..', '..', 'config', 'webhook', 'webhooks.yaml');
const HEADER = `# The admission webhook configurations (generated from src/webhooks/certs.ts webhookConfigurations();
# src/webhooks/manifests.test.ts keeps them equal, UPDATE_GOLDEN=1 rewrites). No caBundle: the
# operator injects its generated CA at start, or cert-manager's cainjector does (overlay
# with-cert-manager adds the cert-manager.io/inject-ca-from annotation).
`;

function expected(): string {
  const c = webhookConfigurations({
    mode: 'service',
    service: { namespace: 'managedapps-system', name: 'managed-apps-operator-webhook', port: 443 },
    operatorNamespace: 'managedapps-system',
  });
  return `${HEADER}${stringify(c.mutating)}---\n${stringify(c.validating)}`;
}

describe('config/webhook', () => {
  it('holds the configurations the operator writes', () => {
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, expected());
    expect(readFileSync(file, 'utf8')).toBe(expected());
  });

  it('intercepts only our group, CREATE and UPDATE, fails closed within 5 s, never kube-system', () => {
    const { mutating, validating } = webhookConfigurations({ mode: 'url', url: 'https://127.0.0.1:9443', caBundle: 'PEM', operatorNamespace: 'ops' });
    for (const hook of [...mutating.webhooks, ...validating.webhooks]) {
      expect(hook).toMatchObject({ failurePolicy: 'Fail', sideEffects: 'None', timeoutSeconds: 5, matchPolicy: 'Equivalent' });
      expect(hook.rules).toEqual([expect.objectContaining({ apiGroups: ['managedapps.dev'], operations: ['CREATE', 'UPDATE'] })]);
      expect(hook.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'ops'] }] });
      expect((hook.clientConfig as { caBundle: string }).caBundle).toBe(Buffer.from('PEM').toString('base64'));
    }
    expect((mutating.webhooks[0]?.clientConfig as { url: string }).url).toBe('https://127.0.0.1:9443/mutate');
    expect((validating.webhooks[0]?.rules as { resources: string[] }[])[0]?.resources).toHaveLength(8);
  });
});
