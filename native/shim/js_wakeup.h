// A small RAII owner of one environment's thread-safe function. It carries no data: foreign threads
// only signal "the inbox has events", and the handler drains the whole batch on the JS thread.
#ifndef TIM_NATIVE_SHIM_JS_WAKEUP_H_
#define TIM_NATIVE_SHIM_JS_WAKEUP_H_

#include <node_api.h>

namespace tim {

class JsWakeup {
 public:
  // Runs on the JS thread for each wake-up; never with a torn-down environment.
  using Handler = void (*)(napi_env env, void* context);

  // JS thread. Creates the thread-safe function unreferenced: it holds the event loop only between
  // Ref() and Unref(). Throws Napi::Error when Node refuses to create it.
  JsWakeup(napi_env env, const char* name, Handler handler, void* context);
  // JS thread. Releases (aborts) the function if Release() was not called.
  ~JsWakeup();
  JsWakeup(const JsWakeup&) = delete;
  JsWakeup& operator=(const JsWakeup&) = delete;

  // Any thread, but only while the owner guarantees Release() has not run (the inbox calls it under
  // the router lock). Never blocks. Returns false when Node is closing the function.
  bool Signal();

  // JS thread.
  void Ref();
  void Unref();

  // JS thread. Aborts the function exactly once; later Signal/Ref/Unref calls are no-ops.
  void Release();

 private:
  // JS thread, called by Node; `env` is null while Node tears the function down.
  static void CallJs(napi_env env, napi_value js_callback, void* context, void* data);

  napi_env env_;
  napi_threadsafe_function tsfn_ = nullptr;
  Handler handler_;
  void* context_;
};

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_JS_WAKEUP_H_
