'use strict';
// Candidate: `TIMClient.getUserStatus` with `callSiteStacks: false`, the one option that trades
// the call-site stack of a failed call's TIMError for speed. Otherwise the same as timclient.js.
// Runs only in a benchmark child process that the runner starts under `unshare -n`.
const { setupWith } = require('./timclient');

module.exports = { setup: setupWith({ callSiteStacks: false }) };
