#include "dispatcher.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>

#include "log.h"

namespace tim_emulator {
namespace {

struct DispatcherState {
  std::mutex mu;
  std::condition_variable wake;  // a task was queued
  std::condition_variable idle;  // the running task finished
  std::deque<std::function<void()>> queue;
  bool started = false;
  bool running_task = false;
  bool exiting = false;
  std::thread::id thread_id;
};

// Never destroyed: the detached callback thread may still use it during and after static
// destruction.
DispatcherState& State() {
  static DispatcherState* state = new DispatcherState;
  return *state;
}

void RunLoop() {
  DispatcherState& s = State();
  std::unique_lock<std::mutex> lock(s.mu);
  for (;;) {
    s.wake.wait(lock, [&s] { return s.exiting || !s.queue.empty(); });
    if (s.exiting) return;
    std::function<void()> task = std::move(s.queue.front());
    s.queue.pop_front();
    s.running_task = true;
    lock.unlock();
    try {
      task();
    } catch (...) {
      // Our own tasks do not throw and C callbacks cannot; never let one end the thread.
    }
    task = nullptr;  // destroy captures outside the lock, before reporting idle
    lock.lock();
    s.running_task = false;
    s.idle.notify_all();
  }
}

// Owns a thread handed to the callback thread; if the task is dropped at exit, the thread is
// detached instead of destroyed joinable (which would std::terminate).
struct PendingJoin {
  std::thread thread;
  ~PendingJoin() {
    if (thread.joinable()) thread.detach();
  }
};

// At process exit (or unload): stop calling into the application, whose state is being torn
// down. A callback already running gets up to 200 ms to return; we never wait on ourselves.
struct ExitGuard {
  ~ExitGuard() {
    DispatcherState& s = State();
    std::deque<std::function<void()>> dropped;
    std::unique_lock<std::mutex> lock(s.mu);
    s.exiting = true;
    dropped.swap(s.queue);
    s.wake.notify_all();
    if (s.started && std::this_thread::get_id() != s.thread_id) {
      s.idle.wait_for(lock, std::chrono::milliseconds(200), [&s] { return !s.running_task; });
    }
    lock.unlock();
    dropped.clear();
  }
};
ExitGuard g_exit_guard;

}  // namespace

void PostCallback(std::function<void()> task) {
  DispatcherState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.exiting) return;
  if (!s.started) {
    try {
      std::thread thread(RunLoop);
      s.thread_id = thread.get_id();
      thread.detach();  // lives until the process exits; see ExitGuard
      s.started = true;
    } catch (const std::system_error& e) {
      Log("cannot start the callback thread: %s", e.what());
      return;
    }
  }
  s.queue.push_back(std::move(task));
  s.wake.notify_one();
}

bool OnCallbackThread() {
  DispatcherState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.started && std::this_thread::get_id() == s.thread_id;
}

void JoinOnCallbackThread(std::thread thread) {
  auto pending = std::make_shared<PendingJoin>();
  pending->thread = std::move(thread);
  PostCallback([pending] {
    if (pending->thread.joinable()) pending->thread.join();
  });
}

}  // namespace tim_emulator
