// The esbuild settings both bundles share, the CLI's (scripts/build.mjs) and the tests' (scripts/bundle-tests.mjs):
// TypeScript compiled as tsx and tsc compile it here, to ES modules for Node 20, code split at dynamic imports.
export const NODE_ESM = {
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Code split at dynamic imports: the CLI loads only what a command uses (the HTTP stack only for `serve`), and
  // test files that share a process share the chunks of the modules they both import.
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The registry views are .tsx components (hono/jsx), as tsconfig.json says for tsc and tsx.
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
};
