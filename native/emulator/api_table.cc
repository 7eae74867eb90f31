// The embedded backend's entry table: how the Node addon calls the emulator client when it is
// compiled in (no dlopen). The standalone library's exported TIM* names (exports.cc) forward to
// the same functions, so both products behave identically.
#include "listeners.h"
#include "sdk.h"
#include "tim_api_table.h"

namespace tim_emulator {
namespace {

// Constant-initialised: safe to return before any static constructor has run.
constexpr TimApiTable kTable = {
    Init,
    Uninit,
    GetSDKVersion,
    GetServerTime,
    SetConfig,
    Login,
    Logout,
    GetLoginUserID,
    GetLoginStatus,
    ProfileGetUserProfileList,
    ProfileModifySelfUserProfile,
    GetUserStatus,
    SetSelfStatus,
    SubscribeUserStatus,
    UnsubscribeUserStatus,
    SubscribeUserInfo,
    UnsubscribeUserInfo,
    SetUserStatusChangedCallback,
    SetNetworkStatusListenerCallback,
    SetKickedOfflineCallback,
    SetUserSigExpiredCallback,
    SetSelfInfoUpdatedCallback,
    SetUserInfoChangedCallback,
};

}  // namespace
}  // namespace tim_emulator

// Thread affinity: any thread.
extern "C" const TimApiTable* TimEmulatorApiTable(void) { return &tim_emulator::kTable; }
