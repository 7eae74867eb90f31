'use strict';
// Candidate: koffi, the way a careful koffi user binds the TIM C API.
// One callback registered once with koffi.register (never a throw-away callback per call);
// user_data carries a request id (an integer, never a JS object) looked up in a Map; the wrapper
// returns a Promise like TIMClient does and parses the JSON answer. koffi runs a callback that
// arrives on a foreign thread by queueing it to the JS thread, but that queue does not hold the
// event loop: without a handle of its own the process exits with calls in flight and the late
// callback crashes it (seen: SIGSEGV). So a ref'd timer is held while any call is pending.
const koffi = require('koffi');

async function setup({ library, dir }) {
  const lib = koffi.load(library);
  // user_data is declared intptr_t: the same register on every supported ABI as `const void*`,
  // and koffi hands it back as a plain number.
  const TIMCommCallback = koffi.proto(
    'void TIMCommCallback(int32_t code, const char *desc, const char *json_params, intptr_t user_data)',
  );
  const TIMSetConfig = lib.func('int TIMSetConfig(const char *json, TIMCommCallback *cb, intptr_t user_data)');
  const TIMInit = lib.func('int TIMInit(uint64_t sdk_app_id, const char *json_sdk_config)');
  const TIMUninit = lib.func('int TIMUninit(void)');
  const TIMGetSDKVersion = lib.func('const char *TIMGetSDKVersion(void)');
  const TIMGetUserStatus = lib.func(
    'int TIMGetUserStatus(const char *json, TIMCommCallback *cb, intptr_t user_data)',
  );

  const pending = new Map();
  let nextId = 1;
  const keepAlive = setInterval(() => {}, 1 << 30);
  keepAlive.unref();
  const onResult = koffi.register(
    (code, desc, json, id) => {
      const request = pending.get(id);
      if (!request) return;
      pending.delete(id);
      if (pending.size === 0) keepAlive.unref();
      if (code === 0) request.resolve(JSON.parse(json || '[]'));
      else request.reject(Object.assign(new Error(desc || `TIM error ${code}`), { code, desc }));
    },
    koffi.pointer(TIMCommCallback),
  );

  function getUserStatus(ids) {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      if (pending.size === 0) keepAlive.ref();
      pending.set(id, { resolve, reject });
      const rc = TIMGetUserStatus(JSON.stringify(ids), onResult, id);
      if (rc !== 0) {
        pending.delete(id);
        if (pending.size === 0) keepAlive.unref();
        reject(Object.assign(new Error(`TIMGetUserStatus returned ${rc}`), { code: rc }));
      }
    });
  }

  TIMSetConfig(JSON.stringify({ set_config_is_log_output_console: false }), null, 0);
  const rc = TIMInit(1400000001, JSON.stringify({ sdk_config_config_file_path: dir, sdk_config_log_file_path: dir }));
  if (rc !== 0) throw new Error(`TIMInit returned ${rc}`);

  return {
    sdkVersion: TIMGetSDKVersion(),
    call(done) {
      getUserStatus(['u1']).then(
        () => done(0),
        (err) => done(err.code),
      );
    },
    close() {
      TIMUninit();
      koffi.unregister(onResult);
      clearInterval(keepAlive);
    },
  };
}

module.exports = { setup };
