// Kubeconfigs for users authenticated by client certificates (CN = user, O = groups).
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

export interface ClientCredentials {
  readonly server: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly user: string;
}

const CLUSTER = 'managedapps-test';

export function kubeConfigFor(credentials: ClientCredentials): KubeConfig {
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: CLUSTER, server: credentials.server, caData: b64(credentials.caPem), skipTLSVerify: false }],
    users: [{ name: credentials.user, certData: b64(credentials.certPem), keyData: b64(credentials.keyPem) }],
    contexts: [{ name: `${credentials.user}@${CLUSTER}`, cluster: CLUSTER, user: credentials.user }],
    currentContext: `${credentials.user}@${CLUSTER}`,
  });
  return kc;
}

/** The kubeconfig file's text (YAML, what kubectl writes). */
export function kubeConfigYaml(kc: KubeConfig): string {
  return stringify(JSON.parse(kc.exportConfig()));
}
