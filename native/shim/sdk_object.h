// The RawSdk JS object (typed in lib/native.ts): the TIM C API under its C names, JSON strings in,
// JS callbacks out, the synchronous TIMResult returned. One per (environment, library).
#ifndef TIM_NATIVE_SHIM_SDK_OBJECT_H_
#define TIM_NATIVE_SHIM_SDK_OBJECT_H_

#include <napi.h>

#include "env_state.h"

namespace tim {

// JS thread. A frozen object whose methods act on `session` (which outlives them: both live until
// the environment is torn down).
Napi::Object NewRawSdk(Napi::Env env, Session& session);

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_SDK_OBJECT_H_
