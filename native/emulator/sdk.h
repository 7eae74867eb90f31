// The TIM C API semantics of the emulator client: init/uninit lifecycle, the login state machine,
// the codes the client produces itself (6013, 6014, 7501/7502, 9508, 9510, 9522, 7009), and the
// mapping of API calls onto protocol requests. Every function here has the exact signature of its
// TIM* counterpart in tim_c_api.h; api_table.cc and exports.cc only point at them.
//
// Thread affinity: every function may be called from any thread. Callbacks never run inside the
// call: they run on the dispatcher's callback thread (dispatcher.h).
#ifndef TIM_NATIVE_EMULATOR_SDK_H_
#define TIM_NATIVE_EMULATOR_SDK_H_

#include <stdint.h>

#include "tim_c_api.h"

namespace tim_emulator {

// TIMInit config key naming the emulator server, "host:port". Fallbacks: the environment
// variable TIM_EMULATOR_HOST, then kDefaultAddress.
inline constexpr const char* kAddressConfigKey = "tim_native_emulator_address";
inline constexpr const char* kAddressEnvVar = "TIM_EMULATOR_HOST";
inline constexpr const char* kDefaultAddress = "127.0.0.1:9400";
inline constexpr const char* kSdkVersion = "tim-native-emulator 0.1.0";

int Init(uint64_t sdk_app_id, const char* json_sdk_config);
int Uninit(void);
const char* GetSDKVersion(void);
uint64_t GetServerTime(void);
int SetConfig(const char* json_config, TIMCommCallback cb, const void* user_data);
int Login(const char* user_id, const char* user_sig, TIMCommCallback cb, const void* user_data);
int Logout(TIMCommCallback cb, const void* user_data);
// Copies the logged-in user id (at most 127 bytes + NUL) into the caller's buffer and returns 0
// while a user is logged in (Logined or Logouting). Otherwise writes "" and returns
// TIM_ERR_SDKUNINIT before TIMInit, TIM_ERR_NOTLOGIN after it. A NULL buffer is TIM_ERR_PARAM.
int GetLoginUserID(char* user_id_buffer);
TIMLoginStatusValue GetLoginStatus(void);
int ProfileGetUserProfileList(const char* json, TIMCommCallback cb, const void* user_data);
int ProfileModifySelfUserProfile(const char* json, TIMCommCallback cb, const void* user_data);
int GetUserStatus(const char* json, TIMCommCallback cb, const void* user_data);
int SetSelfStatus(const char* json, TIMCommCallback cb, const void* user_data);
int SubscribeUserStatus(const char* json, TIMCommCallback cb, const void* user_data);
int UnsubscribeUserStatus(const char* json, TIMCommCallback cb, const void* user_data);
int SubscribeUserInfo(const char* json, TIMCommCallback cb, const void* user_data);
int UnsubscribeUserInfo(const char* json, TIMCommCallback cb, const void* user_data);

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_SDK_H_
