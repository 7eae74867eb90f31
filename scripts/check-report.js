// What scripts/check-elf.js and scripts/check-macho.js share: run a prebuild folder's checks and
// print one line per file, `ok <file>` or `FAIL <file>` with its problems indented below; exit 1
// when any file failed. The test suites read these lines.
'use strict';
const path = require('path');

/** Checks each folder with `checkPrebuild(dir)` (a list of `{ file, problems }`) and reports. */
function reportChecks(dirs, checkPrebuild) {
  let failed = 0;
  for (const dir of dirs) {
    for (const { file, problems } of checkPrebuild(path.resolve(dir))) {
      const name = path.relative(process.cwd(), file);
      if (problems.length === 0) {
        console.log(`ok ${name}`);
      } else {
        failed++;
        console.log(`FAIL ${name}`);
        for (const p of problems) console.log(`  - ${p}`);
      }
    }
  }
  if (failed > 0) process.exit(1);
}

module.exports = { reportChecks };
