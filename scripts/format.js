#!/usr/bin/env node
// `npm run format` rewrites the C++ sources (native/, fuzz/native/) in the style of .clang-format;
// `npm run format:check` (CI) changes nothing and fails, naming the files, when one is not in it.
// Needs clang-format (Debian: clang-format-14; CI installs it).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const DIRS = ['native', path.join('fuzz', 'native')];

function cppFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...cppFiles(rel));
    else if (/\.(cc|h)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

function clangFormat() {
  for (const name of ['clang-format-14', 'clang-format']) {
    if (spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0) return name;
  }
  throw new Error('clang-format is not installed (Debian: apt-get install clang-format-14)');
}

try {
  const check = process.argv.includes('--check');
  const files = DIRS.flatMap(cppFiles).sort();
  const args = check ? ['--dry-run', '-Werror', ...files] : ['-i', ...files];
  const r = spawnSync(clangFormat(), args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    const bad = [...new Set((r.stderr.match(/^[^:\n]+(?=:\d+:\d+: error)/gm) ?? []))];
    console.error(`format: ${bad.length} C++ file(s) differ from .clang-format (run \`npm run format\`):\n  ${bad.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`format: ${files.length} C++ files ${check ? 'follow' : 'now follow'} .clang-format`);
} catch (err) {
  console.error(`format: ${err.message}`);
  process.exit(1);
}
