// The process-wide callback thread. Every callback the library makes (API results and listener
// events) is a task posted here and run in FIFO order on this one thread, never inside the
// caller's call: this is what the vendor library does on Linux, and it means the order in which
// the network thread observed things is the order in which the application sees them.
//
// The thread starts lazily on the first Post (so the 6013 answer before TIMInit is asynchronous
// too) and lives until the process exits. Its state is heap-allocated and never freed, so that
// nothing it uses is destroyed by static destructors while it runs; at exit, pending tasks are
// dropped and a task in progress gets a short grace period (see dispatcher.cc).
#ifndef TIM_NATIVE_EMULATOR_DISPATCHER_H_
#define TIM_NATIVE_EMULATOR_DISPATCHER_H_

#include <functional>
#include <thread>

namespace tim_emulator {

// Thread affinity: any thread. Never blocks beyond a short-held lock.
void PostCallback(std::function<void()> task);

// True on the callback thread (used to avoid joining or waiting on ourselves).
bool OnCallbackThread();

// Joins `thread` on the callback thread after the current task returns: how TIMUninit called
// from inside a callback stops the network thread without waiting inside that callback.
void JoinOnCallbackThread(std::thread thread);

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_DISPATCHER_H_
