/**
 * The package as a user installs it: exactly the files `npm pack` ships, in a project's
 * node_modules beside tim-native's runtime dependencies and nothing else (no better-sqlite3, an
 * optional peer). There, node-gyp-build picks the prebuild, `TIMClient` talks to an emulator
 * running elsewhere, and starting an emulator fails with what to install.
 */
import { execFile, execFileSync } from 'child_process';
import { promisify } from 'util';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { startEmulator, type Emulator } from '../lib/emulator';
import { emulatorLibraryPath } from '../lib/binding';

const ROOT = path.join(__dirname, '..');
const TARGET = `${process.platform}-${process.arch}`;

interface PackEntry {
  path: string;
}

/** Installs the packed file list into `<project>/node_modules/tim-native`; returns that folder. */
function installPacked(project: string): string {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }),
  ) as Array<{ files: PackEntry[] }>;
  const pkgDir = path.join(project, 'node_modules', 'tim-native');
  for (const { path: file } of packed[0].files) {
    mkdirSync(path.dirname(path.join(pkgDir, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(pkgDir, file));
  }
  const prebuild = path.join(pkgDir, 'prebuilds', TARGET);
  if (!existsSync(prebuild)) {
    // Without `npm run prebuilds` the package would ship no binary for this platform: stand the
    // local build in for it, under the prebuild's name, so that what is tested is the lookup.
    mkdirSync(prebuild, { recursive: true });
    cpSync(path.join(ROOT, 'build', 'Release', 'tim_native.node'), path.join(prebuild, 'node.napi.node'));
    cpSync(emulatorLibraryPath(), path.join(prebuild, path.basename(emulatorLibraryPath())));
  }
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies)) {
    cpSync(path.join(ROOT, 'node_modules', dep), path.join(project, 'node_modules', dep), { recursive: true });
  }
  return pkgDir;
}

let project: string;
let emu: Emulator;
beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), 'tim-installed-'));
  installPacked(project);
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu?.close();
  rmSync(project, { recursive: true, force: true });
});

test('ships what a user needs: no tests, sources, source maps or build folders', () => {
  const files = (
    JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: PackEntry[] }>
  )[0].files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'binding.gyp']));
  expect(files.filter((f) => /^(test|lib|bench|fuzz|scripts|build|examples)\//.test(f) || /\.(js|ts)\.map$/.test(f))).toEqual([]);
});

test('without better-sqlite3: TIMClient works against an emulator elsewhere; startEmulator says what to install', async () => {
  const app = path.join(project, 'app.js');
  cpSync(path.join(__dirname, 'fixtures', 'installed-app.js'), app);
  // Asynchronously: the emulator answering the app runs in this process.
  const { stdout: out } = await promisify(execFile)(process.execPath, [app, emu.address, String(emu.sdkAppId), emu.genUserSig('alice')], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, TIM_NATIVE_BUILD_DIR: '' },
    timeout: 60_000,
  });
  const result = JSON.parse(out) as Record<string, unknown>;
  expect(result.root).toBe(path.join(project, 'node_modules', 'tim-native'));
  expect(result.emulatorLibrary).toBe(path.join('prebuilds', TARGET, path.basename(emulatorLibraryPath())));
  expect(result.startEmulator).toEqual({
    ok: false,
    code: 'ERR_TIM_EMULATOR_SQLITE',
    message: 'tim-native: the emulator stores its data with better-sqlite3, which is not installed: npm install better-sqlite3@^12',
  });
  expect(result.customStatus).toBe('installed without sqlite');
});

test('the installed CLI refuses to start an emulator without better-sqlite3, naming the package to install', () => {
  let stderr = '';
  let status = 0;
  try {
    execFileSync(process.execPath, [path.join(project, 'node_modules', 'tim-native', 'dist', 'cli', 'main.js'), 'emulator', '--port', '0'], {
      cwd: project,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
  } catch (err) {
    ({ stderr, status } = err as { stderr: string; status: number });
  }
  expect(status).toBe(1);
  expect(stderr).toContain('npm install better-sqlite3@^12');
});
