#include "call_bridge.h"

#include <string>
#include <utility>

#include "inbox.h"

namespace tim {
namespace {

std::string Copy(const char* text) { return text != nullptr ? std::string(text) : std::string(); }

uintptr_t RouteOf(const void* user_data) { return reinterpret_cast<uintptr_t>(user_data); }

// Any thread. Nothing may unwind into the C library: an event that cannot be copied or queued
// (out of memory) is dropped, exactly like a callback for an unknown route.
void Post(uintptr_t route, int32_t code, int32_t status, const char* desc, const char* json) {
  try {
    Inbox::Post(Event{route, code, status, Copy(desc), Copy(json)});
  } catch (...) {
  }
}

// Foreign threads. One trampoline per listener type of the C API.
void OnUserStatusChanged(const char* json_user_status_array, const void* user_data) {
  Post(RouteOf(user_data), 0, 0, nullptr, json_user_status_array);
}

void OnNetworkStatus(TIMNetworkStatusValue status, int32_t code, const char* desc,
                     const void* user_data) {
  Post(RouteOf(user_data), code, status, desc, nullptr);
}

void OnKickedOffline(const void* user_data) { Post(RouteOf(user_data), 0, 0, nullptr, nullptr); }

void OnUserSigExpired(const void* user_data) { Post(RouteOf(user_data), 0, 0, nullptr, nullptr); }

void OnSelfInfoUpdated(const char* json_user_profile, const void* user_data) {
  Post(RouteOf(user_data), 0, 0, nullptr, json_user_profile);
}

void OnUserInfoChanged(const char* json_user_info_array, const void* user_data) {
  Post(RouteOf(user_data), 0, 0, nullptr, json_user_info_array);
}

// Picks the trampoline, or NULL to remove the listener.
template <typename Callback>
Callback Pick(uintptr_t route, Callback trampoline) {
  return route != 0 ? trampoline : nullptr;
}

}  // namespace

void OnCommCallback(int32_t code, const char* desc, const char* json_params,
                    const void* user_data) {
  Post(RouteOf(user_data), code, 0, desc, json_params);
}

void InstallListener(const TimApiTable& api, ListenerKind kind, uintptr_t route) {
  const void* user_data = reinterpret_cast<const void*>(route);
  switch (kind) {
    case ListenerKind::kUserStatusChanged:
      api.TIMSetUserStatusChangedCallback(Pick(route, &OnUserStatusChanged), user_data);
      return;
    case ListenerKind::kNetworkStatus:
      api.TIMSetNetworkStatusListenerCallback(Pick(route, &OnNetworkStatus), user_data);
      return;
    case ListenerKind::kKickedOffline:
      api.TIMSetKickedOfflineCallback(Pick(route, &OnKickedOffline), user_data);
      return;
    case ListenerKind::kUserSigExpired:
      api.TIMSetUserSigExpiredCallback(Pick(route, &OnUserSigExpired), user_data);
      return;
    case ListenerKind::kSelfInfoUpdated:
      api.TIMSetSelfInfoUpdatedCallback(Pick(route, &OnSelfInfoUpdated), user_data);
      return;
    case ListenerKind::kUserInfoChanged:
      api.TIMSetUserInfoChangedCallback(Pick(route, &OnUserInfoChanged), user_data);
      return;
  }
}

}  // namespace tim
