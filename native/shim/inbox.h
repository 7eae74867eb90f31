// The one path from foreign threads into a JS environment.
//
// Process-wide, under one mutex: a registry of live inboxes by environment id, and the routes (the
// ids handed to the C library as `user_data`) by route id. A route names the environment it leads
// to, never a JS object. Per environment: a queue of events and the JsWakeup that tells the JS
// thread to drain it. An environment's teardown unregisters its inbox and routes under the same
// mutex before releasing the thread-safe function, so a late callback finds nothing and is dropped.
#ifndef TIM_NATIVE_SHIM_INBOX_H_
#define TIM_NATIVE_SHIM_INBOX_H_

#include <node_api.h>

#include <cstdint>
#include <vector>

#include "event.h"
#include "js_wakeup.h"

namespace tim {

class Inbox {
 public:
  // JS thread. Registers a new environment; `handler` runs on the JS thread when events arrive.
  Inbox(napi_env env, JsWakeup::Handler handler, void* context);
  // JS thread. Close() if not done yet.
  ~Inbox();
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // Process-unique, never 0; reused only after 2^64 environments.
  uint64_t id() const { return id_; }

  // JS thread. A new route to this environment. `once`: the first event closes it (a call);
  // otherwise it stays open until closed (a listener).
  uintptr_t OpenRoute(bool once);

  // Any JS thread. Later events for these routes are dropped. Routes of any environment may be
  // closed (a listener slot taken over from another environment).
  static void CloseRoute(uintptr_t route);
  static void CloseRoutes(const std::vector<uintptr_t>& routes);

  // Foreign thread or JS thread (a callback inside the C call). Queues `event` for the environment
  // its route leads to and wakes that environment's JS thread when its queue was empty. Drops it
  // when the route is unknown (answered, dropped, or its environment is gone). Never blocks on JS.
  static void Post(Event&& event);

  // JS thread. Everything queued so far, oldest first.
  std::vector<Event> TakeAll();

  // JS thread. Holds / lets go of the event loop.
  void Ref() { wakeup_.Ref(); }
  void Unref() { wakeup_.Unref(); }

  // JS thread, environment teardown. Unregisters the inbox and every route to it, then releases the
  // thread-safe function. Idempotent.
  void Close();

 private:
  JsWakeup wakeup_;
  uint64_t id_;
  bool closed_ = false;
  std::vector<Event> queue_;  // guarded by the router mutex
};

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_INBOX_H_
