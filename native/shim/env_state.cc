#include "env_state.h"

#include <utility>
#include <vector>

namespace tim {

void EnvState::Attach(Napi::Env env) {
  std::unique_ptr<EnvState> owned(new EnvState(env));
  env.SetInstanceData(owned.get());  // from here Node deletes it, after the cleanup hooks
  EnvState* state = owned.release();
  // Registered after the inbox created its thread-safe function: cleanup hooks run in reverse
  // order, so Close() runs before Node's own teardown of that function and can still release it.
  env.AddCleanupHook([state] { state->Close(); });
}

EnvState& EnvState::Of(Napi::Env env) { return *env.GetInstanceData<EnvState>(); }

EnvState::EnvState(Napi::Env env) : inbox_(env, &EnvState::OnWake, this) {}

Session& EnvState::SessionFor(Library& library) {
  std::unique_ptr<Session>& session = sessions_[&library];
  if (!session) session = std::make_unique<Session>(*this, library);
  return *session;
}

std::shared_ptr<Napi::FunctionReference> EnvState::ReferenceFor(Session& session,
                                                                Napi::Function callback) {
  std::shared_ptr<Napi::FunctionReference> recent = session.recent_callback.lock();
  if (recent && recent->Value().StrictEquals(callback)) return recent;
  auto function = std::make_shared<Napi::FunctionReference>(Napi::Persistent(callback));
  session.recent_callback = function;
  return function;
}

uintptr_t EnvState::BeginCall(Session& session, Napi::Function callback,
                              std::optional<double> user_data) {
  std::shared_ptr<Napi::FunctionReference> function = ReferenceFor(session, callback);
  uintptr_t route = inbox_.OpenRoute(/*once=*/true);
  targets_.emplace(route, Target{&session, std::nullopt, std::move(function), user_data});
  ++session.pending;
  if (pending_++ == 0) inbox_.Ref();
  return route;
}

void EnvState::CancelCall(uintptr_t route) {
  Inbox::CloseRoute(route);
  auto call = targets_.find(route);
  if (call != targets_.end()) Settle(call);
}

void EnvState::Settle(std::unordered_map<uintptr_t, Target>::iterator call) {
  --call->second.session->pending;
  targets_.erase(call);
  if (--pending_ == 0) inbox_.Unref();
}

size_t EnvState::DropPendingCalls(Session& session) {
  std::vector<uintptr_t> routes;
  for (const auto& [route, target] : targets_) {
    if (target.session == &session && !target.listener) routes.push_back(route);
  }
  Inbox::CloseRoutes(routes);
  for (uintptr_t route : routes) Settle(targets_.find(route));
  return routes.size();
}

void EnvState::SetListener(Session& session, ListenerKind kind, Napi::Function listener) {
  uintptr_t& ours = session.listener_routes[static_cast<size_t>(kind)];
  uintptr_t previous = std::exchange(ours, 0);
  if (listener.IsEmpty()) {
    // Only our own listener: if another environment has taken the slot since, it stays.
    session.library.RemoveListener(kind, previous);
  } else {
    auto function = std::make_shared<Napi::FunctionReference>(Napi::Persistent(listener));
    ours = inbox_.OpenRoute(/*once=*/false);
    targets_.emplace(ours, Target{&session, kind, std::move(function), std::nullopt});
    uintptr_t replaced = session.library.SetListener(kind, ours);
    // The C slot is process-wide: another environment that held it stops hearing from it.
    if (replaced != 0 && replaced != previous) Inbox::CloseRoute(replaced);
  }
  if (previous != 0) {
    Inbox::CloseRoute(previous);
    targets_.erase(previous);
  }
}

// Called by Node through the thread-safe function: nothing may propagate out of here into Node's
// frames, whatever state the environment is in.
void EnvState::OnWake(napi_env env, void* self) {
  try {
    static_cast<EnvState*>(self)->Drain(Napi::Env(env));
  } catch (const Napi::Error& error) {
    // Node-API itself failed: leave it pending, Node reports it as an uncaught exception. While
    // the environment is stopping nothing can be thrown, and the throw is dropped (see
    // NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS in binding.gyp).
    error.ThrowAsJavaScriptException();
  } catch (...) {
    // Out of memory while copying a batch: the rest of the batch is lost, the process is not.
  }
}

void EnvState::Drain(Napi::Env env) {
  std::vector<Event> batch = inbox_.TakeAll();
  for (const Event& event : batch) {
    // A callback may have ended the environment (process.exit runs the cleanup hook).
    if (closed_) return;
    auto target = targets_.find(event.route);
    // Dropped calls and replaced listeners: nobody waits for this event any more.
    if (target == targets_.end()) continue;
    Napi::HandleScope scope(env);
    Napi::Function function = target->second.function->Value();
    std::optional<ListenerKind> listener = target->second.listener;
    std::optional<double> user_data = target->second.user_data;
    // A call's target is forgotten before its callback runs (which may make new calls).
    if (!listener) Settle(target);
    if (!Deliver(env, function, listener, user_data, event)) return;
  }
}

bool EnvState::Deliver(Napi::Env env, const Napi::Function& function,
                       std::optional<ListenerKind> listener, std::optional<double> user_data,
                       const Event& event) {
  napi_value args[4];
  size_t argc = 0;
  auto number = [&](double value) { args[argc++] = Napi::Number::New(env, value); };
  auto string = [&](const std::string& value) { args[argc++] = Napi::String::New(env, value); };
  if (!listener) {
    number(event.code);
    string(event.desc);
    string(event.json);
    if (user_data) number(*user_data);
  } else {
    switch (*listener) {
      case ListenerKind::kUserStatusChanged:
      case ListenerKind::kSelfInfoUpdated:
      case ListenerKind::kUserInfoChanged:
        string(event.json);
        break;
      case ListenerKind::kNetworkStatus:
        number(event.status);
        number(event.code);
        string(event.desc);
        break;
      case ListenerKind::kKickedOffline:
      case ListenerKind::kUserSigExpired:
        break;
    }
  }
  napi_value result;
  napi_status status = napi_call_function(env, env.Undefined(), function, argc, args, &result);
  if (status == napi_ok) return true;
  // No exception but no call: the environment can no longer run JS (a worker is stopping).
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return false;
  // The callback threw: report it as Node reports any uncaught exception ('uncaughtException',
  // or the process / worker ends), then carry on with the batch.
  napi_value error;
  napi_get_and_clear_last_exception(env, &error);
  return napi_fatal_exception(env, error) == napi_ok;
}

void EnvState::Close() {
  closed_ = true;
  inbox_.Close();
  for (auto& [library, session] : sessions_) {
    for (size_t kind = 0; kind < kListenerKindCount; ++kind) {
      library->RemoveListener(static_cast<ListenerKind>(kind), session->listener_routes[kind]);
    }
    library->UninitIfOwnedBy(id());
  }
  targets_.clear();
  sessions_.clear();
  pending_ = 0;
}

}  // namespace tim
