// The C functions handed to the TIM library: the TIMCommCallback of every call and one trampoline
// per listener type. They run on SDK threads (or synchronously inside a call on the JS thread),
// copy their arguments and post them to the inbox the route in `user_data` leads to.
#ifndef TIM_NATIVE_SHIM_CALL_BRIDGE_H_
#define TIM_NATIVE_SHIM_CALL_BRIDGE_H_

#include <cstdint>

#include "event.h"
#include "tim_api_table.h"

namespace tim {

// Foreign thread or JS thread. `user_data` is a route id, never a pointer to anything.
void OnCommCallback(int32_t code, const char* desc, const char* json_params, const void* user_data);

// JS thread (the caller holds the library's listener lock). Points the C listener slot `kind` of
// `api` at our trampoline with `route` as its user_data, or removes it (NULL) when `route` is 0.
void InstallListener(const TimApiTable& api, ListenerKind kind, uintptr_t route);

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_CALL_BRIDGE_H_
