// Lint: typescript-eslint's strict type-checked rules, plus the import direction of docs/design.md §2:
// domain ← api ← controllers | webhooks | monitoring → runtime (the three siblings never import
// each other); runtime never imports domain; domain imports nothing from Kubernetes or I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const kubernetes = { group: ['@kubernetes/*'], message: 'src/domain is pure: no Kubernetes.' };
const io = {
  group: ['node:fs', 'node:fs/*', 'node:http', 'node:https', 'node:net', 'node:child_process', 'pino', 'prom-client'],
  message: 'src/domain is pure: no I/O, logging or metrics.',
};
const layer = (names, why) => ({ group: names.flatMap((n) => [`../${n}`, `../${n}/*`, `../../${n}`, `../../${n}/*`, `../../../${n}/*`]), message: why });

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.dev/', 'crds/', 'charts/', 'config/', 'docs/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // client-node's generated models are plain data classes (no behaviour, no private state):
      // object literals are how its own docs build them.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [kubernetes, io, layer(['api', 'runtime', 'controllers', 'webhooks', 'monitoring', 'metrics', 'cli'], 'src/domain imports nothing from the other layers.')] }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'src/domain never reads the clock: take `now` as a parameter.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/domain never reads the clock: take `now` as a parameter.' },
      ],
    },
  },
  {
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer(['runtime', 'controllers', 'webhooks', 'monitoring', 'metrics', 'cli'], 'src/api depends only on src/domain.')] }],
    },
  },
  {
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer(['domain', 'api', 'controllers', 'webhooks', 'monitoring', 'cli'], 'src/runtime is generic: it never imports the domain, the API or controllers.')] }],
    },
  },
  // controllers/, webhooks/ and monitoring/ are siblings: they share src/api and src/runtime,
  // never each other (issue 11), and only main.ts and the CLI wire things together.
  ...[
    ['controllers', ['webhooks', 'monitoring']],
    ['webhooks', ['controllers', 'monitoring']],
    ['monitoring', ['controllers', 'webhooks']],
  ].map(([own, siblings]) => ({
    files: [`src/${own}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        layer(['cli'], 'Only main.ts and the CLI wire things together.'),
        layer(siblings, `src/${own} never imports ${siblings.join(' or ')}: they share src/api and src/runtime, not each other.`),
      ] }],
    },
  })),
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
