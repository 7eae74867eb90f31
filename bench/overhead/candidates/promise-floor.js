'use strict';
// Candidate: the least any promise API over the raw binding can do, to show what a promise per
// call costs by itself: `getUserStatus(ids)` = JSON.stringify, one promise, the raw binding call
// with a closure that resolves with JSON.parse(answer) or rejects with an Error subclass carrying
// the code and no stack. No validation, no queue (every call goes straight to the SDK), no
// timeouts, no uninit handling. Runs only in a benchmark child process under `unshare -n`.
const path = require('path');

const ROOT = path.join(__dirname, '..', '..', '..');

class CallError extends Error {
  constructor(code, desc) {
    super(desc);
    this.code = code;
  }
}

function stacklessError(code, desc) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CallError(code, desc);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

async function setup({ library, dir }) {
  const sdk = require('node-gyp-build')(ROOT).load(library);
  sdk.TIMSetConfig(JSON.stringify({ set_config_is_log_output_console: false }), null);
  const rc = sdk.TIMInit(1400000001n, JSON.stringify({ sdk_config_config_file_path: dir, sdk_config_log_file_path: dir }));
  if (rc !== 0) throw new Error(`TIMInit returned ${rc}`);
  function getUserStatus(ids) {
    const json = JSON.stringify(ids);
    return new Promise((resolve, reject) => {
      const result = sdk.TIMGetUserStatus(json, (code, desc, answer) => {
        if (code === 0) resolve(JSON.parse(answer));
        else reject(stacklessError(code, desc));
      });
      if (result !== 0) reject(stacklessError(result, ''));
    });
  }
  return {
    sdkVersion: sdk.TIMGetSDKVersion(),
    call(done) {
      getUserStatus(['u1']).then(
        () => done(0),
        (err) => done(err.code),
      );
    },
    close() {
      sdk.TIMUninit();
    },
  };
}

module.exports = { setup };
