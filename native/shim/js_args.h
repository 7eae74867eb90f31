// Argument checks of the RawSdk methods. JS thread. Each throws a TypeError (RangeError for an
// out-of-range number) naming the API and the parameter; nothing malformed reaches C.
#ifndef TIM_NATIVE_SHIM_JS_ARGS_H_
#define TIM_NATIVE_SHIM_JS_ARGS_H_

#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>

namespace tim {

// A string without NUL characters (C would silently cut it there), as UTF-8.
std::string StringArg(const Napi::CallbackInfo& info, size_t index, const char* api,
                      const char* name);
// A BigInt from 0 to 2^64-1.
uint64_t Uint64Arg(const Napi::CallbackInfo& info, size_t index, const char* api, const char* name);
Napi::Function FunctionArg(const Napi::CallbackInfo& info, size_t index, const char* api,
                           const char* name);
// Absent or undefined (nullopt), or any number: a call's user data, handed back to its callback.
std::optional<double> OptionalNumberArg(const Napi::CallbackInfo& info, size_t index,
                                        const char* api, const char* name);
// A function, or null (returned as an empty Napi::Function).
Napi::Function FunctionOrNullArg(const Napi::CallbackInfo& info, size_t index, const char* api,
                                 const char* name);

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_JS_ARGS_H_
