// Per-environment state (main thread, each worker, Electron's main process): the table from route
// ids to the JS functions waiting for them, the sessions (one per library loaded here), the inbox,
// and the teardown that runs from the environment's cleanup hook. Everything here is JS-thread
// only; foreign threads reach this environment only through its Inbox.
#ifndef TIM_NATIVE_SHIM_ENV_STATE_H_
#define TIM_NATIVE_SHIM_ENV_STATE_H_

#include <napi.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "call_bridge.h"
#include "event.h"
#include "inbox.h"
#include "library.h"

namespace tim {

class EnvState;

// One library as seen from one environment: the native side of a RawSdk object. JS thread only.
struct Session {
  Session(EnvState& env, Library& library) : env(env), library(library) {}

  EnvState& env;
  Library& library;
  Napi::ObjectReference object;  // the RawSdk object, kept for the environment's lifetime
  size_t pending = 0;            // calls of this session not yet called back (or dropped)
  // The callback of the latest call, while calls with it are pending: a client that passes the
  // same function to every call (with user data telling the calls apart) shares one reference.
  std::weak_ptr<Napi::FunctionReference> recent_callback;
  std::array<uintptr_t, kListenerKindCount> listener_routes{};  // routes we installed, 0 = none
};

class EnvState {
 public:
  // JS thread, module init. Creates the environment's state, owned by the environment (instance
  // data) and torn down by its cleanup hook.
  static void Attach(Napi::Env env);
  // JS thread.
  static EnvState& Of(Napi::Env env);

  EnvState(const EnvState&) = delete;
  EnvState& operator=(const EnvState&) = delete;

  uint64_t id() const { return inbox_.id(); }

  // JS thread. The session for `library`, created on first use.
  Session& SessionFor(Library& library);

  // JS thread. Makes one C call whose TIMCommCallback answer goes to `callback`, followed by
  // `user_data` when given. `invoke` receives the C user_data to pass (the route) and returns the
  // TIMResult. The route is registered before the call (the answer may come synchronously inside
  // it) and withdrawn if the library refuses the call.
  template <typename Invoke>
  int Call(Session& session, Napi::Function callback, std::optional<double> user_data,
           Invoke&& invoke) {
    uintptr_t route = BeginCall(session, callback, user_data);
    int result = invoke(reinterpret_cast<const void*>(route));
    if (result != TIM_SUCC) CancelCall(route);
    return result;
  }

  // JS thread. Forgets every outstanding call of `session`; returns how many.
  size_t DropPendingCalls(Session& session);

  // JS thread. Installs `listener` (empty: removes ours) in the library's C slot `kind`.
  void SetListener(Session& session, ListenerKind kind, Napi::Function listener);

 private:
  // Who waits for a route: a call's callback (no listener kind) and its user data, or a listener.
  struct Target {
    Session* session;
    std::optional<ListenerKind> listener;
    std::shared_ptr<Napi::FunctionReference> function;
    std::optional<double> user_data;
  };

  explicit EnvState(Napi::Env env);

  uintptr_t BeginCall(Session& session, Napi::Function callback, std::optional<double> user_data);
  // The reference to `callback`: the session's recent one when it is the same function.
  static std::shared_ptr<Napi::FunctionReference> ReferenceFor(Session& session,
                                                               Napi::Function callback);
  void CancelCall(uintptr_t route);
  // Forgets a call target and lets go of the event loop when it was the last one.
  void Settle(std::unordered_map<uintptr_t, Target>::iterator call);

  // JS thread, via the inbox's wake-up: delivers the whole batch.
  static void OnWake(napi_env env, void* self);
  void Drain(Napi::Env env);
  // Returns false when the environment can no longer run JS (it is stopping).
  bool Deliver(Napi::Env env, const Napi::Function& function, std::optional<ListenerKind> listener,
               std::optional<double> user_data, const Event& event);

  // JS thread, the environment's cleanup hook: late callbacks find nothing from here on, our C
  // listeners are removed, and an SDK this environment initialised is uninitialised.
  void Close();

  Inbox inbox_;
  std::unordered_map<uintptr_t, Target> targets_;
  std::map<Library*, std::unique_ptr<Session>> sessions_;
  size_t pending_ = 0;  // calls of all sessions; the event loop is held while > 0
  bool closed_ = false;
};

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_ENV_STATE_H_
