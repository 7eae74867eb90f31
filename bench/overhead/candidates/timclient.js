'use strict';
// Candidate: tim-native's public API, `client.getUserStatus(['u1'])` on `new TIMClient({ sdkPath })`
// with default options (so at most 1000 calls reach the SDK at once; the rest wait in order).
// Every call rejects with TIMError 6014, whose stack (V8's async stack) is captured when it fails.
// Runs only in a benchmark child process that the runner starts under `unshare -n`.
const path = require('path');
const { DIST } = require('../../lib/machine');

/** A setup for `new TIMClient({ sdkPath, ...options })`. */
function setupWith(options) {
  return async function setup({ library, dir }) {
    const { TIMClient } = require(path.join(DIST, 'client.js'));
    const client = new TIMClient({ sdkPath: library, ...options });
    client.init(1400000001, { sdk_config_config_file_path: dir, sdk_config_log_file_path: dir });
    return {
      sdkVersion: client.sdkVersion,
      call(done) {
        client.getUserStatus(['u1']).then(
          () => done(0),
          (err) => done(err.code),
        );
      },
      close() {
        client.uninit();
      },
    };
  };
}

module.exports = { setup: setupWith({}), setupWith };
