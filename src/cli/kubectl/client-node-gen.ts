// What client-node's KubeConfig module (dist/config.js) imports from the generated API
// (dist/gen/index.js, some 850 modules: every model and API class), and nothing else of it.
// kubeconfig.ts maps that one import here in the CLI's process: the very same bindings, from the
// same modules, so KubeConfig behaves as it would; kubeconfig.test.ts checks the list against
// config.js's import line, so that a client-node upgrade that needs more fails a test.
export { createConfiguration } from '@kubernetes/client-node/dist/gen/configuration.js';
export { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
