// A table of every TIM entry point tim-native uses. The shim fills one from a library loaded by
// path (dlsym / GetProcAddress), or takes the embedded emulator's table, and calls only through it.
#ifndef TIM_NATIVE_TIM_API_TABLE_H_
#define TIM_NATIVE_TIM_API_TABLE_H_

#include "tim_c_api.h"

#ifdef __cplusplus
extern "C" {
#endif

struct TimApiTable {
  TIMInitFn TIMInit;
  TIMUninitFn TIMUninit;
  TIMGetSDKVersionFn TIMGetSDKVersion;
  TIMGetServerTimeFn TIMGetServerTime;
  TIMSetConfigFn TIMSetConfig;
  TIMLoginFn TIMLogin;
  TIMLogoutFn TIMLogout;
  TIMGetLoginUserIDFn TIMGetLoginUserID;
  TIMGetLoginStatusFn TIMGetLoginStatus;
  TIMJsonCallFn TIMProfileGetUserProfileList;
  TIMJsonCallFn TIMProfileModifySelfUserProfile;
  TIMJsonCallFn TIMGetUserStatus;
  TIMJsonCallFn TIMSetSelfStatus;
  TIMJsonCallFn TIMSubscribeUserStatus;
  TIMJsonCallFn TIMUnsubscribeUserStatus;
  // TIMManager.h 6.3 / 6.4 (7.4+): profile-change subscriptions of non-friends.
  TIMJsonCallFn TIMSubscribeUserInfo;
  TIMJsonCallFn TIMUnsubscribeUserInfo;
  TIMSetUserStatusChangedCallbackFn TIMSetUserStatusChangedCallback;
  TIMSetNetworkStatusListenerCallbackFn TIMSetNetworkStatusListenerCallback;
  TIMSetKickedOfflineCallbackFn TIMSetKickedOfflineCallback;
  TIMSetUserSigExpiredCallbackFn TIMSetUserSigExpiredCallback;
  TIMSetSelfInfoUpdatedCallbackFn TIMSetSelfInfoUpdatedCallback;
  TIMSetUserInfoChangedCallbackFn TIMSetUserInfoChangedCallback;
};

// The embedded emulator backend (native/emulator/), compiled into the addon. Same behaviour as the
// standalone emulator library, whose exported TIM* names forward to the same functions.
const struct TimApiTable* TimEmulatorApiTable(void);

#ifdef __cplusplus
}
#endif

#endif  // TIM_NATIVE_TIM_API_TABLE_H_
