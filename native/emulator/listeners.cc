#include "listeners.h"

#include <mutex>
#include <utility>

#include "dispatcher.h"

namespace tim_emulator {
namespace {

template <typename Fn>
struct Slot {
  Fn cb = nullptr;
  const void* user_data = nullptr;
};

struct ListenerSlots {
  std::mutex mu;
  Slot<TIMUserStatusChangedCallback> user_status_changed;
  Slot<TIMNetworkStatusListenerCallback> network_status;
  Slot<TIMKickedOfflineCallback> kicked_offline;
  Slot<TIMUserSigExpiredCallback> user_sig_expired;
  Slot<TIMSelfInfoUpdatedCallback> self_info_updated;
  Slot<TIMUserInfoChangedCallback> user_info_changed;
};

// Never destroyed: read by the callback thread, which may run during static destruction.
ListenerSlots& Slots() {
  static ListenerSlots* slots = new ListenerSlots;
  return *slots;
}

template <typename Fn>
void Store(Slot<Fn> ListenerSlots::*member, Fn cb, const void* user_data) {
  ListenerSlots& s = Slots();
  std::lock_guard<std::mutex> lock(s.mu);
  (s.*member).cb = cb;
  (s.*member).user_data = cb != nullptr ? user_data : nullptr;
}

template <typename Fn>
Slot<Fn> Load(Slot<Fn> ListenerSlots::*member) {
  ListenerSlots& s = Slots();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.*member;
}

// Queues `invoke(slot)` for the callback thread. The slot is read there, when the event is
// delivered, and called without the lock held (a listener may replace listeners).
template <typename Fn, typename Invoke>
void Emit(Slot<Fn> ListenerSlots::*member, Invoke invoke) {
  PostCallback([member, invoke = std::move(invoke)] {
    Slot<Fn> slot = Load(member);
    if (slot.cb != nullptr) invoke(slot);
  });
}

}  // namespace

void SetUserStatusChangedCallback(TIMUserStatusChangedCallback cb, const void* user_data) {
  Store(&ListenerSlots::user_status_changed, cb, user_data);
}
void SetNetworkStatusListenerCallback(TIMNetworkStatusListenerCallback cb, const void* user_data) {
  Store(&ListenerSlots::network_status, cb, user_data);
}
void SetKickedOfflineCallback(TIMKickedOfflineCallback cb, const void* user_data) {
  Store(&ListenerSlots::kicked_offline, cb, user_data);
}
void SetUserSigExpiredCallback(TIMUserSigExpiredCallback cb, const void* user_data) {
  Store(&ListenerSlots::user_sig_expired, cb, user_data);
}
void SetSelfInfoUpdatedCallback(TIMSelfInfoUpdatedCallback cb, const void* user_data) {
  Store(&ListenerSlots::self_info_updated, cb, user_data);
}
void SetUserInfoChangedCallback(TIMUserInfoChangedCallback cb, const void* user_data) {
  Store(&ListenerSlots::user_info_changed, cb, user_data);
}

void EmitNetworkStatus(TIMNetworkStatusValue status, int32_t code, const std::string& desc) {
  Emit(&ListenerSlots::network_status,
       [status, code, desc](const Slot<TIMNetworkStatusListenerCallback>& slot) {
         slot.cb(status, code, desc.c_str(), slot.user_data);
       });
}

void EmitUserStatusChanged(const std::string& json) {
  Emit(&ListenerSlots::user_status_changed, [json](const Slot<TIMUserStatusChangedCallback>& slot) {
    slot.cb(json.c_str(), slot.user_data);
  });
}

void EmitSelfInfoUpdated(const std::string& json) {
  Emit(&ListenerSlots::self_info_updated, [json](const Slot<TIMSelfInfoUpdatedCallback>& slot) {
    slot.cb(json.c_str(), slot.user_data);
  });
}

void EmitUserInfoChanged(const std::string& json) {
  Emit(&ListenerSlots::user_info_changed, [json](const Slot<TIMUserInfoChangedCallback>& slot) {
    slot.cb(json.c_str(), slot.user_data);
  });
}

void EmitKickedOffline() {
  Emit(&ListenerSlots::kicked_offline,
       [](const Slot<TIMKickedOfflineCallback>& slot) { slot.cb(slot.user_data); });
}

void EmitUserSigExpired() {
  Emit(&ListenerSlots::user_sig_expired,
       [](const Slot<TIMUserSigExpiredCallback>& slot) { slot.cb(slot.user_data); });
}

}  // namespace tim_emulator
