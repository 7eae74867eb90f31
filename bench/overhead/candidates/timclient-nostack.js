'use strict';
// Candidate: as `timclient`, with `errorStacks: 'none'`: a failed call's TIMError gets no stack
// frames, so nothing is captured at all. Runs only in a benchmark child process under `unshare -n`.
const { setupWith } = require('./timclient');

module.exports = { setup: setupWith({ errorStacks: 'none' }) };
