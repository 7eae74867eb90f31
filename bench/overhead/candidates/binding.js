'use strict';
// Candidate: tim-native's raw binding function, `sdk.TIMGetUserStatus(json, cb)`, with the same
// constant JSON as the raw C client and the callback `(code, desc, json)` delivered on the JS
// thread. No promise, no parsing: the shim's own cost.
const path = require('path');

const ROOT = path.join(__dirname, '..', '..', '..');
const JSON_IDS = '["u1"]';

async function setup({ library, dir }) {
  const addon = require('node-gyp-build')(ROOT);
  const sdk = addon.load(library);
  sdk.TIMSetConfig(JSON.stringify({ set_config_is_log_output_console: false }), null);
  const rc = sdk.TIMInit(1400000001n, JSON.stringify({ sdk_config_config_file_path: dir, sdk_config_log_file_path: dir }));
  if (rc !== 0) throw new Error(`TIMInit returned ${rc}`);
  return {
    sdkVersion: sdk.TIMGetSDKVersion(),
    call(done) {
      const r = sdk.TIMGetUserStatus(JSON_IDS, done);
      if (r !== 0) done(r);
    },
    close() {
      sdk.TIMUninit();
    },
  };
}

module.exports = { setup };
