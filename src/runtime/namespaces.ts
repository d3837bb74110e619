// Which namespaces the caches hold (`--watch-namespace a,b`, `--watch-namespace-selector <selector>`),
// docs/design.md §2 "Namespace scope":
//   - a list: each namespace is listed and watched on its own (one list+watch per kind and
//     namespace), so that the operator needs no cluster-wide access to our kinds (namespaced Roles)
//     and caches nothing of the other namespaces;
//   - a selector: one cluster-wide list+watch per kind, and the objects of namespaces that do not
//     match are dropped as they arrive (never cached). The matching namespaces are followed at
//     runtime by a watch of Namespaces with the selector (NamespaceSelection): a namespace that
//     gains the label is brought in by a relist, one that loses it is dropped from the caches at once.
// Also the checks of both flags' values (options.ts): namespace names and label selectors, with
// the grammar of the API server's label selectors (k8s.io/apimachinery labels.Parse).
import type { Informer, NamespaceChange, NamespaceFilter } from './informer.ts';
import type { KindRef } from './kube.ts';

/** What the caches of a Manager hold. */
export type WatchScope =
  | { readonly namespaces: readonly string[] }
  | { readonly namespaceSelector: string };

/** The cluster-scoped Namespace kind (core/v1). */
export const NAMESPACE_KIND: KindRef = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };

/** The namespaces an informer of Namespaces (listed and watched with a label selector) holds, as a NamespaceFilter. */
export class NamespaceSelection implements NamespaceFilter {
  readonly #informer: Informer;
  #names = new Set<string>();
  readonly #listeners: ((change: NamespaceChange) => void)[] = [];

  constructor(informer: Informer) {
    this.#informer = informer;
    // Level-based: every event recomputes the whole set from the cache and reports the difference.
    informer.addHandler(() => { this.#refresh(); });
  }

  admits(namespace: string): boolean {
    return this.#names.has(namespace);
  }

  /** The namespaces selected now, sorted. */
  names(): string[] {
    return [...this.#names].sort();
  }

  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const synced = await this.#informer.waitForSync(signal);
    if (synced) this.#refresh();
    return synced;
  }

  onChange(listener: (change: NamespaceChange) => void): void {
    this.#listeners.push(listener);
  }

  #refresh(): void {
    const next = new Set(this.#informer.list().map((ns) => ns.metadata?.name ?? '').filter((n) => n !== ''));
    const added = [...next].filter((n) => !this.#names.has(n));
    const removed = [...this.#names].filter((n) => !next.has(n));
    this.#names = next;
    if (added.length === 0 && removed.length === 0) return;
    for (const listener of this.#listeners) listener({ added, removed });
  }
}

// ---- checks of the flags' values ---------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Kubernetes: a namespace name is a DNS-1123 label, a label name and value at most 63 characters, a key prefix a DNS subdomain of at most 253. */
const MAX_LABEL = 63;
const MAX_SUBDOMAIN = 253;

/** Why `name` is not a namespace name, or undefined. */
export function namespaceNameError(name: string): string | undefined {
  if (name === '') return 'an empty namespace name';
  if (name.length > MAX_LABEL || !DNS_LABEL.test(name)) return `'${name}' is not a namespace name (a DNS-1123 label: lower-case letters, digits and '-', at most ${MAX_LABEL} characters)`;
  return undefined;
}

/** One requirement of a label selector, as the API's LabelSelectorRequirement names its operators. */
export interface SelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

function labelKeyError(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix === '' || prefix.length > MAX_SUBDOMAIN || !DNS_SUBDOMAIN.test(prefix))) return `label key '${key}': the prefix must be a DNS subdomain`;
  if (name === '' || name.length > MAX_LABEL || !LABEL_NAME.test(name)) return `label key '${key}': the name must be 1 to ${MAX_LABEL} letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

function labelValueError(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > MAX_LABEL || !LABEL_NAME.test(value)) return `label value '${value}': at most ${MAX_LABEL} letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

/** Splits at the commas outside parentheses. */
function splitTopLevel(selector: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of selector) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (depth < 0 || depth > 1) return undefined;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (depth !== 0) return undefined;
  parts.push(current);
  return parts;
}

const SET = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/;
const EQUALITY = /^([^\s=!]+)\s*(==|=|!=)\s*(\S*)$/;
const EXISTS = /^(!?)\s*([^\s=!()]+)$/;

/**
 * Parses a label selector as the API server does (`app=web,tier in (a,b),!legacy`): equality
 * (`=`, `==`, `!=`), sets (`in`, `notin`) and existence (`key`, `!key`). Returns the requirements,
 * or a message naming the part that is wrong. Empty is refused: it would select every namespace.
 */
export function parseLabelSelector(selector: string): { requirements: SelectorRequirement[] } | { error: string } {
  if (selector.trim() === '') return { error: 'an empty label selector (it would select every namespace: leave the flag out instead)' };
  const parts = splitTopLevel(selector);
  if (parts === undefined) return { error: `'${selector}': unbalanced parentheses` };
  const requirements: SelectorRequirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') return { error: `'${selector}': an empty requirement (two commas, or a comma at an end)` };
    let requirement: SelectorRequirement | undefined;
    const set = SET.exec(part);
    const equality = EQUALITY.exec(part);
    const exists = EXISTS.exec(part);
    if (set !== null) {
      const values = (set[3] ?? '').split(',').map((v) => v.trim());
      if (values.length === 1 && values[0] === '') return { error: `'${part}': a set needs at least one value` };
      requirement = { key: set[1] ?? '', operator: set[2] === 'in' ? 'In' : 'NotIn', values };
    } else if (equality !== null) {
      requirement = { key: equality[1] ?? '', operator: equality[2] === '!=' ? 'NotIn' : 'In', values: [equality[3] ?? ''] };
    } else if (exists !== null) {
      requirement = { key: exists[2] ?? '', operator: exists[1] === '!' ? 'DoesNotExist' : 'Exists', values: [] };
    } else {
      return { error: `'${part}' is not a requirement (key=value, key!=value, key in (a,b), key notin (a,b), key or !key)` };
    }
    const problem = labelKeyError(requirement.key) ?? requirement.values.map(labelValueError).find((e) => e !== undefined);
    if (problem !== undefined) return { error: problem };
    requirements.push(requirement);
  }
  return { requirements };
}
