// client-node's KubeConfig for the kubectl plugin, without client-node's generated API (issue 17).
//
// client-node 2 has a single entry point, and its KubeConfig module imports the generated API
// (dist/gen/index.js: every model and API class, some 850 modules, half a second of start-up)
// only to build API clients (makeApiClient), which the plugin never does: it reads a kubeconfig,
// authenticates requests and sends them with client-node's own transport (src/runtime/kube.ts).
// So before KubeConfig is first loaded, a resolve hook (node:module registerHooks, in this
// thread, synchronous) maps that one import, from dist/config.js only, to client-node-gen.ts,
// which re-exports the two bindings config.js takes from it. Any other import of client-node,
// the operator's included, resolves as usual; in a process that already loaded the entry point,
// KubeConfig is that very class.
import module from 'node:module';
import type { KubeConfig } from '@kubernetes/client-node';

const GENERATED_API = '/@kubernetes/client-node/dist/gen/index.js';
const CONFIG_MODULE = '/@kubernetes/client-node/dist/config.js';

/** The shim beside this file: client-node-gen.ts in a checkout, client-node-gen.js compiled. */
const shim = new URL(`./client-node-gen${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

let hooked = false;

/** KubeConfig, loaded without the generated API (see the header). */
export async function kubeConfigClass(): Promise<typeof KubeConfig> {
  if (!hooked) {
    hooked = true;
    module.registerHooks({
      resolve(specifier, context, nextResolve) {
        const resolved = nextResolve(specifier, context);
        if (resolved.url.endsWith(GENERATED_API) && context.parentURL?.endsWith(CONFIG_MODULE) === true) return { url: shim, shortCircuit: true };
        return resolved;
      },
    });
  }
  const config = await import('@kubernetes/client-node/dist/config.js');
  return config.KubeConfig;
}
