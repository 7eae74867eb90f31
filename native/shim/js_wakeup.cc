#include "js_wakeup.h"

#include <napi.h>

#include <utility>

namespace tim {

JsWakeup::JsWakeup(napi_env env, const char* name, Handler handler, void* context)
    : env_(env), handler_(handler), context_(context) {
  napi_value resource_name;
  NAPI_THROW_IF_FAILED_VOID(env,
                            napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource_name));
  // No JS function, unlimited queue (signals never block the SDK thread), one owning "thread": us.
  NAPI_THROW_IF_FAILED_VOID(
      env, napi_create_threadsafe_function(env, nullptr, nullptr, resource_name, 0, 1, nullptr,
                                           nullptr, this, CallJs, &tsfn_));
  // Listeners alone must never keep the process alive.
  NAPI_THROW_IF_FAILED_VOID(env, napi_unref_threadsafe_function(env, tsfn_));
}

JsWakeup::~JsWakeup() { Release(); }

bool JsWakeup::Signal() {
  if (tsfn_ == nullptr) return false;
  return napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking) == napi_ok;
}

void JsWakeup::Ref() {
  if (tsfn_ != nullptr) napi_ref_threadsafe_function(env_, tsfn_);
}

void JsWakeup::Unref() {
  if (tsfn_ != nullptr) napi_unref_threadsafe_function(env_, tsfn_);
}

void JsWakeup::Release() {
  napi_threadsafe_function tsfn = std::exchange(tsfn_, nullptr);
  // Abort: wake-ups still queued are discarded; Node calls CallJs with a null env for them.
  if (tsfn != nullptr) napi_release_threadsafe_function(tsfn, napi_tsfn_abort);
}

void JsWakeup::CallJs(napi_env env, napi_value, void* context, void*) {
  // A null env means Node is discarding the queue at teardown; `context` may already be gone.
  if (env == nullptr) return;
  auto* self = static_cast<JsWakeup*>(context);
  self->handler_(env, self->context_);
}

}  // namespace tim
