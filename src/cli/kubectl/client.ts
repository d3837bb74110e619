// What every in-cluster command of the kubectl plugin shares: kubectl's connection flags
// (`--kubeconfig`, `--context`, `-n`), the namespace default (the context's, else `default`),
// and errors as kubectl prints them: one line `error: ...` on stderr, exit code 1.
//
// Start-up (issue 17): this module and commands.ts load no zod schema, domain or generated API
// of client-node: the runtime's client and errors from their own modules, KubeConfig through
// kubeconfig.ts, the kinds' REST names from the table below.
import type { KindName } from '../../api/v1alpha1/index.ts';
import { ApiError } from '../../runtime/errors.ts';
import { KubeClient, assertConfigured, collectionPath, objectPath, type KindRef } from '../../runtime/kube.ts';

import { EXIT_ERROR, type CommandIO } from '../io.ts';
import { yaml } from '../lazy.ts';
import { kubeConfigClass } from './kubeconfig.ts';

export { EXIT_ERROR, EXIT_OK, OBJECT_FORMATS, type CommandIO, type ObjectFormat } from '../io.ts';

/** kubectl's connection flags. */
export interface KubeFlags {
  /** A kubeconfig file; default `$KUBECONFIG`, then `~/.kube/config`, then in-cluster. */
  readonly kubeconfig?: string | undefined;
  /** A context of the kubeconfig; default its current context. */
  readonly context?: string | undefined;
  /** Default: the context's namespace, else `default`. */
  readonly namespace?: string | undefined;
}

/** A refusal or input error: printed as `error: <message>`, exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface Connection {
  readonly client: KubeClient;
  /** The namespace the command works in (flag, else the context's, else `default`). */
  readonly namespace: string;
}

/** Loads the kubeconfig as kubectl does and picks the context and namespace. Throws CliError. */
export async function connect(flags: KubeFlags): Promise<Connection> {
  const KubeConfig = await kubeConfigClass();
  const kc = new KubeConfig();
  try {
    if (flags.kubeconfig !== undefined) kc.loadFromFile(flags.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new CliError(`cannot load the kubeconfig${flags.kubeconfig === undefined ? '' : ` ${flags.kubeconfig}`}: ${messageOf(err)}`);
  }
  if (flags.context !== undefined) {
    if (kc.getContextObject(flags.context) === null) throw new CliError(`context "${flags.context}" does not exist`);
    kc.setCurrentContext(flags.context);
  }
  try {
    assertConfigured(kc);
  } catch (err) {
    throw new CliError(messageOf(err));
  }
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const namespace = flags.namespace ?? (contextNamespace !== undefined && contextNamespace !== '' ? contextNamespace : 'default');
  return { client: new KubeClient(kc), namespace };
}

/**
 * The kinds the commands read and write: the registry's refs (KIND_REFS, src/api/v1alpha1),
 * written out so that the plugin does not build every kind's schema to learn a plural;
 * client.test.ts checks that the two tables are equal.
 */
const ref = (plural: string): KindRef => ({ group: 'managedapps.dev', version: 'v1alpha1', plural });
export const REFS: { readonly [K in KindName]: KindRef } = {
  ManagedTenant: ref('managedtenants'),
  SupportContract: ref('supportcontracts'),
  ServiceUnit: ref('serviceunits'),
  ManagedFunction: ref('managedfunctions'),
  Incident: ref('incidents'),
  ChangeRequest: ref('changerequests'),
  ChangeCatalog: ref('changecatalogs'),
  Problem: ref('problems'),
  MaintenanceWindow: ref('maintenancewindows'),
  SLAReport: ref('slareports'),
  SLAClaim: ref('slaclaims'),
};

/** An object as the API server returns it; spec and status are read through the kind's types. */
export interface ApiObject<S = Record<string, unknown>, St = Record<string, unknown>> {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: S;
  status?: St;
}

export async function getObject<S, St>(client: KubeClient, kind: KindRef, namespace: string, name: string): Promise<ApiObject<S, St>> {
  return client.request<ApiObject<S, St>>('GET', objectPath(kind, namespace, name));
}

/** Every object of a kind in `namespace`, or in all namespaces when it is undefined. */
export async function listObjects<S, St>(client: KubeClient, kind: KindRef, namespace: string | undefined): Promise<ApiObject<S, St>[]> {
  const list = await client.request<{ items?: ApiObject<S, St>[] }>('GET', collectionPath(kind, namespace));
  return list.items ?? [];
}

/** A JSON merge patch (RFC 7386); with `metadata.resourceVersion` in it, a concurrent write fails with 409. */
export async function mergePatch<S, St>(client: KubeClient, kind: KindRef, namespace: string, name: string, patch: unknown): Promise<ApiObject<S, St>> {
  return client.request<ApiObject<S, St>>('PATCH', objectPath(kind, namespace, name), { body: patch, contentType: 'application/merge-patch+json' });
}

/** `changerequest.managedapps.dev/chg-1`, what kubectl prints after changing an object. */
export function resourceName(kind: KindRef, name: string): string {
  const singular = kind.plural.replace(/s$/, '');
  return `${singular}.${kind.group}/${name}`;
}

/** The API server's own message (`changerequests.managedapps.dev "x" not found`), without our request prefix. */
export function apiMessage(err: ApiError): string {
  const match = /^[A-Z]+ \S+: \d+ ([\s\S]*)$/.exec(err.message);
  return (match?.[1] ?? err.message).replace(/\s+/g, ' ').trim();
}

function messageOf(err: unknown): string {
  if (err instanceof ApiError) return apiMessage(err);
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`.replace(/\s+/g, ' ').trim();
  }
  return String(err);
}

/**
 * Runs a command body and turns what it throws into kubectl's one line on stderr and exit 1:
 * CliError and API errors as their message, a failure to reach the server as such.
 */
export async function runCommand(io: CommandIO, body: () => Promise<number>, server?: () => string | undefined): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CliError || err instanceof ApiError) {
      io.stderr(`error: ${messageOf(err)}\n`);
    } else {
      const where = server?.();
      io.stderr(`error: ${where === undefined ? '' : `cannot reach the API server ${where}: `}${messageOf(err)}\n`);
    }
    return EXIT_ERROR;
  }
}


export function checkFormat<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`unable to match a printer suitable for the output format "${value}", allowed formats are: ${allowed.join(',')}`);
  return value as T;
}

export function printValue(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : yaml().stringify(value, { lineWidth: 0 });
}

/** RFC 3339 with a zone (Z or an offset), optional fraction: what the CRDs' date-time fields take. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseInstant(flag: string, value: string): string {
  if (!RFC3339.test(value) || Number.isNaN(new Date(value).getTime())) throw new CliError(`${flag} '${value}' is not an RFC 3339 instant such as 2026-11-02T09:00:00Z`);
  return value;
}

/** Now, to the second, as the CRDs store instants. */
export function nowRfc3339(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
