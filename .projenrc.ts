import { cdk8s, DependencyType, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'golden-go',
  description: 'Hardened Dockerfiles and Kubernetes manifests for Go microservices, with the golden checklist applied by default.',
  author: 'golden-go maintainers',
  authorAddress: 'maintainers@golden-go.dev',
  repositoryUrl: 'https://github.com/golden-go/golden-go.git',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  license: 'Apache-2.0',
  stability: 'experimental',
  keywords: ['cdk8s', 'go', 'golang', 'kubernetes', 'dockerfile', 'distroless', 'security'],

  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.3',
  packageManager: javascript.NodePackageManager.NPM,
  // cdk8s apps in Python and Go use golden-go through jsii.
  publishToPypi: { distName: 'golden-go', module: 'golden_go' },
  publishToGo: { moduleName: 'github.com/golden-go/golden-go-go' },
  // Node 20 reached end of life in April 2026; @pulumi/pulumi 3.2xx requires Node >= 22.
  minNodeVersion: '22.0.0',

  // Parses the YAML that `golden-go audit` reads; bundled because it is not a jsii module.
  bundledDeps: ['yaml@^2.9.1'],
  // Pulumi is not a jsii module: the `golden-go/pulumi` entry point lives outside the jsii assembly and
  // its users install these themselves (see README).
  // ajv + ajv-draft-04: tests validate SARIF output against the OASIS SARIF 2.1.0 schema (draft-04).
  devDeps: ['ts-node@^10.9.2', '@types/node@^22', '@pulumi/pulumi@^3.270.0', '@pulumi/docker@^5.2.0', '@pulumi/kubernetes@^4.34.2', 'ajv@^8', 'ajv-draft-04@^1'],
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'projenrc', 'bench'] },

  sampleCode: false,
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  jestOptions: {
    // jest 30 resolves through unrs-resolver (see the note on the eslint resolver below).
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      // The container suite runs on its own (`npm run test:e2e`): it needs podman and takes minutes.
      testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
    },
  },
  // .golden-go/report is where Checklist.writeReport writes by default.
  gitignore: ['/dist/', '/.e2e/', '/bench/out/', '/.golden-go/'],
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/bench/', '/.ci/', '/scripts/'] },
});

// `golden-go/pulumi`: plain TypeScript next to the jsii assembly (Pulumi types are not jsii types).
project.package.addField('exports', {
  '.': './lib/index.js',
  './pulumi': './lib/pulumi/index.js',
  './package.json': './package.json',
});
project.package.addField('typesVersions', { '*': { pulumi: ['lib/pulumi/index.d.ts'] } });

// `npx golden-go audit <paths…>`
project.addBins({ 'golden-go': 'lib/cli/cli.js' });

// `npm run example`: synthesize every example into dist/.
project.addTask('example', {
  description: 'Synthesize the examples into dist/',
  exec: 'ts-node --project examples/tsconfig.json examples/synth.ts',
});

// `npm run test:e2e`: the container end-to-end suite (needs scripts/setup-containers.sh first).
project.addTask('test:e2e', {
  description: 'Container end-to-end suite: builds and runs the example image with buildah/podman',
  exec: 'jest --ci --runInBand --coverage=false --testPathIgnorePatterns /node_modules/ --testMatch "<rootDir>/test/e2e/**/*.e2e.test.ts"',
  receiveArgs: true,
});

// `npm run bench [-- --check]`: the synth benchmark against plain cdk8s-plus-27 (bench/README.md).
project.addTask('bench', {
  description: 'Synth benchmark: GoMicroservice vs plain cdk8s-plus-27 at N=50 and 500 (--check fails on a missed target)',
  exec: 'ts-node --transpile-only --project bench/tsconfig.json bench/synth/driver.ts',
  receiveArgs: true,
});

// The eslint component adds this resolver unpinned; 3.6 resolves with enhanced-resolve. Later versions
// (like jest 30) pull unrs-resolver, whose per-platform optional bindings npm >= 11.16 leaves out of
// the lockfile and then reports missing in `npm ci` (npm/cli#9846).
project.deps.addDependency('eslint-import-resolver-typescript@~3.6.3', DependencyType.BUILD);

// Layers (src/<layer>/index.ts says what each owns): a higher layer may import a lower one, never the
// reverse, and nothing may form an import cycle. Order from the top: pulumi, cli, service, policy,
// image, publish, checklist, core.
const LAYERS = ['pulumi', 'cli', 'service', 'policy', 'image', 'publish', 'checklist', 'core'];
project.eslint?.addRules({
  'import/no-cycle': ['error', { ignoreExternal: true }],
  'import/no-restricted-paths': ['error', {
    zones: LAYERS.slice(1).map((layer, i) => ({
      target: `./src/${layer}`,
      from: LAYERS.slice(0, i + 1).map((above) => `./src/${above}`),
      message: `src/${layer} is below ${LAYERS.slice(0, i + 1).join(', ')}: pass it a model instead of importing upwards`,
    })),
  }],
});

project.synth();
