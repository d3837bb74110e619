#!/usr/bin/env node
// Launcher for the `managedapps` command (also installed as the kubectl plugin
// `kubectl-managedapps`). The operator needs Node >= 22.19 (@kubernetes/client-node 2 and
// undici 8). On an older Node it re-runs itself under the Node 24 that `npm install` brings in
// (the `node` devDependency), or stops with one line saying what to install.
import { spawn } from 'node:child_process';
import module from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const recentEnough = major > 22 || (major === 22 && minor >= 19);

if (!recentEnough) {
  const bundled = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bundled)) {
    console.error(`managedapps needs Node.js >= 22.19 (this is ${process.version}); install Node 24 LTS, or run 'npm install' here to get it.`);
    process.exit(1);
  }
  // Forward signals so that the child (the real command) shuts down gracefully and nothing is orphaned.
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? (signal ? 128 : 1))));
  process.exit(code);
}

// V8's code cache on disk (Node's module compile cache, in the OS temp folder unless
// NODE_COMPILE_CACHE names one): the second start of a command skips compiling what it loads.
module.enableCompileCache?.();

// In a checkout, run the TypeScript sources directly (Node strips the types); in the image or
// an installed package, the compiled dist/. The command line loads each command's code only
// when that command runs (src/cli/program.ts).
const source = join(root, 'src', 'cli', 'program.ts');
const built = join(root, 'dist', 'cli', 'program.js');
const entry = existsSync(source) && !root.includes(`${join('node_modules', '')}`) ? source : built;
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
