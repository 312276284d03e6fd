/**
 * The layer rules of the README's architecture, checked by `npm test`
 * (`depcruise`, scripts/test.sh). A workspace is packages/<name> or
 * apps/<name>; its public face is src/index.ts (and src/testing/index.ts,
 * stand-ins for other workspaces' tests). The layer rules bind src/, what
 * ships; tests may use any package through its index (an SDK test runs the
 * real server).
 *
 * Imports that broke a rule when it was written are listed in
 * .dependency-cruiser-known-violations.json and reported as known, not
 * failed; any new one fails. Fixing one means regenerating that file:
 *   npx depcruise-baseline apps packages test scripts bench chaos --config .dependency-cruiser.cjs \
 *     --output-to .dependency-cruiser-known-violations.json
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and the layers meaningless.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-depends-on-nothing-internal',
      severity: 'error',
      comment: 'packages/core (domain, ports, queue contract, config, logging) is the bottom layer.',
      from: { path: '^packages/core/src/' },
      to: { path: '^(packages|apps)/', pathNot: '^packages/core/' },
    },
    {
      name: 'adapters-depend-only-on-core',
      severity: 'error',
      comment: "The storage and embedding adapters implement core's ports and know nothing else of ours.",
      from: { path: '^packages/(storage|embeddings)/src/' },
      to: { path: '^(packages|apps)/', pathNot: '^packages/($1|core)/' },
    },
    {
      name: 'pipeline-depends-on-core-ports',
      severity: 'error',
      comment: 'The pipeline talks to the ports in core, never to an adapter, an app or the SDK.',
      from: { path: '^packages/pipeline/src/' },
      to: { path: '^(packages|apps)/', pathNot: '^packages/(pipeline|core)/' },
    },
    {
      name: 'apps-do-not-import-each-other',
      severity: 'error',
      comment: 'The API and the worker share code through packages/ only, and deploy separately.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'sdk-imports-no-server-package',
      severity: 'error',
      comment: 'The SDK is published alone: it can depend on nothing of the server.',
      from: { path: '^packages/sdk/src/' },
      to: { path: '^(packages|apps)/', pathNot: '^packages/sdk/' },
    },
    {
      name: 'api-routes-import-no-storage-adapter',
      severity: 'error',
      comment: 'Routes get their stores injected (createApp); they may name storage types, not construct adapters.',
      from: { path: '^apps/api/src/routes/' },
      to: { path: '^packages/storage/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-internals-of-another-workspace',
      severity: 'error',
      comment: 'Another workspace is used through its index; its other files may change freely.',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^packages/', pathNot: '^packages/($2/|[^/]+/src/(index|testing/index)\\.ts$)' },
    },
    {
      name: 'test-stand-ins-only-in-tests',
      severity: 'error',
      comment: "A package's src/testing (stand-in servers) is for tests, never shipped code of another workspace.",
      from: { path: '^(packages|apps)/([^/]+)/src/' },
      to: { path: '^packages/[^/]+/src/testing/', pathNot: '^packages/$2/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/|^\\.local/|^\\.venv/' },
    // Type-only imports are dependencies too (they tie the layers as much as values do).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
