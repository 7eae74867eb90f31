// The standalone library's exported C ABI: the real TIM* names, forwarding to the same
// functions as the embedded table (api_table.cc), so that tests and benchmarks load this
// library by path exactly like the vendor's. Only these symbols are visible; everything else is
// hidden by -fvisibility=hidden. Compiled only into the tim_emulator target.
#include "listeners.h"
#include "sdk.h"
#include "tim_c_api.h"

#if defined(_WIN32)
#define TIM_EMULATOR_API extern "C" __declspec(dllexport)
#else
#define TIM_EMULATOR_API extern "C" __attribute__((visibility("default")))
#endif

namespace emu = tim_emulator;

TIM_EMULATOR_API int TIMInit(uint64_t sdk_app_id, const char* json_sdk_config) {
  return emu::Init(sdk_app_id, json_sdk_config);
}
TIM_EMULATOR_API int TIMUninit(void) { return emu::Uninit(); }
TIM_EMULATOR_API const char* TIMGetSDKVersion(void) { return emu::GetSDKVersion(); }
TIM_EMULATOR_API uint64_t TIMGetServerTime(void) { return emu::GetServerTime(); }
TIM_EMULATOR_API int TIMSetConfig(const char* json_config, TIMCommCallback cb,
                                  const void* user_data) {
  return emu::SetConfig(json_config, cb, user_data);
}
TIM_EMULATOR_API int TIMLogin(const char* user_id, const char* user_sig, TIMCommCallback cb,
                              const void* user_data) {
  return emu::Login(user_id, user_sig, cb, user_data);
}
TIM_EMULATOR_API int TIMLogout(TIMCommCallback cb, const void* user_data) {
  return emu::Logout(cb, user_data);
}
TIM_EMULATOR_API int TIMGetLoginUserID(char* user_id_buffer) {
  return emu::GetLoginUserID(user_id_buffer);
}
TIM_EMULATOR_API TIMLoginStatusValue TIMGetLoginStatus(void) { return emu::GetLoginStatus(); }
TIM_EMULATOR_API int TIMProfileGetUserProfileList(const char* json, TIMCommCallback cb,
                                                  const void* user_data) {
  return emu::ProfileGetUserProfileList(json, cb, user_data);
}
TIM_EMULATOR_API int TIMProfileModifySelfUserProfile(const char* json, TIMCommCallback cb,
                                                     const void* user_data) {
  return emu::ProfileModifySelfUserProfile(json, cb, user_data);
}
TIM_EMULATOR_API int TIMGetUserStatus(const char* json, TIMCommCallback cb, const void* user_data) {
  return emu::GetUserStatus(json, cb, user_data);
}
TIM_EMULATOR_API int TIMSetSelfStatus(const char* json, TIMCommCallback cb, const void* user_data) {
  return emu::SetSelfStatus(json, cb, user_data);
}
TIM_EMULATOR_API int TIMSubscribeUserStatus(const char* json, TIMCommCallback cb,
                                            const void* user_data) {
  return emu::SubscribeUserStatus(json, cb, user_data);
}
TIM_EMULATOR_API int TIMUnsubscribeUserStatus(const char* json, TIMCommCallback cb,
                                              const void* user_data) {
  return emu::UnsubscribeUserStatus(json, cb, user_data);
}
TIM_EMULATOR_API int TIMSubscribeUserInfo(const char* json, TIMCommCallback cb,
                                          const void* user_data) {
  return emu::SubscribeUserInfo(json, cb, user_data);
}
TIM_EMULATOR_API int TIMUnsubscribeUserInfo(const char* json, TIMCommCallback cb,
                                            const void* user_data) {
  return emu::UnsubscribeUserInfo(json, cb, user_data);
}
TIM_EMULATOR_API void TIMSetUserStatusChangedCallback(TIMUserStatusChangedCallback cb,
                                                      const void* user_data) {
  emu::SetUserStatusChangedCallback(cb, user_data);
}
TIM_EMULATOR_API void TIMSetNetworkStatusListenerCallback(TIMNetworkStatusListenerCallback cb,
                                                          const void* user_data) {
  emu::SetNetworkStatusListenerCallback(cb, user_data);
}
TIM_EMULATOR_API void TIMSetKickedOfflineCallback(TIMKickedOfflineCallback cb,
                                                  const void* user_data) {
  emu::SetKickedOfflineCallback(cb, user_data);
}
TIM_EMULATOR_API void TIMSetUserSigExpiredCallback(TIMUserSigExpiredCallback cb,
                                                   const void* user_data) {
  emu::SetUserSigExpiredCallback(cb, user_data);
}
TIM_EMULATOR_API void TIMSetSelfInfoUpdatedCallback(TIMSelfInfoUpdatedCallback cb,
                                                    const void* user_data) {
  emu::SetSelfInfoUpdatedCallback(cb, user_data);
}
TIM_EMULATOR_API void TIMSetUserInfoChangedCallback(TIMUserInfoChangedCallback cb,
                                                    const void* user_data) {
  emu::SetUserInfoChangedCallback(cb, user_data);
}

// The exported names must keep the vendor's exact types: the shim loads them through these.
#include <type_traits>
static_assert(std::is_same_v<decltype(&TIMInit), TIMInitFn>);
static_assert(std::is_same_v<decltype(&TIMUninit), TIMUninitFn>);
static_assert(std::is_same_v<decltype(&TIMGetSDKVersion), TIMGetSDKVersionFn>);
static_assert(std::is_same_v<decltype(&TIMGetServerTime), TIMGetServerTimeFn>);
static_assert(std::is_same_v<decltype(&TIMSetConfig), TIMSetConfigFn>);
static_assert(std::is_same_v<decltype(&TIMLogin), TIMLoginFn>);
static_assert(std::is_same_v<decltype(&TIMLogout), TIMLogoutFn>);
static_assert(std::is_same_v<decltype(&TIMGetLoginUserID), TIMGetLoginUserIDFn>);
static_assert(std::is_same_v<decltype(&TIMGetLoginStatus), TIMGetLoginStatusFn>);
static_assert(std::is_same_v<decltype(&TIMProfileGetUserProfileList), TIMJsonCallFn>);
static_assert(std::is_same_v<decltype(&TIMProfileModifySelfUserProfile), TIMJsonCallFn>);
static_assert(std::is_same_v<decltype(&TIMGetUserStatus), TIMJsonCallFn>);
static_assert(std::is_same_v<decltype(&TIMSetSelfStatus), TIMJsonCallFn>);
static_assert(std::is_same_v<decltype(&TIMSubscribeUserStatus), TIMJsonCallFn>);
static_assert(std::is_same_v<decltype(&TIMUnsubscribeUserStatus), TIMJsonCallFn>);
static_assert(std::is_same_v<decltype(&TIMSubscribeUserInfo), TIMJsonCallFn>);
static_assert(std::is_same_v<decltype(&TIMUnsubscribeUserInfo), TIMJsonCallFn>);
static_assert(
    std::is_same_v<decltype(&TIMSetUserStatusChangedCallback), TIMSetUserStatusChangedCallbackFn>);
static_assert(std::is_same_v<decltype(&TIMSetNetworkStatusListenerCallback),
                             TIMSetNetworkStatusListenerCallbackFn>);
static_assert(
    std::is_same_v<decltype(&TIMSetKickedOfflineCallback), TIMSetKickedOfflineCallbackFn>);
static_assert(
    std::is_same_v<decltype(&TIMSetUserSigExpiredCallback), TIMSetUserSigExpiredCallbackFn>);
static_assert(
    std::is_same_v<decltype(&TIMSetSelfInfoUpdatedCallback), TIMSetSelfInfoUpdatedCallbackFn>);
static_assert(
    std::is_same_v<decltype(&TIMSetUserInfoChangedCallback), TIMSetUserInfoChangedCallbackFn>);
