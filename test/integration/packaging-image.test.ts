// The container image (Dockerfile), read as text, and what it copies and runs: `npm run build`
// (tsc with tsconfig.build.json) into a temporary directory laid out like the image's /app
// (dist/, node_modules/, package.json), then `node dist/cli/program.js --help`, the image's entry
// point. The image itself is built with buildah and run with podman by the `image` project
// (test/image, a step of .ci/run after `npm test`): it needs root and minutes.
// Also: the install docs' GitOps health checks cover every kind of crds/.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readCrds } from '../controlplane/crds.ts';
import { root } from './packaging-support.ts';

const run = promisify(execFile);
const app = mkdtempSync(join(tmpdir(), 'mao-image-'));

afterAll(() => {
  rmSync(app, { recursive: true, force: true });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  // One entry per instruction: continuation lines joined, comments dropped.
  const instructions = dockerfile.replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));

  it('is multi-stage on Node 24, installs production dependencies only in the final stage, runs as uid 65532 with no shell', () => {
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=gcr\.io\/distroless\/nodejs24-debian12:nonroot$/m);
    expect(instructions.some((l) => /^RUN .*\bnpm ci --omit=dev\b/.test(l))).toBe(true);
    expect(instructions.some((l) => /^RUN npm run build$/.test(l))).toBe(true);
    const final = instructions.slice(instructions.findLastIndex((l) => l.startsWith('FROM ')));
    expect(final.filter((l) => l.startsWith('RUN '))).toEqual([]); // distroless: nothing to run, no shell
    expect(final).toContain('USER 65532:65532');
    expect(final.filter((l) => /^ENTRYPOINT \["\/nodejs\/bin\/node", ("--[a-z-]+=\d+", )*"dist\/cli\/program\.js"\]$/.test(l))).toHaveLength(1);
    expect(final).toContain('CMD ["run"]');
    // The OCI labels of what is built, from build arguments (test/image/build.sh passes them).
    for (const [label, arg] of [['source', 'SOURCE'], ['version', 'VERSION'], ['revision', 'REVISION']]) {
      expect(final.some((l) => l.startsWith(`ARG ${arg}`)), `ARG ${arg}`).toBe(true);
      expect(final.find((l) => l.startsWith('LABEL '))).toContain(`org.opencontainers.image.${label}="\${${arg}}"`);
    }
    expect(final.some((l) => l.includes('--from=deps') && l.includes('sbom.cdx.json ./sbom.cdx.json'))).toBe(true);
    expect(final.some((l) => l.includes('--from=deps') && l.includes('node_modules'))).toBe(true);
    expect(final.some((l) => l.includes('--from=build') && l.includes('/src/dist'))).toBe(true);
  });

  it('gives npm the CA bundle as a build secret in every npm ci step, and copies no CA or .npmrc into a layer', () => {
    const installs = instructions.filter((l) => /\bnpm ci\b/.test(l));
    expect(installs).toHaveLength(2);
    for (const l of installs) {
      expect(l).toMatch(/^RUN --mount=type=secret,id=ca /);
      expect(l).toContain('NODE_EXTRA_CA_CERTS=/run/secrets/ca');
    }
    expect(instructions.filter((l) => /^(COPY|ADD)\b.*(\.crt|\.pem|npmrc|secrets)/.test(l))).toEqual([]);
    expect(instructions.filter((l) => /^(ENV|ARG)\b.*(NODE_EXTRA_CA_CERTS|CAFILE)/i.test(l))).toEqual([]);
  });

  it('builds dist/ with npm run build, and node dist/cli/program.js --help runs (the image entry point)', async () => {
    await run('npm', ['run', 'build', '--', '--outDir', join(app, 'dist')], { cwd: root, maxBuffer: 1 << 24 }).catch((error: unknown) => {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`npm run build failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    });
    expect(existsSync(join(app, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'dist', 'main.test.js'))).toBe(false);
    // The image's /app: package.json (type: module) and node_modules beside dist/.
    copyFileSync(join(root, 'package.json'), join(app, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'), 'dir');
    // dist/cli/program.js must run main() when it is the entry point (import.meta.main), as in the image.
    const { stdout } = await run(process.execPath, ['dist/cli/program.js', '--help'], { cwd: app });
    expect(stdout, 'node dist/cli/program.js --help printed no usage: does src/cli/program.ts call main() when run directly?').toMatch(/^Usage: managedapps/m);
    expect(stdout).toMatch(/\brun\b/);
  }, 300_000);

  it('keeps tests, sources other than src/, and local state out of the build context (.dockerignore)', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore).toEqual(expect.arrayContaining(['!package.json', '!package-lock.json', '!src/', '!crds/', 'src/**/*.test.ts']));
    for (const l of instructions.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      for (const path of l.replace(/--chown=\S+/, '').split(/\s+/).slice(1, -1)) {
        expect(ignore, `COPY ${path} is let through .dockerignore`).toContain(`!${path.replace(/\/?$/, path.includes('.') ? '' : '/')}`);
      }
    }
  });
});

describe('docs/install.md', () => {
  const doc = readFileSync(join(root, 'docs', 'install.md'), 'utf8');
  const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const kinds = readCrds(join(root, 'crds')).map((c) => (c.spec as { names: { kind: string } }).names.kind).sort();

  it('has an Argo CD health check reading Ready for every kind of crds/', () => {
    const cm = yamlBlocks.flatMap((b) => parseAllDocuments(b).map((d) => d.toJS({ maxAliasCount: 100 }) as { kind?: string; data?: Record<string, string> }))
      .find((o) => o.kind === 'ConfigMap');
    const keys = Object.keys(cm?.data ?? {}).filter((k) => k.startsWith('resource.customizations.health.managedapps.dev_'));
    expect(keys.map((k) => k.slice('resource.customizations.health.managedapps.dev_'.length)).sort()).toEqual(kinds);
    for (const k of keys) expect(cm?.data?.[k], k).toMatch(/c\.type == "Ready"/);
  });

  it('every YAML snippet parses', () => {
    expect(yamlBlocks.length).toBeGreaterThan(5);
    for (const b of yamlBlocks) for (const d of parseAllDocuments(b)) expect(d.errors, b.slice(0, 80)).toEqual([]);
  });
});
