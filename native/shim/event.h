// What crosses from a foreign SDK thread to a JS environment: the route id the library handed
// back in `user_data`, and copies of the callback's arguments. Built on any thread, read on the
// JS thread.
#ifndef TIM_NATIVE_SHIM_EVENT_H_
#define TIM_NATIVE_SHIM_EVENT_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace tim {

// The six process-wide listener slots of the TIM C API, in the order of the RawSdk setters.
enum class ListenerKind : uint8_t {
  kUserStatusChanged,
  kNetworkStatus,
  kKickedOffline,
  kUserSigExpired,
  kSelfInfoUpdated,
  kUserInfoChanged,
};
constexpr size_t kListenerKindCount = 6;

// One callback invocation. Fields a callback type does not have stay zero or empty.
struct Event {
  uintptr_t route;   // request id or listener id: the callback's user_data
  int32_t code;      // TIMCommCallback code, network status code
  int32_t status;    // TIMNetworkStatus
  std::string desc;  // copied on the calling thread; NULL became ""
  std::string json;  // copied on the calling thread; NULL became ""
};

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_EVENT_H_
