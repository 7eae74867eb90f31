// A TIM C library loaded into the process: Tencent's SDK or our emulator, loaded by path, or the
// emulator compiled into the addon. Process-wide and shared by every JS environment; never
// unloaded, because SDK threads may run until the process ends.
//
// Besides the function table it keeps the process-wide facts of the C SDK: which environment
// initialised it (the SDK is one per process) and which route each C listener slot points at.
#ifndef TIM_NATIVE_SHIM_LIBRARY_H_
#define TIM_NATIVE_SHIM_LIBRARY_H_

#include <array>
#include <cstdint>
#include <mutex>
#include <string>

#include "event.h"
#include "tim_api_table.h"

namespace tim {

class Library {
 public:
  // Any JS thread. Loads the library at `path` once per process (later calls, from any environment,
  // return the same Library). Throws std::runtime_error with the loader's message, or naming every
  // missing TIM symbol (the library is then not registered).
  static Library& Open(const std::string& path);
  // Any JS thread. The emulator compiled into the addon.
  static Library& Embedded();

  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  // Resolved absolute path, or "embedded-emulator".
  const std::string& path() const { return path_; }
  const TimApiTable& api() const { return api_; }

  // JS thread of environment `env`. Calls TIMInit and, on success, records `env` as the owner.
  // Returns false without calling C when another environment owns the SDK.
  bool Init(uint64_t env, uint64_t sdk_app_id, const char* json_sdk_config, int* result);
  // JS thread of environment `env`. Calls TIMUninit and, on success, clears the owner. Returns
  // false without calling C when another environment owns the SDK.
  bool Uninit(uint64_t env, int* result);
  // JS thread, teardown of environment `env`: TIMUninit if `env` still owns the SDK, so that the
  // process stays healthy and another environment can initialise it later.
  void UninitIfOwnedBy(uint64_t env);

  // JS thread. Points C listener slot `kind` at `route` (0 removes it) and returns the route it
  // pointed at before (0 if none), whichever environment that belonged to.
  uintptr_t SetListener(ListenerKind kind, uintptr_t route);
  // JS thread. Removes the C listener of slot `kind` only while it still points at `route`.
  void RemoveListener(ListenerKind kind, uintptr_t route);

 private:
  Library(std::string path, const TimApiTable& api);

  const std::string path_;
  const TimApiTable api_;
  std::mutex init_mutex_;      // held across TIMInit / TIMUninit: ownership changes atomically
  uint64_t owner_ = 0;         // environment id, 0 = not initialised through us
  std::mutex listener_mutex_;  // held across the C setter: the slot and our record agree
  std::array<uintptr_t, kListenerKindCount> listeners_{};
};

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_LIBRARY_H_
