#include "inbox.h"

#include <mutex>
#include <unordered_map>
#include <utility>

namespace tim {
namespace {

struct Route {
  uint64_t inbox;
  bool once;
};

struct Router {
  std::mutex mutex;
  std::unordered_map<uint64_t, Inbox*> inboxes;
  std::unordered_map<uintptr_t, Route> routes;
  uint64_t next_inbox = 1;
  uintptr_t next_route = 1;
};

// Never destroyed: SDK threads may still call back while the process runs its exit handlers.
Router& TheRouter() {
  static Router* router = new Router();
  return *router;
}

}  // namespace

Inbox::Inbox(napi_env env, JsWakeup::Handler handler, void* context)
    : wakeup_(env, "tim-native callbacks", handler, context) {
  Router& router = TheRouter();
  std::lock_guard<std::mutex> lock(router.mutex);
  id_ = router.next_inbox++;
  router.inboxes.emplace(id_, this);
}

Inbox::~Inbox() { Close(); }

uintptr_t Inbox::OpenRoute(bool once) {
  Router& router = TheRouter();
  std::lock_guard<std::mutex> lock(router.mutex);
  // The counter wraps on 32-bit pointers; skip 0 (no route) and ids still in use.
  uintptr_t route;
  do {
    route = router.next_route++;
  } while (route == 0 || router.routes.count(route) != 0);
  router.routes.emplace(route, Route{id_, once});
  return route;
}

void Inbox::CloseRoute(uintptr_t route) {
  Router& router = TheRouter();
  std::lock_guard<std::mutex> lock(router.mutex);
  router.routes.erase(route);
}

void Inbox::CloseRoutes(const std::vector<uintptr_t>& routes) {
  Router& router = TheRouter();
  std::lock_guard<std::mutex> lock(router.mutex);
  for (uintptr_t route : routes) router.routes.erase(route);
}

void Inbox::Post(Event&& event) {
  Router& router = TheRouter();
  std::lock_guard<std::mutex> lock(router.mutex);
  auto route = router.routes.find(event.route);
  if (route == router.routes.end()) return;
  uint64_t inbox_id = route->second.inbox;
  if (route->second.once) router.routes.erase(route);
  auto found = router.inboxes.find(inbox_id);
  if (found == router.inboxes.end()) return;
  Inbox& inbox = *found->second;
  bool was_empty = inbox.queue_.empty();
  inbox.queue_.push_back(std::move(event));
  // One wake-up per batch; signalling under the lock keeps Close() from releasing it meanwhile.
  if (was_empty) inbox.wakeup_.Signal();
}

std::vector<Event> Inbox::TakeAll() {
  std::vector<Event> batch;
  Router& router = TheRouter();
  std::lock_guard<std::mutex> lock(router.mutex);
  batch.swap(queue_);
  return batch;
}

void Inbox::Close() {
  if (closed_) return;
  closed_ = true;
  {
    Router& router = TheRouter();
    std::lock_guard<std::mutex> lock(router.mutex);
    router.inboxes.erase(id_);
    for (auto it = router.routes.begin(); it != router.routes.end();) {
      it = it->second.inbox == id_ ? router.routes.erase(it) : std::next(it);
    }
    queue_.clear();
  }
  wakeup_.Release();
}

}  // namespace tim
