// A Secret volume as the kubelet lays it out and updates it (its AtomicWriter): the files live in
// a timestamped hidden directory, `..data` is a symlink to it, and each key (`tls.crt`) is a
// symlink to `..data/<key>`; an update writes a new directory, points `..data_tmp` at it, renames
// that over `..data` (one atomic rename) and removes the old directory. cert-manager's Secret
// reaches a pod this way, so the certificate reloader is tested against exactly this.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class SecretVolume {
  readonly dir = mkdtempSync(join(tmpdir(), 'mao-secret-volume-'));
  #version = 0;
  #current: string | undefined;

  constructor(files: Readonly<Record<string, string>>) {
    this.write(files);
    for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(this.dir, name));
  }

  /** The kubelet's update: a new directory, `..data_tmp` renamed over `..data`, the old directory removed. */
  write(files: Readonly<Record<string, string>>): void {
    const version = `..2026_12_02_05_00_${String(this.#version++).padStart(2, '0')}.000000000`;
    mkdirSync(join(this.dir, version));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(this.dir, version, name), content, { mode: 0o600 });
    symlinkSync(version, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (this.#current !== undefined) rmSync(join(this.dir, this.#current), { recursive: true });
    this.#current = version;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The files of a kubernetes.io/tls Secret. */
export function tlsFiles(pair: { readonly cert: string; readonly key: string }, caPem?: string): Record<string, string> {
  return { 'tls.crt': pair.cert, 'tls.key': pair.key, ...(caPem === undefined ? {} : { 'ca.crt': caPem }) };
}
