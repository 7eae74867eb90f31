#include "sdk_object.h"

#include "call_bridge.h"
#include "js_args.h"

namespace tim {
namespace {

constexpr const char kInitOwnedElsewhere[] =
    "TIM SDK is already initialised by another JS environment (main thread or a worker) in this "
    "process; call uninit() there first";
constexpr const char kUninitOwnedElsewhere[] =
    "TIM SDK was initialised by another JS environment (main thread or a worker) in this "
    "process; only that environment can uninit it";

// Every method below runs on the JS thread of the session's environment.
Session& SessionOf(const Napi::CallbackInfo& info) { return *static_cast<Session*>(info.Data()); }

const TimApiTable& Api(const Napi::CallbackInfo& info) { return SessionOf(info).library.api(); }

Napi::Value Result(const Napi::CallbackInfo& info, int result) {
  return Napi::Number::New(info.Env(), result);
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Session& session = SessionOf(info);
  uint64_t sdk_app_id = Uint64Arg(info, 0, "TIMInit", "sdkAppId");
  std::string config = StringArg(info, 1, "TIMInit", "jsonSdkConfig");
  int result = 0;
  if (!session.library.Init(session.env.id(), sdk_app_id, config.c_str(), &result)) {
    throw Napi::Error::New(info.Env(), kInitOwnedElsewhere);
  }
  return Result(info, result);
}

Napi::Value Uninit(const Napi::CallbackInfo& info) {
  Session& session = SessionOf(info);
  int result = 0;
  if (!session.library.Uninit(session.env.id(), &result)) {
    throw Napi::Error::New(info.Env(), kUninitOwnedElsewhere);
  }
  return Result(info, result);
}

Napi::Value GetSDKVersion(const Napi::CallbackInfo& info) {
  const char* version = Api(info).TIMGetSDKVersion();
  return Napi::String::New(info.Env(), version != nullptr ? version : "");
}

// Seconds since the epoch: exact as a JS number far beyond any real clock.
Napi::Value GetServerTime(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Api(info).TIMGetServerTime()));
}

Napi::Value SetConfig(const Napi::CallbackInfo& info) {
  Session& session = SessionOf(info);
  std::string json = StringArg(info, 0, "TIMSetConfig", "jsonConfig");
  Napi::Function callback = FunctionOrNullArg(info, 1, "TIMSetConfig", "cb");
  std::optional<double> data = OptionalNumberArg(info, 2, "TIMSetConfig", "userData");
  TIMSetConfigFn set_config = Api(info).TIMSetConfig;
  if (callback.IsEmpty()) return Result(info, set_config(json.c_str(), nullptr, nullptr));
  return Result(info, session.env.Call(session, callback, data, [&](const void* user_data) {
    return set_config(json.c_str(), &OnCommCallback, user_data);
  }));
}

Napi::Value Login(const Napi::CallbackInfo& info) {
  Session& session = SessionOf(info);
  std::string user_id = StringArg(info, 0, "TIMLogin", "userId");
  std::string user_sig = StringArg(info, 1, "TIMLogin", "userSig");
  Napi::Function callback = FunctionArg(info, 2, "TIMLogin", "cb");
  std::optional<double> data = OptionalNumberArg(info, 3, "TIMLogin", "userData");
  TIMLoginFn login = Api(info).TIMLogin;
  return Result(info, session.env.Call(session, callback, data, [&](const void* user_data) {
    return login(user_id.c_str(), user_sig.c_str(), &OnCommCallback, user_data);
  }));
}

Napi::Value Logout(const Napi::CallbackInfo& info) {
  Session& session = SessionOf(info);
  Napi::Function callback = FunctionArg(info, 0, "TIMLogout", "cb");
  std::optional<double> data = OptionalNumberArg(info, 1, "TIMLogout", "userData");
  TIMLogoutFn logout = Api(info).TIMLogout;
  return Result(info, session.env.Call(session, callback, data, [&](const void* user_data) {
    return logout(&OnCommCallback, user_data);
  }));
}

Napi::Value GetLoginUserID(const Napi::CallbackInfo& info) {
  // The C API asks for at least 128 bytes; the extra room and the forced terminator guard
  // against a library that writes a full buffer without one.
  char buffer[256] = {};
  if (Api(info).TIMGetLoginUserID(buffer) != TIM_SUCC) return Napi::String::New(info.Env(), "");
  buffer[sizeof(buffer) - 1] = '\0';
  return Napi::String::New(info.Env(), buffer);
}

Napi::Value GetLoginStatus(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), Api(info).TIMGetLoginStatus());
}

// The JSON-in, callback-out calls share one body.
struct JsonApi {
  const char* name;
  TIMJsonCallFn TimApiTable::*entry;
  bool empty_is_null;  // "" stands for the C API's NULL ("everyone")
};

constexpr JsonApi kGetUserProfileList{"TIMProfileGetUserProfileList",
                                      &TimApiTable::TIMProfileGetUserProfileList, false};
constexpr JsonApi kModifySelfUserProfile{"TIMProfileModifySelfUserProfile",
                                         &TimApiTable::TIMProfileModifySelfUserProfile, false};
constexpr JsonApi kGetUserStatus{"TIMGetUserStatus", &TimApiTable::TIMGetUserStatus, false};
constexpr JsonApi kSetSelfStatus{"TIMSetSelfStatus", &TimApiTable::TIMSetSelfStatus, false};
constexpr JsonApi kSubscribeUserStatus{"TIMSubscribeUserStatus",
                                       &TimApiTable::TIMSubscribeUserStatus, false};
constexpr JsonApi kUnsubscribeUserStatus{"TIMUnsubscribeUserStatus",
                                         &TimApiTable::TIMUnsubscribeUserStatus, true};
constexpr JsonApi kSubscribeUserInfo{"TIMSubscribeUserInfo", &TimApiTable::TIMSubscribeUserInfo,
                                     false};
// TIMManager.h 6.4: an empty or NULL list unsubscribes everyone.
constexpr JsonApi kUnsubscribeUserInfo{"TIMUnsubscribeUserInfo",
                                       &TimApiTable::TIMUnsubscribeUserInfo, true};

template <const JsonApi& kApi>
Napi::Value JsonCall(const Napi::CallbackInfo& info) {
  Session& session = SessionOf(info);
  std::string json = StringArg(info, 0, kApi.name, "json");
  Napi::Function callback = FunctionArg(info, 1, kApi.name, "cb");
  std::optional<double> data = OptionalNumberArg(info, 2, kApi.name, "userData");
  TIMJsonCallFn call = Api(info).*kApi.entry;
  const char* argument = kApi.empty_is_null && json.empty() ? nullptr : json.c_str();
  return Result(info, session.env.Call(session, callback, data, [&](const void* user_data) {
    return call(argument, &OnCommCallback, user_data);
  }));
}

constexpr const char* kListenerSetterNames[kListenerKindCount] = {
    "TIMSetUserStatusChangedCallback", "TIMSetNetworkStatusListenerCallback",
    "TIMSetKickedOfflineCallback",     "TIMSetUserSigExpiredCallback",
    "TIMSetSelfInfoUpdatedCallback",   "TIMSetUserInfoChangedCallback",
};

template <ListenerKind kKind>
Napi::Value SetListener(const Napi::CallbackInfo& info) {
  Session& session = SessionOf(info);
  const char* name = kListenerSetterNames[static_cast<size_t>(kKind)];
  session.env.SetListener(session, kKind, FunctionOrNullArg(info, 0, name, "cb"));
  return info.Env().Undefined();
}

Napi::Value PendingCalls(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(SessionOf(info).pending));
}

Napi::Value DropPendingCalls(const Napi::CallbackInfo& info) {
  Session& session = SessionOf(info);
  return Napi::Number::New(info.Env(), static_cast<double>(session.env.DropPendingCalls(session)));
}

template <Napi::Function::Callback kMethod>
void Define(Napi::Object& object, const char* name, Session& session) {
  object.Set(name, Napi::Function::New<kMethod>(object.Env(), name, &session));
}

template <ListenerKind kKind>
void DefineListenerSetter(Napi::Object& object, Session& session) {
  Define<SetListener<kKind>>(object, kListenerSetterNames[static_cast<size_t>(kKind)], session);
}

}  // namespace

Napi::Object NewRawSdk(Napi::Env env, Session& session) {
  Napi::Object sdk = Napi::Object::New(env);
  sdk.Set("path", Napi::String::New(env, session.library.path()));
  Define<Init>(sdk, "TIMInit", session);
  Define<Uninit>(sdk, "TIMUninit", session);
  Define<GetSDKVersion>(sdk, "TIMGetSDKVersion", session);
  Define<GetServerTime>(sdk, "TIMGetServerTime", session);
  Define<SetConfig>(sdk, "TIMSetConfig", session);
  Define<Login>(sdk, "TIMLogin", session);
  Define<Logout>(sdk, "TIMLogout", session);
  Define<GetLoginUserID>(sdk, "TIMGetLoginUserID", session);
  Define<GetLoginStatus>(sdk, "TIMGetLoginStatus", session);
  Define<JsonCall<kGetUserProfileList>>(sdk, kGetUserProfileList.name, session);
  Define<JsonCall<kModifySelfUserProfile>>(sdk, kModifySelfUserProfile.name, session);
  Define<JsonCall<kGetUserStatus>>(sdk, kGetUserStatus.name, session);
  Define<JsonCall<kSetSelfStatus>>(sdk, kSetSelfStatus.name, session);
  Define<JsonCall<kSubscribeUserStatus>>(sdk, kSubscribeUserStatus.name, session);
  Define<JsonCall<kUnsubscribeUserStatus>>(sdk, kUnsubscribeUserStatus.name, session);
  Define<JsonCall<kSubscribeUserInfo>>(sdk, kSubscribeUserInfo.name, session);
  Define<JsonCall<kUnsubscribeUserInfo>>(sdk, kUnsubscribeUserInfo.name, session);
  DefineListenerSetter<ListenerKind::kUserStatusChanged>(sdk, session);
  DefineListenerSetter<ListenerKind::kNetworkStatus>(sdk, session);
  DefineListenerSetter<ListenerKind::kKickedOffline>(sdk, session);
  DefineListenerSetter<ListenerKind::kUserSigExpired>(sdk, session);
  DefineListenerSetter<ListenerKind::kSelfInfoUpdated>(sdk, session);
  DefineListenerSetter<ListenerKind::kUserInfoChanged>(sdk, session);
  Define<PendingCalls>(sdk, "pendingCalls", session);
  Define<DropPendingCalls>(sdk, "dropPendingCalls", session);
  sdk.Freeze();
  return sdk;
}

}  // namespace tim
