'use strict';
// Candidate: ffi-rs, called the way Tencent's im_electron_sdk@8.0.5906 calls it (read from its
// dist/main.js; this is our own re-statement, not its code). The library is opened once with
// `open({library, path})`; every API call is a fresh `load({...})` whose paramsType holds a new
// `funcConstructor({paramsType: [I32, String, String, String], retType: Void})` and whose
// paramsValue holds a new JS function for the TIMCommCallback and a user_data String (`""` when
// none); the call is wrapped in a Promise that resolves or rejects from that callback with
// `{code, desc, json_param, user_data}` (json parsed on success) and rejects at once when the
// synchronous result is not 0. TIMInit takes the SDKAppID as I64. No runInNewThread, no
// createPointer for these calls (im_electron_sdk uses createPointer/unwrapPointer only for its
// permanent message listener).
const { open, load, DataType, funcConstructor } = require('ffi-rs');

// Runs only in a benchmark child process that the runner starts under `unshare -n`.
const LIBRARY = 'libImSDK';

// How many callbacks handed back a user_data other than the "" passed in (ffi-rs frees the
// parameter strings when `load` returns, so the SDK later hands back a dangling pointer).
let userDataGarbled = 0;

function commCallbackType() {
  return funcConstructor({ paramsType: [DataType.I32, DataType.String, DataType.String, DataType.String], retType: DataType.Void });
}

function TIMSetConfig({ json_config, user_data }) {
  return new Promise((resolve, reject) => {
    const r = load({
      library: LIBRARY,
      funcName: 'TIMSetConfig',
      retType: DataType.I32,
      paramsType: [DataType.String, commCallbackType(), DataType.String],
      paramsValue: [
        JSON.stringify(json_config),
        (...args) => {
          const [code, desc, json_param, ud] = args;
          (code === 0 ? resolve : reject)({ code, desc, json_param, user_data: ud });
        },
        user_data ?? '',
      ],
    });
    if (r !== 0) reject({ code: r });
  });
}

function TIMGetUserStatus({ id_array, user_data }) {
  return new Promise((resolve, reject) => {
    const r = load({
      library: LIBRARY,
      funcName: 'TIMGetUserStatus',
      retType: DataType.I32,
      paramsType: [DataType.String, commCallbackType(), DataType.String],
      paramsValue: [
        JSON.stringify(id_array),
        (...args) => {
          const [code, desc, json, ud] = args;
          if (ud !== '') userDataGarbled++;
          if (code === 0) {
            let parsed;
            try {
              parsed = JSON.parse(json.trim().length > 0 ? json.trim() : '[]');
            } catch {
              parsed = [];
            }
            resolve({ code, desc, json_param: parsed, user_data: ud });
          } else {
            reject({ code, desc, json_param: json, user_data: ud });
          }
        },
        user_data ?? '',
      ],
    });
    if (r !== 0) reject({ code: r });
  });
}

async function setup({ library, dir }) {
  open({ library: LIBRARY, path: library });
  // im_electron_sdk does not wait for TIMSetConfig's callback; neither do we (it must precede TIMInit).
  TIMSetConfig({ json_config: { set_config_is_log_output_console: false } }).catch(() => {});
  const rc = load({
    library: LIBRARY,
    funcName: 'TIMInit',
    retType: DataType.I32,
    paramsType: [DataType.I64, DataType.String],
    paramsValue: [1400000001, JSON.stringify({ sdk_config_config_file_path: dir, sdk_config_log_file_path: dir })],
  });
  if (rc !== 0) throw new Error(`TIMInit returned ${rc}`);
  const sdkVersion = load({ library: LIBRARY, funcName: 'TIMGetSDKVersion', retType: DataType.String, paramsType: [], paramsValue: [] });
  return {
    sdkVersion,
    call(done) {
      TIMGetUserStatus({ id_array: ['u1'] }).then(
        () => done(0),
        (err) => done(err.code),
      );
    },
    observations: () => ({ userDataGarbled }),
    close() {
      load({ library: LIBRARY, funcName: 'TIMUninit', retType: DataType.I32, paramsType: [], paramsValue: [] });
    },
  };
}

module.exports = { setup };
