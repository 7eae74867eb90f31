'use strict';
// Candidate: as `timclient`, with `errorStacks: 'call-site'`: every call captures its synchronous
// call site when it is made. Runs only in a benchmark child process under `unshare -n`.
const { setupWith } = require('./timclient');

module.exports = { setup: setupWith({ errorStacks: 'call-site' }) };
