/**
 * The README's code: every ```js and ```ts block is type-checked against the package's own
 * declarations, as a user's file importing 'tim-native' would be, and every block that is a whole
 * program is run and must exit 0 by itself. A block preceded by `<!-- readme-test: type-check
 * only (why) -->` is only type-checked. examples/ are compiled and run the same way.
 */
import { execFile, execFileSync } from 'child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { promisify } from 'util';

const ROOT = path.join(__dirname, '..');
/** Inside the repository, so that `import 'tim-native'` resolves to this package by its own name (package.json `exports`). */
const WORK = path.join(ROOT, 'build', 'readme-test');
const TSC = require.resolve('typescript/bin/tsc');

interface Block {
  /** README line of the opening fence. */
  line: number;
  lang: 'js' | 'ts';
  code: string;
  checkOnly: boolean;
}

function readmeBlocks(): Block[] {
  const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(js|ts)$/.exec(lines[i] as string);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    blocks.push({
      line: i + 1,
      lang: open[1] as 'js' | 'ts',
      code: lines.slice(i + 1, end).join('\n'),
      checkOnly: /^<!-- readme-test: type-check only \(.+\) -->$/.test(lines[i - 1] ?? ''),
    });
    i = end;
  }
  return blocks;
}

const blocks = readmeBlocks();
const fileOf = (b: Block): string => path.join(WORK, `readme-line-${b.line}.${b.lang === 'js' ? 'mjs' : 'mts'}`);

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  for (const b of blocks) writeFileSync(fileOf(b), `${b.code}\n`);
});
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

test('the README has the blocks this test expects to find', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  expect(blocks.filter((b) => !b.checkOnly).length).toBeGreaterThanOrEqual(2);
});

test('every README block type-checks against the package\'s declarations', () => {
  // A user's view of the package: 'tim-native' is dist/index.d.ts; Electron's few APIs come from
  // examples/electron.d.ts. JavaScript blocks are checked too (checkJs), as an editor would.
  writeFileSync(
    path.join(WORK, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        allowJs: true,
        checkJs: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        baseUrl: ROOT,
        paths: { 'tim-native': ['dist/index.d.ts'] },
      },
      files: [...blocks.map(fileOf), path.join(ROOT, 'examples', 'electron.d.ts')],
    }),
  );
  let output = '';
  try {
    execFileSync(process.execPath, [TSC, '-p', WORK], { encoding: 'utf8' });
  } catch (err) {
    output = (err as { stdout: string }).stdout;
  }
  expect(output).toBe('');
});

const runnable = blocks.filter((b) => !b.checkOnly && b.lang === 'js');
test.each(runnable.map((b) => [b.line, b] as const))('the README program at line %i runs and exits 0 by itself', async (_line, b) => {
  const { stdout } = await promisify(execFile)(process.execPath, [fileOf(b)], { cwd: WORK, timeout: 60_000 });
  expect(stdout).not.toBe('');
});

describe('examples/', () => {
  beforeAll(() => {
    // Into build/examples, inside the repository: their `import 'tim-native'` resolves to this package.
    execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.examples.json')], { encoding: 'utf8' });
  });

  test.each(['node-basic', 'rest-admin'])('%s compiles against the package and runs to exit 0', async (name) => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'build', 'examples', `${name}.js`)], {
      cwd: ROOT,
      timeout: 60_000,
    });
    expect(stdout).not.toBe('');
  });
});
