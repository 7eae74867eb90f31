// Module init and the one export, load(). Node runs Init once per environment (main thread, each
// worker thread, Electron's main process); all state it creates belongs to that environment.
#include <napi.h>

#include <stdexcept>
#include <string>

#include "env_state.h"
#include "js_args.h"
#include "library.h"
#include "module_pin.h"
#include "sdk_object.h"

namespace tim {
namespace {

// JS thread. load(path?: string): RawSdk. Without a path: the embedded emulator.
Napi::Value Load(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Library* library = nullptr;
  if (info[0].IsUndefined()) {
    library = &Library::Embedded();
  } else {
    std::string path = StringArg(info, 0, "load", "path");
    if (path.empty()) throw Napi::TypeError::New(env, "load: path must not be empty");
    try {
      library = &Library::Open(path);
    } catch (const std::runtime_error& error) {
      throw Napi::Error::New(env, error.what());
    }
  }
  Session& session = EnvState::Of(env).SessionFor(*library);
  if (session.object.IsEmpty()) session.object = Napi::Persistent(NewRawSdk(env, session));
  return session.object.Value();
}

}  // namespace
}  // namespace tim

namespace {

// JS thread.
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Before anything can start a thread that runs our code: see module_pin.h.
  std::string error;
  if (!tim::PinModule(&error)) throw Napi::Error::New(env, "tim-native: " + error);
  tim::EnvState::Attach(env);
  exports.Set("load", Napi::Function::New<tim::Load>(env, "load"));
  return exports;
}

}  // namespace

NODE_API_MODULE(tim_native, Init)
