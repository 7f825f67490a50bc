// The import direction of the whole repository, checked by `npm run lint:deps` (part of `npm test`), and mapped in
// support/README.md. Each rule says what a folder may NOT import; a new import against the direction fails the build.

/** The harness's folders, bottom up: each may import only the folders listed for it (and npm packages, node:). */
const harnessLayers = {
  'support/lib': [],
  'support/components': ['support/lib', 'src'],
  'support/mail': ['support/lib'],
  'support/drivers': ['support/lib', 'support/components', 'src'],
  'support/environments/native': ['support/lib', 'support/components'],
  'support/environments/containers': ['support/lib', 'support/components'],
  'support/environments/select-environment': ['support/lib', 'support/components', 'support/environments'],
  'support/service-tests': ['support/lib', 'support/components', 'support/environments/native', 'support/mail', 'src'],
  'support/stack': ['support/lib', 'support/components', 'support/environments', 'support/mail'],
  'support/specs': [
    'support/lib',
    'support/components',
    'support/environments/select-environment',
    'support/mail',
    'support/drivers',
    'support/stack',
    'src',
  ],
  'support/chaos': ['support/lib', 'support/components', 'support/mail', 'support/drivers', 'support/stack'],
  'support/commands': ['support', 'src'],
  bench: [
    'support/lib',
    'support/components',
    'support/environments/select-environment',
    'support/mail',
    'support/drivers',
    'support/stack',
    'src',
  ],
  'k8s/checks': ['support/lib', 'support/components', 'support/environments/containers', 'src'],
  steps: ['support/specs', 'support/drivers', 'support/mail', 'support/lib'],
};

const escapeRegExp = (path) => path.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const anyOf = (paths) => `^(${paths.map(escapeRegExp).join('|')})(/|\\.ts$)`;
const repositoryFolders = '^(src|support|steps|bench|k8s/checks)/';

const layerRules = Object.entries(harnessLayers).map(([layer, allowed]) => ({
  name: `${layer.replace(/\//g, '-')}-imports-only-below`,
  comment: `${layer} may import only ${allowed.length ? allowed.join(', ') : 'node: and npm packages'} (and itself)`,
  severity: 'error',
  from: { path: anyOf([layer]), pathNot: '\\.test\\.ts$' },
  to: { path: repositoryFolders, pathNot: anyOf([layer, ...allowed]) },
}));

/** The hexagon of each service: what each layer may not reach. */
const service = '^src/([^/]+)/';
const hexagonRules = [
  {
    name: 'entities-are-innermost',
    comment: 'entities import only entities (and src/shared)',
    from: { path: `${service}entities/`, pathNot: '\\.test\\.ts$' },
    to: { path: '^src/', pathNot: ['^src/$1/entities/', '^src/shared/'] },
  },
  {
    name: 'repositories-are-ports',
    comment: 'repositories (ports) import only entities',
    from: { path: `${service}repositories/` },
    to: { path: '^src/', pathNot: ['^src/$1/(entities|repositories)/', '^src/shared/'] },
  },
  {
    name: 'interactors-know-ports-not-adapters',
    comment: 'interactors import entities and repositories (ports), never an adapter or a transport',
    from: { path: `${service}interactors/`, pathNot: '\\.test\\.ts$' },
    to: { path: '^src/', pathNot: ['^src/$1/(entities|repositories|interactors)/', '^src/shared/'] },
  },
  {
    name: 'adapters-do-not-drive',
    comment:
      'data-sources (adapters) implement ports: they import entities and repositories, not interactors or transports',
    from: { path: `${service}data-sources/`, pathNot: '\\.test\\.ts$' },
    to: { path: '^src/', pathNot: ['^src/$1/(entities|repositories|data-sources)/', '^src/shared/'] },
  },
  {
    name: 'transports-drive-interactors',
    comment: 'transports call interactors; adapters are chosen by main.ts, not by a transport',
    from: { path: `${service}transport/`, pathNot: '\\.test\\.ts$' },
    to: { path: `${service}data-sources/` },
  },
  {
    name: 'services-are-apart',
    comment: 'one service never imports another; what they share lives in src/shared',
    from: { path: service },
    to: { path: '^src/', pathNot: ['^src/$1/', '^src/shared/'] },
  },
  {
    name: 'product-code-knows-no-harness',
    comment: 'src/ (tests aside) never imports the harness, the specs, the benchmark or the k8s checks',
    from: { path: '^src/', pathNot: '\\.test\\.ts$' },
    to: { path: '^(support|steps|bench|k8s)/' },
  },
  {
    name: 'inner-layers-know-no-framework',
    comment: 'entities, interactors and repositories import no framework or driver (Biome checks the same by name)',
    from: { path: `${service}(entities|interactors|repositories)/`, pathNot: '\\.test\\.ts$' },
    to: { path: 'node_modules/(hono|@hono|mysql2|kafkajs|nodemailer|pino|prom-client)/' },
  },
];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no import cycles', from: {}, to: { circular: true } },
    ...layerRules,
    ...hexagonRules.map((rule) => ({ severity: 'error', ...rule })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|reports|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
  },
};
