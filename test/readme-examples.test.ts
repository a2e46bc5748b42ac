// Every TypeScript example of the README type-checks against the library as it is (issue 14 item 8), so
// the documentation cannot drift from the API. Whole programs are checked as written; a fragment (no
// imports: it continues an example above it) gets every golden-go export and a `chart` in scope.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as golden from '../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { allExamples } = require('../scripts/readme-example.js');

const ROOT = path.join(__dirname, '..');
const examples: Array<{ line: number; code: string }> = allExamples(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), 'ts');
const PREAMBLE = `import { App, Chart } from 'cdk8s';\nimport { ${Object.keys(golden).join(', ')} } from 'golden-go';\ndeclare const app: App;\ndeclare const chart: Chart;\n`;

test('the README has TypeScript examples, whole programs and fragments', () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
  expect(examples.some((e) => !/^import /m.test(e.code))).toBe(true);
});

/** Type errors of each example, as `<file>: <message>`. */
function typeErrors(blocks: Array<{ line: number; code: string }>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-readme-'));
  const files = blocks.map((e) => {
    const file = path.join(dir, `readme-line-${e.line}.ts`);
    // Each file is a module of its own (`export {}`), so the examples' top-level names do not collide.
    fs.writeFileSync(file, `${/^import /m.test(e.code) ? '' : PREAMBLE}${e.code}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    skipLibCheck: true,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    baseUrl: ROOT,
    paths: { 'golden-go': ['src/index.ts'], 'golden-go/pulumi': ['src/pulumi/index.ts'], '*': ['node_modules/*'] },
  });
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

test('every TypeScript example of the README type-checks', () => {
  expect(typeErrors(examples)).toEqual([]);
});

test('the check catches an example that no longer fits the API (a misspelt prop, a wrong type)', () => {
  const broken = [{ line: 1, code: "new GoMicroservice(chart, 'orders', { image: ImageReference.parse('r/x@sha256:0'), memoryLimt: '1Gi' });\n" },
    { line: 2, code: "new HardenedGoImage(chart, 'image', { name: 42 });\n" }];
  expect(typeErrors(broken)).toEqual([expect.stringMatching(/^readme-line-1\.ts: .*'memoryLimt' does not exist/), expect.stringMatching(/^readme-line-2\.ts: Type 'number' is not assignable to type 'string'/)]);
});
