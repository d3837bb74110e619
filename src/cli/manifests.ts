// Reading manifests from files and folders, for the offline commands (`managedapps report
// --offline`). Folders are walked recursively for `.yaml`, `.yml` and `.json`; a YAML file may
// hold several documents; a `List` (kubectl get -o yaml) is flattened into its items. Every object
// of managedapps.dev is parsed with its zod schema (defaults applied, as the API server would);
// objects of other groups (a Namespace, a Kustomization) are ignored.
//
// Nothing throws on bad input: each problem becomes one ManifestError that names the file (and
// the line of the field when the file is YAML), the object and the field path.
//
// Speed (issue 17): a YAML file is read as a stream, cut into its documents at the `---` lines,
// and each document is parsed by js-yaml and checked as soon as it is complete, so that the text
// of a large tenant is never held whole; a file with any problem is read again, whole, by `yaml`
// (loaded only then), whose positions give every message its exact line.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import type * as Yaml from 'yaml';
import { celChecker, type CelViolation } from '../api/cel.ts';
import { fieldPathText, unknownFieldFinder, type FieldPath } from '../api/unknown-fields.ts';
import {
  GROUP, KINDS, RESOURCE_SCHEMAS, calendarToDomain, changeToDomain, contractToDomain, fieldErrors, incidentToDomain, scheduleToDomain, unitToDomain,
  type AnyResource, type Conversion, type KindName,
} from '../api/v1alpha1/index.ts';
import { yaml } from './lazy.ts';

/** Per kind, the fields the API server would refuse as unknown (its schema built on first use). */
const UNKNOWN_FIELDS = new Map(KINDS.map((k) => [k.kind, unknownFieldFinder(k)]));
const noUnknownFields = (): FieldPath[] => [];
/** Per kind, the CRD's CEL rules (compiled on first use). */
const CEL_RULES = new Map(KINDS.map((k) => [k.kind, celChecker(k)]));
const noRules = (): CelViolation[] => [];

/**
 * The checks of one object the admission webhook makes without reading any other (rules.ts: the
 * conversions to the domain: a calendar that does not exist, an RRULE that never occurs, a date
 * out of range), so that offline refuses what the cluster's webhook would.
 */
const SELF_CONVERSIONS: Partial<Record<KindName, (resource: never) => Conversion<unknown>>> = {
  ManagedTenant: calendarToDomain,
  SupportContract: contractToDomain,
  ServiceUnit: (unit) => unitToDomain(unit),
  Incident: incidentToDomain,
  ChangeRequest: changeToDomain,
  MaintenanceWindow: scheduleToDomain,
};

/** `spec.targets[0].kind` → ['spec', 'targets', 0, 'kind']. */
function pathSegments(path: string): (string | number)[] {
  return path.split(/\.|\[(\d+)\]/).filter((s: string | undefined): s is string => s !== undefined && s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface LoadedObject {
  readonly file: string;
  /** Index of the YAML document in the file (0 for JSON). */
  readonly document: number;
  /** Index in `items` when the object came from a List. */
  readonly item?: number | undefined;
  /** 1-based line where the object starts, when known. */
  readonly line?: number | undefined;
  readonly kind: KindName;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly resource: AnyResource;
  /** The object as written (before schema defaults): what `verify` hashes a report's status from. */
  readonly raw?: Readonly<Record<string, unknown>> | undefined;
}

export interface ManifestError {
  readonly file: string;
  readonly line?: number | undefined;
  /** `Kind/namespace/name` (or `Kind/name` without a namespace), when the object is known. */
  readonly object?: string | undefined;
  /** Field path such as `spec.priority`; absent for a file-level problem (unreadable, bad YAML). */
  readonly path?: string | undefined;
  readonly message: string;
}

/** One line: `file:line: Kind/ns/name: spec.field: message`. */
export function formatManifestError(error: ManifestError): string {
  const where = error.line === undefined ? error.file : `${error.file}:${error.line}`;
  return [where, error.object, error.path, error.message].filter((part) => part !== undefined && part !== '').join(': ');
}

export function objectId(kind: string, namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

export interface LoadResult {
  readonly objects: LoadedObject[];
  readonly errors: ManifestError[];
}

export interface LoadOptions {
  /**
   * Keep each object as written (LoadedObject.raw), which `verify` and `export` read; default
   * true. The report does without: it then holds each object once, not twice.
   */
  readonly raw?: boolean;
}

/**
 * Read every manifest under `paths` (files or folders), in a stable order (folders sorted by name).
 * Lists grow by loops, never `push(...list)`: spreading half a million objects into a call's
 * arguments overflows the stack (what the benchmark's 10× tenant met before issue 17).
 */
export async function loadManifests(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const objects: LoadedObject[] = [];
  const errors: ManifestError[] = [];
  for (const path of paths) {
    for (const file of await manifestFiles(path, errors)) {
      let result: LoadResult;
      try {
        result = await readManifestFile(file, options);
      } catch (error) {
        errors.push({ file, message: `cannot read: ${(error as Error).message}` });
        continue;
      }
      for (const o of result.objects) objects.push(o);
      for (const e of result.errors) errors.push(e);
    }
  }
  for (const e of duplicates(objects)) errors.push(e);
  return { objects, errors };
}

/** One file: JSON read whole; YAML streamed document by document, read again whole by `yaml` when it has a problem. */
async function readManifestFile(file: string, options: LoadOptions): Promise<LoadResult> {
  if (extname(file).toLowerCase() === '.json') return parseJson(await readFile(file, 'utf8'), file, options);
  const reader = new FastYamlReader(file, options);
  let fast = true;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
    if (!reader.push(chunk)) {
      fast = false;
      break;
    }
  }
  const result = fast ? reader.end() : undefined;
  return result ?? parseYamlExact(await readFile(file, 'utf8'), file, options);
}

async function manifestFiles(path: string, errors: ManifestError[]): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    errors.push({ file: path, message: 'no such file or folder' });
    return [];
  }
  // A file named explicitly is read whatever its extension; a folder contributes its manifests only.
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) for (const f of await manifestFiles(child, errors)) files.push(f);
    else if (entry.isFile() && MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(child);
  }
  return files;
}

interface Raw {
  readonly value: unknown;
  readonly document: number;
  readonly item?: number | undefined;
  /** Path from the document's root to this object (for line lookups), e.g. ['items', 3]. */
  readonly base: readonly (string | number)[];
}

/**
 * Parse the text of one file (YAML, possibly multi-document, or JSON). `file` only names it in
 * the results. Exported for the benchmark and for the text the cluster returns (`export`, `verify`).
 *
 * YAML is read twice at most: first by js-yaml (about ten times faster than `yaml`, with no
 * positions), document by document, and the objects' lines come from a scan of the document
 * markers; a file with any problem (bad YAML, an object its schema refuses, a List, an anchor,
 * a directive) is read again by `yaml`, whose positions give every error its exact line. Both
 * read YAML 1.2's core schema, so both give the same values (a date stays a string).
 */
export function parseManifestText(text: string, file: string, options: LoadOptions = {}): LoadResult {
  if (extname(file).toLowerCase() === '.json') return parseJson(text, file, options);
  return readYamlFast([text], file, options) ?? parseYamlExact(text, file, options);
}

/** The fast reading of a YAML text given in chunks cut anywhere; undefined: the file needs parseYamlExact. */
export function readYamlFast(chunks: Iterable<string>, file: string, options: LoadOptions = {}): LoadResult | undefined {
  const reader = new FastYamlReader(file, options);
  for (const chunk of chunks) if (!reader.push(chunk)) return undefined;
  return reader.end();
}

function parseJson(text: string, file: string, options: LoadOptions): LoadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { objects: [], errors: [{ file, message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return validate(flatten(value, 0), file, () => undefined, [], options);
}

/** What may be a YAML anchor (`&name`) at the start of a value. */
const ANCHOR = /(^|[\s[{,:-])&[^\s]/m;

/**
 * A line that starts a document (`---`), ends one (`...`) or is a directive (`%`). Never content:
 * YAML 1.2 forbids both markers at the start of a line inside a scalar (§9.1.4, c-forbidden).
 */
const MARKER = /^(?:---(?=[ \t\r\n]|$)|\.\.\.(?=[ \t\r\n]|$)|%)/gm;

/**
 * The fast reading of one YAML file, fed in chunks: the text is cut at the `---` lines, and each
 * document is parsed (js-yaml) and checked as soon as it is complete, its text then dropped.
 * `push` and `end` give up (false, undefined) at the first thing only the exact reading handles:
 * a `...` or a directive, a byte-order mark, an anchor, a List, YAML js-yaml refuses, an object
 * with any problem. The caller then reads the file again with parseYamlExact.
 */
class FastYamlReader {
  readonly #file: string;
  readonly #options: LoadOptions;
  readonly #objects: LoadedObject[] = [];
  /** Complete lines of the document being read. */
  #pending = '';
  /** What follows the last line break read. */
  #carry = '';
  /** 1-based line of the pending text's first line. */
  #line = 1;
  #documents = 0;
  #started = false;

  constructor(file: string, options: LoadOptions) {
    this.#file = file;
    this.#options = options;
  }

  /** Feeds the next chunk; false: the exact reading is needed. */
  push(chunk: string): boolean {
    if (!this.#started) {
      this.#started = true;
      if (chunk.startsWith('\uFEFF')) return false;
    }
    const text = this.#carry + chunk;
    const cut = text.lastIndexOf('\n') + 1;
    this.#carry = text.slice(cut);
    return this.#scan(text.slice(0, cut));
  }

  /** The objects read; undefined: the exact reading is needed. */
  end(): LoadResult | undefined {
    const rest = this.#carry;
    this.#carry = '';
    if (!this.#scan(rest) || !this.#document()) return undefined;
    return { objects: this.#objects, errors: [] };
  }

  #scan(text: string): boolean {
    let from = 0;
    MARKER.lastIndex = 0;
    for (let m = MARKER.exec(text); m !== null; m = MARKER.exec(text)) {
      if (m[0] !== '---') return false;
      this.#pending += text.slice(from, m.index);
      if (!this.#document()) return false;
      from = m.index;
    }
    this.#pending += text.slice(from);
    return true;
  }

  /** Parses and checks the pending document (the text before the first marker holds one only if it has content). */
  #document(): boolean {
    const text = this.#pending;
    const first = this.#line;
    this.#pending = '';
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#line++;
    const line = rootLine(text);
    if (line === null) return true;
    // Anchors and aliases: only the exact reading bounds their expansion (maxAliasCount).
    if (text.includes('&') && ANCHOR.test(text)) return false;
    let value: unknown;
    try {
      value = load(text, { schema: CORE_SCHEMA });
    } catch {
      return false;
    }
    const index = this.#documents++;
    const raws = flatten(value, index);
    if (raws.some((raw) => raw.item !== undefined)) return false;
    const root = line === undefined ? undefined : first - 1 + line;
    const result = validate(raws, this.#file, (_raw, path) => (path.length === 0 ? root : undefined), [], this.#options);
    if (result.errors.length > 0) return false;
    for (const o of result.objects) this.#objects.push(o);
    return true;
  }
}

/**
 * The 1-based line of the root node of the one document `text` holds, as documentLines counts it
 * (the text starts with its `---` line, or is what precedes the first one, and holds no other
 * marker nor directive); undefined for a document without content; null when the text before the
 * first marker has no content, hence no document. Reads up to the root's line only.
 */
function rootLine(text: string): number | undefined | null {
  const marker = text.startsWith('---');
  let start = 0;
  let line = 1;
  if (marker) {
    const end = text.indexOf('\n');
    const rest = text.slice(3, end === -1 ? undefined : end).trim();
    if (rest !== '' && !rest.startsWith('#')) return 1;
    if (end === -1) return undefined;
    start = end + 1;
    line = 2;
  }
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const content = text.slice(start, end).trim();
    if (content !== '' && !content.startsWith('#')) return line;
    start = end + 1;
    line++;
  }
  return marker ? undefined : null;
}

/**
 * The line of each document's root node, as `yaml` reports it: the first line that is not blank,
 * a comment or a directive, after the start of the stream or a `---` marker (the marker's own
 * line when the document starts on it); a document with no content has no line.
 */
export function documentLines(text: string): (number | undefined)[] {
  const lines: (number | undefined)[] = [];
  let open = false; // a document started (by a marker or by content) and is not ended
  let seeking = true; // that document's root line is not found yet
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (/^---(\s|$)/.test(line)) {
      lines.push(undefined);
      open = true;
      seeking = true;
      if (line.slice(3).trim() !== '' && !line.slice(3).trim().startsWith('#')) { lines[lines.length - 1] = lineNo; seeking = false; }
      continue;
    }
    if (/^\.\.\.(\s|$)/.test(line)) { open = false; seeking = false; continue; }
    const content = line.trim() !== '' && !line.trimStart().startsWith('#') && !(line.startsWith('%') && !open);
    if (!content) continue;
    if (!open) { lines.push(lineNo); open = true; seeking = false; continue; }
    if (seeking) { lines[lines.length - 1] = lineNo; seeking = false; }
  }
  return lines;
}

/** `yaml`, with positions: the exact line of every problem. */
export function parseYamlExact(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const errors: ManifestError[] = [];
  const { LineCounter, parseAllDocuments } = yaml();
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const raws: Raw[] = [];
  const docs: (Yaml.Document | undefined)[] = [];
  if (!Array.isArray(documents)) {
    errors.push({ file, message: 'not a YAML stream' });
  } else {
    documents.forEach((doc, index) => {
      docs[index] = doc;
      const [first] = doc.errors;
      if (first !== undefined) {
        const line = lineCounter.linePos(first.pos[0]).line;
        errors.push({ file, line, message: `not valid YAML (document ${index + 1}): ${first.message.split('\n')[0] ?? ''}` });
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 1000 });
      } catch (error) {
        // An alias bomb ("Excessive alias count ..."): one error, never a throw.
        const line = doc.contents?.range === undefined ? undefined : lineCounter.linePos(doc.contents.range[0]).line;
        errors.push({ file, line, message: `not valid YAML (document ${index + 1}): ${(error as Error).message}` });
        return;
      }
      for (const raw of flatten(value, index)) raws.push(raw);
    });
  }
  const lineOf = (raw: Raw, path: readonly PropertyKey[]): number | undefined => {
    const doc = docs[raw.document];
    if (doc === undefined) return undefined;
    // The deepest node of the path that exists: a missing field points at its parent.
    const full = [...raw.base, ...path.filter((k): k is string | number => typeof k !== 'symbol')];
    for (let n = full.length; n >= 0; n--) {
      const node = doc.getIn(full.slice(0, n), true);
      if (isNode(node) && node.range !== undefined && node.range !== null) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return validate(raws, file, lineOf, errors, options);
}

/** Each object of the group, parsed with its kind's schema; what is refused becomes an error with its line. */
function validate(raws: readonly Raw[], file: string, lineOf: (raw: Raw, path: readonly PropertyKey[]) => number | undefined, errors: ManifestError[], options: LoadOptions): LoadResult {
  const objects: LoadedObject[] = [];
  for (const raw of raws) {
    if (!isObject(raw.value)) {
      if (raw.value !== null && raw.value !== undefined) errors.push({ file, line: lineOf(raw, []), message: `document ${raw.document + 1} is not an object` });
      continue;
    }
    const apiVersion = raw.value.apiVersion;
    const kind = raw.value.kind;
    if (typeof apiVersion !== 'string' || !apiVersion.startsWith(`${GROUP}/`)) continue; // another group: not ours
    const metadata = isObject(raw.value.metadata) ? raw.value.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '?';
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    const object = objectId(typeof kind === 'string' ? kind : '?', namespace, name);
    if (typeof kind !== 'string' || !Object.hasOwn(RESOURCE_SCHEMAS, kind)) {
      errors.push({ file, line: lineOf(raw, ['kind']), object, path: 'kind', message: `not a kind of ${GROUP}: ${JSON.stringify(kind)}` });
      continue;
    }
    const kindName = kind as KindName;
    // What the API server refuses before its schema (strict decoding), which zod would drop.
    const unknown = (UNKNOWN_FIELDS.get(kindName) ?? noUnknownFields)(raw.value);
    for (const path of unknown) {
      errors.push({ file, line: lineOf(raw, path), object, path: fieldPathText(path), message: `unknown field "${fieldPathText(path)}": the API server refuses it (strict decoding error)` });
    }
    const parsed = RESOURCE_SCHEMAS[kindName].safeParse(raw.value);
    if (!parsed.success) {
      const paths = fieldErrors(parsed.error);
      parsed.error.issues.forEach((issue, i) => {
        // A field that is not there: the API server's words.
        const message = valueAt(raw.value, issue.path) === undefined ? 'Required value' : shortPattern(paths[i]?.message ?? issue.message);
        errors.push({ file, line: lineOf(raw, issue.path), object, path: paths[i]?.path, message });
      });
      continue;
    }
    if (unknown.length > 0) continue;
    // The CRD's CEL rules, on the object with its defaults (as the API server stores it).
    const broken = (CEL_RULES.get(kindName) ?? noRules)(parsed.data);
    for (const v of broken) errors.push({ file, line: lineOf(raw, v.path), object, path: fieldPathText(v.path), message: v.message });
    if (broken.length > 0) continue;
    const conversion = SELF_CONVERSIONS[kindName]?.(parsed.data as never);
    if (conversion !== undefined && !conversion.ok) {
      for (const e of conversion.errors) errors.push({ file, line: lineOf(raw, pathSegments(e.path)), object, path: e.path, message: e.message });
      continue;
    }
    objects.push({ file, document: raw.document, item: raw.item, line: lineOf(raw, []), kind: kindName, namespace, name, resource: parsed.data, raw: options.raw === false ? undefined : raw.value });
  }
  return { objects, errors };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || typeof key === 'symbol') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** zod quotes the whole regular expression; past a readable length, say only that the format is wrong. */
function shortPattern(message: string): string {
  const match = /^(.*)must match pattern \/(.*)\/$/s.exec(message);
  return match !== null && (match[2] ?? '').length > 80 ? `${match[1] ?? ''}does not match the expected format` : message;
}

function isNode(node: unknown): node is { range?: [number, number, number] | null } {
  return typeof node === 'object' && node !== null && 'range' in node;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A List (`kind: List` or `<Kind>List`, with `items`) becomes its items; anything else stays as is. */
function flatten(value: unknown, document: number): Raw[] {
  if (isObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    return value.items.map((item: unknown, i) => ({ value: item, document, item: i, base: ['items', i] }));
  }
  return [{ value, document, base: [] }];
}

/** The same object defined twice: the second definition is an error naming the first. */
function duplicates(objects: readonly LoadedObject[]): ManifestError[] {
  const seen = new Map<string, LoadedObject>();
  const errors: ManifestError[] = [];
  for (const o of objects) {
    const id = objectId(o.kind, o.namespace, o.name);
    const first = seen.get(id);
    if (first === undefined) seen.set(id, o);
    else errors.push({ file: o.file, line: o.line, object: id, path: 'metadata.name', message: `defined twice (first in ${first.file}${first.line === undefined ? '' : `:${first.line}`})` });
  }
  return errors;
}
