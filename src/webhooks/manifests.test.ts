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
# operator injects its generated CA at start and at each renewal, or cert-manager's cainjector does (overlay
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

  it('intercepts only our group, every namespace (kube-system and the operator\'s are refused, not skipped), DELETE and the reports\' status, fails closed within 5 s', () => {
    const { mutating, validating } = webhookConfigurations({ mode: 'url', url: 'https://127.0.0.1:9443', caBundle: 'PEM', operatorNamespace: 'ops' });
    for (const hook of [...mutating.webhooks, ...validating.webhooks]) {
      expect(hook).toMatchObject({ failurePolicy: 'Fail', sideEffects: 'None', timeoutSeconds: 5, matchPolicy: 'Equivalent' });
      expect(hook.rules).toEqual([expect.objectContaining({ apiGroups: ['managedapps.dev'] })]);
      expect(hook.namespaceSelector).toBeUndefined();
      expect((hook.clientConfig as { caBundle: string }).caBundle).toBe(Buffer.from('PEM').toString('base64'));
    }
    expect((mutating.webhooks[0]?.clientConfig as { url: string }).url).toBe('https://127.0.0.1:9443/mutate');
    // Every kind (11): the shard label (--shards) is stamped on each; the kinds without stamps of their own are otherwise let through as they are.
    expect(mutating.webhooks[0]?.rules).toEqual([expect.objectContaining({ operations: ['CREATE', 'UPDATE'] })]);
    const [mutated] = mutating.webhooks[0]?.rules as { resources: string[] }[];
    expect(mutated?.resources).toHaveLength(11);
    expect(mutated?.resources).toContain('supportcontracts');
    expect(mutated?.resources).not.toContain('slareports/status');
    const [rule] = validating.webhooks[0]?.rules as { operations: string[]; resources: string[] }[];
    expect(rule?.operations).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    // The 11 kinds (ChangeCatalog, the provider's, and SLAClaim included), and the status of SLAReports (only the operator finalizes a report).
    expect(rule?.resources).toHaveLength(12);
    expect(rule?.resources).toContain('changecatalogs');
    expect(rule?.resources).toContain('slaclaims');
    expect(rule?.resources).toContain('slareports/status');
    // A test's selector is kept (the shared control plane's webhook tests select their namespaces).
    const scoped = webhookConfigurations({ mode: 'url', url: 'https://127.0.0.1:9443', namespaceSelector: { matchLabels: { run: 'x' } } });
    expect(scoped.validating.webhooks[0]?.namespaceSelector).toEqual({ matchLabels: { run: 'x' } });
  });
});
