// linux-x64: zig for glibc 2.28, x86_64 (scripts/prebuilds/linux.js).
'use strict';
const linux = require('./linux');

module.exports = { targets: ['linux-x64'], build: linux.build };
