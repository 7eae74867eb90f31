'use strict';
// One whole Wine session for a child that may load a vendor library, run by the host's Node
// INSIDE the empty network namespace (test/helpers/runtime-win32-x64.ts starts it as
// `unshare -n -p -f --kill-child <node> wine-session.js ...`):
//
//   node wine-session.js <prefix template> <wine loader> <wineserver> <node.exe> <node argv...>
//
// 1. refuses to go on unless /proc/self/net/dev lists only `lo`: Wine creates every socket in
//    wineserver, so the server, not only node.exe, must be in this namespace;
// 2. makes a fresh prefix from the template (a new directory: its wineserver is a new one, started
//    here, never one from outside the namespace);
// 3. runs node.exe with this process's stdio (files: node.exe under Wine cannot use pipes);
// 4. stops the session's wineserver, removes the prefix and exits with node.exe's exit code.
// Being pid 1 of its own pid namespace, its death (even by SIGKILL) ends every process of the session.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REFUSED = 97;

function interfaces() {
  return fs
    .readFileSync('/proc/self/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0].trim())
    .filter((name) => name !== '');
}

/**
 * A hard-linked copy of the template (the Windows system files never change: the template's
 * folder is keyed by the Wine version, so Wine has no reason to update them), except the registry
 * files, which wineserver rewrites, copied for real.
 */
function freshPrefix(template) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tim-wine-isolated-'));
  const prefix = path.join(dir, 'prefix');
  const cp = spawnSync('cp', ['-a', '--link', template, prefix], { stdio: 'inherit' });
  if (cp.status !== 0) throw new Error(`cp -a --link ${template} ${prefix} failed`);
  for (const name of fs.readdirSync(prefix).filter((f) => f.endsWith('.reg'))) {
    const file = path.join(prefix, name);
    fs.rmSync(file);
    fs.copyFileSync(path.join(template, name), file);
  }
  return { dir, prefix };
}

function main() {
  const [template, wine, wineserver, nodeExe, ...nodeArgv] = process.argv.slice(2);
  const seen = interfaces();
  if (seen.length !== 1 || seen[0] !== 'lo') {
    process.stderr.write(`wine-session: refusing to start: the network namespace has ${seen.join(', ')}, not only lo\n`);
    process.exit(REFUSED);
  }
  const { dir, prefix } = freshPrefix(template);
  const env = { ...process.env, WINEPREFIX: prefix };
  const child = spawn(wine, [nodeExe, ...nodeArgv], { env, stdio: 'inherit' });
  const finish = (code) => {
    spawnSync(wineserver, ['-k'], { env, stdio: 'ignore' });
    spawnSync(wineserver, ['-w'], { env, stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  child.on('error', (err) => {
    process.stderr.write(`wine-session: ${wine} could not run: ${err.message}\n`);
    finish(1);
  });
  child.on('exit', (code, signal) => finish(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
}

main();
