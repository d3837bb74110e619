// src/webhooks: the admission webhook (design.md §1, §5): an HTTPS AdmissionReview server that
// stamps who wrote an incident, a change or an approval (mutating) and enforces the cross-object
// rules (validating), its certificates and webhook configurations, and the RBAC manifests of
// config/rbac. Owns no rule of its own: the rules are the domain's and the conversions are
// src/api's toDomain(), shared with the controllers. Imports src/api, src/domain and
// src/runtime; never controllers or the CLI. Not leader-bound: every replica serves.
export { createWebhookServer, MUTATE_PATH, VALIDATE_PATH, HEALTH_PATH, DEFAULT_ANSWER_WITHIN_MS, DEFAULT_CACHE_WAIT_MS, type WebhookServer, type WebhookServerOptions, type TlsMaterial } from './server.ts';
export {
  ensureWebhookConfiguration, deleteWebhookConfiguration, webhookConfigurations, webhookCertificates, ensureCertificateSecret,
  loadMountedCertificate, serviceDnsNames, readCertificateSecret, renewedCaBundle, pemCertificates, secretNameOf, DEFAULT_CONFIGURATION_NAME, MUTATING_WEBHOOK_NAME, VALIDATING_WEBHOOK_NAME,
  CERT_MANAGER_INJECT_ANNOTATION, WEBHOOK_TIMEOUT_SECONDS,
  type WebhookConfigurationOptions, type CertificateOptions, type CertificateSecretOptions, type WebhookCertificates, type LabelSelector,
} from './certs.ts';
export { CertificateRenewer, DEFAULT_RENEWAL_PERIOD_MS, DEFAULT_CA_PROPAGATION_MS, type CertificateRenewerOptions, type RenewalOutcome } from './renewal.ts';
export { generateServingCertificate, needsRenewal, type ServingCertificate } from './pki.ts';
export { validate, tenantOf, type TenantView, type RuleContext } from './rules.ts';
export { mutate, stampOf } from './mutate.ts';
export { shardPatch, withShardLabel, type ShardLabelling } from './shard.ts';
export { identify, type Identity, type IdentityConfig } from './identity.ts';
export { rbacManifests, RBAC_DIR, type RbacManifest } from './rbac.ts';
export type { AdmissionRequest, AdmissionResponse, AdmissionReview, Verdict, Violation } from './admission.ts';
