#include "sdk.h"

#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "codes.h"
#include "connection.h"
#include "device.h"
#include "dispatcher.h"
#include "frame.h"
#include "json.h"
#include "listeners.h"
#include "log.h"

namespace tim_emulator {
namespace {

constexpr auto kLoginConnectWait = std::chrono::seconds(5);  // then 9510

// The client's view of its login.
struct LoginFields {
  TIMLoginStatusValue status = kTIMLoginStatus_UnLogined;
  std::string user_id;          // the logged-in user, or the one being logged in
  std::string user_sig;         // kept for the automatic login after a reconnect
  bool session_ready = false;   // the current connection is logged in on the server
  bool relogin_wanted = false;  // logged in by the application, not logged out, not kicked
};

// Everything TIMInit creates and TIMUninit resets. Heap-allocated and never destroyed: the
// network and callback threads may still run while static destructors do at process exit.
struct SdkState {
  std::mutex lifecycle;  // serialises Init and Uninit (held across the network thread's join)
  std::mutex mu;         // guards every field below; never held while calling the application
  bool initialised = false;
  uint64_t generation = 0;  // bumped by Init and Uninit; stale events and answers are ignored
  std::shared_ptr<Connection> connection;
  LoginFields login;
  // Saved by TIMLogin while it is in flight (login.status Logining): a refused LOGIN changes
  // nothing on the server, so the client goes back to exactly this.
  LoginFields before_login;
  // TIMGetLoginStatus follows the vendor (conformance: "login status timing"): TIMLogin returns
  // with the status unchanged, and the SDK's own thread turns it to Logining when it takes the
  // request. Here that thread is the callback thread; `login_seq` names the TIMLogin in flight and
  // `login_taken` says the callback thread has taken it. Until then the status reported is
  // `before_login`'s, while every decision (7501, 7502, 6014) already sees Logining.
  uint64_t login_seq = 0;
  bool login_taken = false;
};

SdkState& State() {
  static SdkState* state = new SdkState;
  return *state;
}

// Server clock minus local clock, from the last WELCOME; lock-free for TIMGetServerTime.
std::atomic<bool> g_have_server_time{false};
std::atomic<int64_t> g_server_offset_ms{0};

int64_t LocalTimeMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const char* DescribeClientCode(int32_t code) {
  switch (code) {
    case 6013:
      return "not initialized";
    case 6014:
      return "not login";
    case 7009:
      return "interrupted by uninit";
    case 7501:
      return "login in progress";
    case 7502:
      return "logout in progress";
    case 9507:
      return "too many requests in flight";
    case 9508:
      return "network disconnected";
    case 9510:
      return "connect timeout";
    case 9522:
      return "packet size exceeds 1 MB";
    default:
      return "";
  }
}

// Posts the application's callback to the callback thread (never runs it here). Any thread.
void Deliver(TIMCommCallback cb, int32_t code, std::string desc, std::string json,
             const void* user_data) {
  if (cb == nullptr) return;
  PostCallback([cb, code, desc = std::move(desc), json = std::move(json), user_data] {
    cb(code, desc.c_str(), json.c_str(), user_data);
  });
}

void DeliverClientCode(TIMCommCallback cb, int32_t code, const char* json, const void* user_data) {
  Deliver(cb, code, DescribeClientCode(code), json, user_data);
}

Completion DeliverCompletion(TIMCommCallback cb, const void* user_data) {
  return [cb, user_data](int32_t code, const std::string& desc, const std::string& json) {
    Deliver(cb, code, desc, json, user_data);
  };
}

// Caller holds s.mu.
void ForgetLogin(SdkState& s) { s.login = LoginFields(); }

// Caller holds s.mu. The login the application sees through TIMGetLoginStatus and
// TIMGetLoginUserID (see SdkState::login_taken).
const LoginFields& ReportedLogin(const SdkState& s) {
  return s.login.status == kTIMLoginStatus_Logining && !s.login_taken ? s.before_login : s.login;
}

// --- Connection events: network thread, no lock held on entry. ----------------------------

void OnConnecting(uint64_t generation) {
  {
    SdkState& s = State();
    std::lock_guard<std::mutex> lock(s.mu);
    if (generation != s.generation) return;
  }
  EmitNetworkStatus(kTIMConnecting, 0, "");
}

void OnConnectFailed(uint64_t generation, int32_t code, const std::string& desc) {
  {
    SdkState& s = State();
    std::lock_guard<std::mutex> lock(s.mu);
    if (generation != s.generation) return;
  }
  EmitNetworkStatus(kTIMConnectFailed, code, desc);
}

void OnDisconnected(uint64_t generation, int32_t code, const std::string& desc) {
  {
    SdkState& s = State();
    std::lock_guard<std::mutex> lock(s.mu);
    if (generation != s.generation) return;
    s.login.session_ready = false;
    s.before_login.session_ready = false;
  }
  EmitNetworkStatus(kTIMDisconnected, code, desc);
}

void OnReloginDone(uint64_t generation, int32_t code, const std::string& desc);

// Caller holds s.mu. Logs the saved session in again on the current connection, when the
// application still wants it and the connection is up (otherwise the next WELCOME does it).
void StartRelogin(SdkState& s, uint64_t generation) {
  if (!s.login.relogin_wanted || s.login.status != kTIMLoginStatus_Logined || s.login.session_ready)
    return;
  Log("logging in again as %s", s.login.user_id.c_str());
  s.connection->Send(kOpLogin, s.login.user_id, s.login.user_sig,
                     [generation](int32_t code, const std::string& desc, const std::string&) {
                       OnReloginDone(generation, code, desc);
                     });
}

void OnConnected(uint64_t generation, uint64_t server_time_ms) {
  SdkState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (generation != s.generation) return;
  g_server_offset_ms.store(static_cast<int64_t>(server_time_ms) - LocalTimeMs());
  g_have_server_time.store(true);
  s.login.session_ready = false;
  s.before_login.session_ready = false;
  // Queued under the lock so that the Connected event precedes any login outcome.
  EmitNetworkStatus(kTIMConnected, 0, "");
  // While the application's own TIMLogin is in flight, that login decides.
  StartRelogin(s, generation);
}

// Network thread (or TIMUninit's caller, with 7009). The automatic login after a reconnect.
void OnReloginDone(uint64_t generation, int32_t code, const std::string& desc) {
  SdkState& s = State();
  std::unique_lock<std::mutex> lock(s.mu);
  if (generation != s.generation) return;
  // The session being restored is the current one, or the fallback of a TIMLogin in flight.
  bool logining = s.login.status == kTIMLoginStatus_Logining;
  bool wanted = logining ? s.before_login.relogin_wanted
                         : s.login.relogin_wanted && s.login.status == kTIMLoginStatus_Logined;
  if (code == 0) {
    if (wanted) {
      (logining ? s.before_login.session_ready : s.login.session_ready) = true;
    } else if (s.login.status == kTIMLoginStatus_UnLogined) {
      // Logged out locally while this was in flight: end it on the server too.
      s.connection->Send(kOpLogout, "", "", [](int32_t, const std::string&, const std::string&) {});
    }
    return;
  }
  // Lost again: the next reconnect retries. A refusal ends the session for good.
  if (code == kCodeDisconnected || !wanted) return;
  Log("automatic login refused (%d): %s", code, desc.c_str());
  if (logining) {
    s.before_login = LoginFields();
  } else {
    ForgetLogin(s);
  }
  lock.unlock();
  // The application must log in again: tell it the way the vendor ends a session.
  if (code == kCodeUserSigExpired) {
    EmitUserSigExpired();
  } else {
    EmitKickedOffline();
  }
}

void OnPush(uint64_t generation, uint8_t event, const std::string& json) {
  SdkState& s = State();
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (generation != s.generation) return;
    if (event == kPushKickedOffline || event == kPushUserSigExpired) {
      Log("session ended by the server (event %u)", unsigned{event});
      if (s.login.status == kTIMLoginStatus_Logining) {
        // The push ends the session a login in flight would fall back to, not that login.
        s.before_login = LoginFields();
      } else {
        ForgetLogin(s);
      }
    }
  }
  switch (event) {
    case kPushUserStatusChanged:
      EmitUserStatusChanged(json);
      break;
    case kPushSelfInfoUpdated:
      EmitSelfInfoUpdated(json);
      break;
    case kPushUserInfoChanged:
      EmitUserInfoChanged(json);
      break;
    case kPushKickedOffline:
      EmitKickedOffline();
      break;
    case kPushUserSigExpired:
      EmitUserSigExpired();
      break;
    default:
      break;  // an event of a newer server: ignored
  }
}

// Network thread. A user is logged in (the client logs it in again after a reconnect), logging in
// or out; otherwise the next TIMLogin brings the connection back.
bool NeedsConnection(uint64_t generation) {
  SdkState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (generation != s.generation) return false;
  return s.login.status != kTIMLoginStatus_UnLogined || s.login.relogin_wanted;
}

ConnectionEvents MakeEvents(uint64_t generation) {
  ConnectionEvents events;
  events.on_connecting = [generation] { OnConnecting(generation); };
  events.on_connect_failed = [generation](int32_t code, const std::string& desc) {
    OnConnectFailed(generation, code, desc);
  };
  events.on_connected = [generation](uint64_t server_time_ms) {
    OnConnected(generation, server_time_ms);
  };
  events.on_disconnected = [generation](int32_t code, const std::string& desc) {
    OnDisconnected(generation, code, desc);
  };
  events.on_push = [generation](uint8_t event, const std::string& json) {
    OnPush(generation, event, json);
  };
  events.needs_connection = [generation] { return NeedsConnection(generation); };
  return events;
}

// The emulator address: TIMInit's config key, else the environment, else the default.
// Returns a TIMResult.
int ResolveAddress(const char* json_sdk_config, std::string* address) {
  std::string config = json_sdk_config != nullptr ? json_sdk_config : "";
  if (config.find_first_not_of(" \t\r\n") != std::string::npos) {
    JsonMember member;
    if (!FindTopLevelMember(config, kAddressConfigKey, &member)) return TIM_ERR_JSON;
    if (member.kind == JsonMember::kString) {
      *address = member.string_value;
      return TIM_SUCC;
    }
    if (member.kind != JsonMember::kMissing && member.kind != JsonMember::kNull) {
      return TIM_ERR_PARAM;
    }
  }
  const char* env = getenv(kAddressEnvVar);
  *address = env != nullptr && *env != '\0' ? env : kDefaultAddress;
  return TIM_SUCC;
}

// The SDK data folder of TIMInit's config (kTIMSdkConfigConfigFilePath), which identifies the
// device; "" when the config names none. Call after ResolveAddress accepted the config.
std::string ConfigFolder(const char* json_sdk_config) {
  std::string config = json_sdk_config != nullptr ? json_sdk_config : "";
  JsonMember member;
  if (config.find_first_not_of(" \t\r\n") == std::string::npos ||
      !FindTopLevelMember(config, "sdk_config_config_file_path", &member) ||
      member.kind != JsonMember::kString) {
    return "";
  }
  return member.string_value;
}

// Shared body of the JSON APIs (ops 3..8, 10, 11): the client's own checks, then the request.
// `not_login_json` is the json of the 6014 answer and, unless `not_initialized_json` is given, the
// 6013 answer is "[]": what the vendor answers (conformance "basic").
int JsonCall(uint8_t op, const char* json, TIMCommCallback cb, const void* user_data,
             const char* not_login_json, const char* not_initialized_json = "[]") {
  std::string payload = json != nullptr ? json : "";
  SdkState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.initialised) {
    DeliverClientCode(cb, kCodeNotInitialized, not_initialized_json, user_data);
    return TIM_SUCC;
  }
  if (s.login.status != kTIMLoginStatus_Logined) {
    DeliverClientCode(cb, kCodeNotLogin, not_login_json, user_data);
    return TIM_SUCC;
  }
  int32_t code = s.login.session_ready
                     ? s.connection->Send(op, payload, "", DeliverCompletion(cb, user_data))
                     : kCodeDisconnected;
  if (code != 0) DeliverClientCode(cb, code, "", user_data);
  return TIM_SUCC;
}

}  // namespace

int Init(uint64_t sdk_app_id, const char* json_sdk_config) {
  SdkState& s = State();
  std::lock_guard<std::mutex> lifecycle(s.lifecycle);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.initialised) return TIM_SUCC;  // idempotent, as the vendor
  }
  std::string address;
  int result = ResolveAddress(json_sdk_config, &address);
  if (result != TIM_SUCC) return result;
  Connection::Options options;
  if (!ParseHostPort(address, &options.host, &options.port)) {
    Log("invalid emulator address \"%s\" (expected host:port)", address.c_str());
    return TIM_ERR_PARAM;
  }
  options.sdk_app_id = sdk_app_id;
  options.device = DeviceIdForFolder(ConfigFolder(json_sdk_config));
  options.platform = PlatformName();

  std::lock_guard<std::mutex> lock(s.mu);
  uint64_t generation = ++s.generation;
  auto connection = std::make_shared<Connection>(std::move(options), MakeEvents(generation));
  std::string error;
  // The network thread may start reporting at once; its events wait for s.mu, held here.
  if (!connection->Start(&error)) {
    Log("TIMInit failed: %s", error.c_str());
    return TIM_ERR_SDKUNINIT;
  }
  s.connection = std::move(connection);
  s.initialised = true;
  ForgetLogin(s);
  s.before_login = LoginFields();
  Log("initialised, sdkappid %llu, emulator %s", static_cast<unsigned long long>(sdk_app_id),
      address.c_str());
  return TIM_SUCC;
}

int Uninit(void) {
  SdkState& s = State();
  std::lock_guard<std::mutex> lifecycle(s.lifecycle);
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.initialised) return TIM_SUCC;
    s.initialised = false;
    ++s.generation;  // from here, events and answers of the old connection change nothing
    connection = std::move(s.connection);
    ForgetLogin(s);
    s.before_login = LoginFields();
    g_have_server_time.store(false);
  }
  Log("uninitialised");
  SetLogToConsole(false);  // the vendor forgets TIMSetConfig on uninit
  // Outstanding requests are answered 7009 here, through the callback thread.
  std::thread network = connection->Stop(kCodeInterrupted, DescribeClientCode(kCodeInterrupted));
  if (!network.joinable()) return TIM_SUCC;
  if (OnCallbackThread()) {
    // Called from inside one of our callbacks: join after it returns instead of in it.
    JoinOnCallbackThread(std::move(network));
  } else {
    network.join();  // prompt: Stop woke it, and it never waits for the callback thread
  }
  return TIM_SUCC;
}

const char* GetSDKVersion(void) { return kSdkVersion; }

uint64_t GetServerTime(void) {
  int64_t now = LocalTimeMs();
  if (g_have_server_time.load()) now += g_server_offset_ms.load();
  return now > 0 ? static_cast<uint64_t>(now / 1000) : 0;
}

int SetConfig(const char* json_config, TIMCommCallback cb, const void* user_data) {
  std::string config = json_config != nullptr ? json_config : "";
  if (config.find_first_not_of(" \t\r\n") != std::string::npos) {
    JsonMember member;
    if (!FindTopLevelMember(config, "set_config_is_log_output_console", &member)) {
      return TIM_ERR_JSON;
    }
    if (member.kind == JsonMember::kTrue || member.kind == JsonMember::kFalse) {
      SetLogToConsole(member.kind == JsonMember::kTrue);
    }
  }
  Deliver(cb, 0, "", "", user_data);
  return TIM_SUCC;
}

int Login(const char* user_id, const char* user_sig, TIMCommCallback cb, const void* user_data) {
  SdkState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.initialised) {
    DeliverClientCode(cb, kCodeNotInitialized, "[]", user_data);
    return TIM_SUCC;
  }
  if (user_id == nullptr || *user_id == '\0' || user_sig == nullptr || *user_sig == '\0') {
    return TIM_ERR_PARAM;
  }
  if (s.login.status == kTIMLoginStatus_Logining || s.login.status == kTIMLoginStatus_Logouting) {
    int32_t code =
        s.login.status == kTIMLoginStatus_Logining ? kCodeLoginInProgress : kCodeLogoutInProgress;
    DeliverClientCode(cb, code, "", user_data);
    return TIM_SUCC;
  }
  uint64_t generation = s.generation;
  std::string id = user_id;
  std::string sig = user_sig;
  auto done = [generation, id, sig, cb, user_data](int32_t code, const std::string& desc,
                                                   const std::string& json) {
    SdkState& st = State();
    {
      std::lock_guard<std::mutex> inner(st.mu);
      if (generation == st.generation && st.login.status == kTIMLoginStatus_Logining) {
        if (code == 0) {
          st.login = LoginFields{kTIMLoginStatus_Logined, id, sig, true, true};
        } else {
          // Refused, lost or timed out: back to the session before (a refused LOGIN changes
          // nothing on the server); if that session is not live on this connection, revive it.
          st.login = std::move(st.before_login);
          StartRelogin(st, generation);
        }
        st.before_login = LoginFields();
      }
    }
    Log("login of %s: %d %s", id.c_str(), code, desc.c_str());
    Deliver(cb, code, desc, json, user_data);
  };
  // Waits up to 5 s for a connection (9510); answered by the network thread.
  int32_t code = s.connection->Send(kOpLogin, id, sig, std::move(done), kLoginConnectWait);
  if (code != 0) {
    DeliverClientCode(cb, code, "", user_data);
    return TIM_SUCC;
  }
  s.before_login = s.login;
  s.login.status = kTIMLoginStatus_Logining;
  s.login.relogin_wanted = false;
  s.login.user_id = id;
  uint64_t seq = ++s.login_seq;
  s.login_taken = false;
  // Callback thread, in order with every callback: before this login's own answer can run.
  PostCallback([generation, seq] {
    SdkState& st = State();
    std::lock_guard<std::mutex> inner(st.mu);
    if (generation == st.generation && seq == st.login_seq) st.login_taken = true;
  });
  return TIM_SUCC;
}

int Logout(TIMCommCallback cb, const void* user_data) {
  SdkState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.initialised) {
    DeliverClientCode(cb, kCodeNotInitialized, "[]", user_data);
    return TIM_SUCC;
  }
  switch (s.login.status) {
    case kTIMLoginStatus_UnLogined:
      Deliver(cb, 0, "", "", user_data);  // nothing to end: success, as the server answers
      return TIM_SUCC;
    case kTIMLoginStatus_Logining:
      DeliverClientCode(cb, kCodeLoginInProgress, "", user_data);
      return TIM_SUCC;
    case kTIMLoginStatus_Logouting:
      DeliverClientCode(cb, kCodeLogoutInProgress, "", user_data);
      return TIM_SUCC;
    default:
      break;
  }
  s.login.relogin_wanted = false;
  uint64_t generation = s.generation;
  auto done = [generation, cb, user_data](int32_t code, const std::string& desc,
                                          const std::string& json) {
    SdkState& st = State();
    {
      std::lock_guard<std::mutex> inner(st.mu);
      // Whatever the answer (even 9508), the application no longer wants this session.
      if (generation == st.generation && st.login.status == kTIMLoginStatus_Logouting) {
        ForgetLogin(st);
      }
    }
    Deliver(cb, code, desc, json, user_data);
  };
  if (s.login.session_ready && s.connection->Send(kOpLogout, "", "", std::move(done)) == 0) {
    s.login.status = kTIMLoginStatus_Logouting;
    return TIM_SUCC;
  }
  // Disconnected: the server already ended the session when the socket dropped, so logging out
  // is local and succeeds; no automatic login will follow.
  ForgetLogin(s);
  Deliver(cb, 0, "", "", user_data);
  return TIM_SUCC;
}

int GetLoginUserID(char* user_id_buffer) {
  if (user_id_buffer == nullptr) return TIM_ERR_PARAM;
  user_id_buffer[0] = '\0';
  SdkState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.initialised) return TIM_ERR_SDKUNINIT;
  const LoginFields& login = ReportedLogin(s);
  if (login.status != kTIMLoginStatus_Logined && login.status != kTIMLoginStatus_Logouting) {
    return TIM_ERR_NOTLOGIN;
  }
  size_t n = std::min<size_t>(login.user_id.size(), 127);
  memcpy(user_id_buffer, login.user_id.data(), n);
  user_id_buffer[n] = '\0';
  return TIM_SUCC;
}

TIMLoginStatusValue GetLoginStatus(void) {
  SdkState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.initialised ? ReportedLogin(s).status : kTIMLoginStatus_UnLogined;
}

// The vendor answers a profile query before login with an empty json, the others with "[]".
int ProfileGetUserProfileList(const char* json, TIMCommCallback cb, const void* user_data) {
  return JsonCall(kOpGetProfiles, json, cb, user_data, "");
}
int ProfileModifySelfUserProfile(const char* json, TIMCommCallback cb, const void* user_data) {
  return JsonCall(kOpModifyProfile, json, cb, user_data, "[]");
}
int GetUserStatus(const char* json, TIMCommCallback cb, const void* user_data) {
  return JsonCall(kOpGetStatus, json, cb, user_data, "[]");
}
int SetSelfStatus(const char* json, TIMCommCallback cb, const void* user_data) {
  return JsonCall(kOpSetStatus, json, cb, user_data, "[]");
}
int SubscribeUserStatus(const char* json, TIMCommCallback cb, const void* user_data) {
  return JsonCall(kOpSubscribe, json, cb, user_data, "[]");
}
// NULL means "unsubscribe from everyone" and travels as "".
int UnsubscribeUserStatus(const char* json, TIMCommCallback cb, const void* user_data) {
  return JsonCall(kOpUnsubscribe, json, cb, user_data, "[]");
}
// TIMManager.h 6.3 / 6.4; NULL (unsubscribe from everyone) travels as "" like above. The vendor
// answers these two with an empty json before TIMInit (6013) and before login (6014).
int SubscribeUserInfo(const char* json, TIMCommCallback cb, const void* user_data) {
  return JsonCall(kOpSubscribeUserInfo, json, cb, user_data, "", "");
}
int UnsubscribeUserInfo(const char* json, TIMCommCallback cb, const void* user_data) {
  return JsonCall(kOpUnsubscribeUserInfo, json, cb, user_data, "", "");
}

}  // namespace tim_emulator
