#include "js_args.h"

namespace tim {
namespace {

[[noreturn]] void Fail(const Napi::Env& env, const char* api, const char* name, const char* what) {
  throw Napi::TypeError::New(env, std::string(api) + ": " + name + " " + what);
}

}  // namespace

std::string StringArg(const Napi::CallbackInfo& info, size_t index, const char* api,
                      const char* name) {
  if (!info[index].IsString()) Fail(info.Env(), api, name, "must be a string");
  std::string value = info[index].As<Napi::String>().Utf8Value();
  if (value.find('\0') != std::string::npos) {
    Fail(info.Env(), api, name, "must not contain NUL characters");
  }
  return value;
}

uint64_t Uint64Arg(const Napi::CallbackInfo& info, size_t index, const char* api,
                   const char* name) {
  if (!info[index].IsBigInt()) Fail(info.Env(), api, name, "must be a bigint");
  bool lossless = false;
  uint64_t value = info[index].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) {
    throw Napi::RangeError::New(info.Env(),
                                std::string(api) + ": " + name + " must be between 0 and 2^64-1");
  }
  return value;
}

Napi::Function FunctionArg(const Napi::CallbackInfo& info, size_t index, const char* api,
                           const char* name) {
  if (!info[index].IsFunction()) Fail(info.Env(), api, name, "must be a function");
  return info[index].As<Napi::Function>();
}

std::optional<double> OptionalNumberArg(const Napi::CallbackInfo& info, size_t index,
                                        const char* api, const char* name) {
  if (info[index].IsUndefined()) return std::nullopt;
  if (!info[index].IsNumber()) Fail(info.Env(), api, name, "must be a number or undefined");
  return info[index].As<Napi::Number>().DoubleValue();
}

Napi::Function FunctionOrNullArg(const Napi::CallbackInfo& info, size_t index, const char* api,
                                 const char* name) {
  if (info[index].IsNull()) return Napi::Function();
  if (!info[index].IsFunction()) Fail(info.Env(), api, name, "must be a function or null");
  return info[index].As<Napi::Function>();
}

}  // namespace tim
