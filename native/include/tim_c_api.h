// Our own declarations of the TIM (Tencent Cloud Chat) C ABI: the subset tim-native uses.
// Written from the documented signatures (docs/ and shared reference), not copied from any
// vendor header. Every function and callback type here must match the vendor's ABI exactly,
// because the shim calls the vendor library through these types.
#ifndef TIM_NATIVE_TIM_C_API_H_
#define TIM_NATIVE_TIM_C_API_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Synchronous result of every API call. Only TIM_SUCC means the callback will run.
enum TIMResultCode {
  TIM_SUCC = 0,
  TIM_ERR_SDKUNINIT = -1,
  TIM_ERR_NOTLOGIN = -2,
  TIM_ERR_JSON = -3,
  TIM_ERR_PARAM = -4,
  TIM_ERR_CONV = -5,
  TIM_ERR_GROUP = -6,
};

enum TIMLoginStatusCode {
  kTIMLoginStatus_Logined = 1,
  kTIMLoginStatus_Logining = 2,
  kTIMLoginStatus_UnLogined = 3,
  kTIMLoginStatus_Logouting = 4,
};

enum TIMNetworkStatusCode {
  kTIMConnected = 0,
  kTIMDisconnected = 1,
  kTIMConnecting = 2,
  kTIMConnectFailed = 3,
};

// The vendor passes enums by value; on every supported ABI an enum is an int.
typedef int TIMNetworkStatusValue;
typedef int TIMLoginStatusValue;

typedef void (*TIMCommCallback)(int32_t code, const char* desc, const char* json_params,
                                const void* user_data);
typedef void (*TIMUserStatusChangedCallback)(const char* json_user_status_array,
                                             const void* user_data);
typedef void (*TIMNetworkStatusListenerCallback)(TIMNetworkStatusValue status, int32_t code,
                                                 const char* desc, const void* user_data);
typedef void (*TIMKickedOfflineCallback)(const void* user_data);
typedef void (*TIMUserSigExpiredCallback)(const void* user_data);
typedef void (*TIMSelfInfoUpdatedCallback)(const char* json_user_profile, const void* user_data);
typedef void (*TIMUserInfoChangedCallback)(const char* json_user_info_array, const void* user_data);

// Function pointer types of every entry point, used by the loader (dlsym / GetProcAddress)
// and by the embedded emulator's table.
typedef int (*TIMInitFn)(uint64_t sdk_app_id, const char* json_sdk_config);
typedef int (*TIMUninitFn)(void);
typedef const char* (*TIMGetSDKVersionFn)(void);
typedef uint64_t (*TIMGetServerTimeFn)(void);
typedef int (*TIMSetConfigFn)(const char* json_config, TIMCommCallback cb, const void* user_data);
typedef int (*TIMLoginFn)(const char* user_id, const char* user_sig, TIMCommCallback cb,
                          const void* user_data);
typedef int (*TIMLogoutFn)(TIMCommCallback cb, const void* user_data);
typedef int (*TIMGetLoginUserIDFn)(char* user_id_buffer);  // buffer of at least 128 bytes
typedef TIMLoginStatusValue (*TIMGetLoginStatusFn)(void);
// Shared shape of the JSON-in, callback-out API calls (the six profile and status calls, and
// TIMSubscribeUserInfo / TIMUnsubscribeUserInfo).
typedef int (*TIMJsonCallFn)(const char* json, TIMCommCallback cb, const void* user_data);
typedef void (*TIMSetUserStatusChangedCallbackFn)(TIMUserStatusChangedCallback cb,
                                                  const void* user_data);
typedef void (*TIMSetNetworkStatusListenerCallbackFn)(TIMNetworkStatusListenerCallback cb,
                                                      const void* user_data);
typedef void (*TIMSetKickedOfflineCallbackFn)(TIMKickedOfflineCallback cb, const void* user_data);
typedef void (*TIMSetUserSigExpiredCallbackFn)(TIMUserSigExpiredCallback cb, const void* user_data);
typedef void (*TIMSetSelfInfoUpdatedCallbackFn)(TIMSelfInfoUpdatedCallback cb,
                                                const void* user_data);
typedef void (*TIMSetUserInfoChangedCallbackFn)(TIMUserInfoChangedCallback cb,
                                                const void* user_data);

#ifdef __cplusplus
}
#endif

#endif  // TIM_NATIVE_TIM_C_API_H_
