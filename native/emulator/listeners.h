// The six process-wide listener slots (TIMSet*Callback). A slot is a (function, user_data) pair
// read under a mutex and invoked on the callback thread. Slots survive TIMUninit, as the vendor's
// do: a listener set before TIMInit stays set.
//
// Thread affinity: setters on any thread; the Emit* functions are called by the network thread
// and only queue work for the callback thread.
#ifndef TIM_NATIVE_EMULATOR_LISTENERS_H_
#define TIM_NATIVE_EMULATOR_LISTENERS_H_

#include <stdint.h>

#include <string>

#include "tim_c_api.h"

namespace tim_emulator {

void SetUserStatusChangedCallback(TIMUserStatusChangedCallback cb, const void* user_data);
void SetNetworkStatusListenerCallback(TIMNetworkStatusListenerCallback cb, const void* user_data);
void SetKickedOfflineCallback(TIMKickedOfflineCallback cb, const void* user_data);
void SetUserSigExpiredCallback(TIMUserSigExpiredCallback cb, const void* user_data);
void SetSelfInfoUpdatedCallback(TIMSelfInfoUpdatedCallback cb, const void* user_data);
void SetUserInfoChangedCallback(TIMUserInfoChangedCallback cb, const void* user_data);

// Queue one listener event for the callback thread. The slot is read when the event runs, so a
// listener removed in between is not called.
void EmitNetworkStatus(TIMNetworkStatusValue status, int32_t code, const std::string& desc);
void EmitUserStatusChanged(const std::string& json);
void EmitSelfInfoUpdated(const std::string& json);
void EmitUserInfoChanged(const std::string& json);
void EmitKickedOffline();
void EmitUserSigExpired();

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_LISTENERS_H_
