#include "library.h"

#include <map>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "call_bridge.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#endif

// Every entry point of TimApiTable, in table order.
#define TIM_API_ENTRIES(X)               \
  X(TIMInit)                             \
  X(TIMUninit)                           \
  X(TIMGetSDKVersion)                    \
  X(TIMGetServerTime)                    \
  X(TIMSetConfig)                        \
  X(TIMLogin)                            \
  X(TIMLogout)                           \
  X(TIMGetLoginUserID)                   \
  X(TIMGetLoginStatus)                   \
  X(TIMProfileGetUserProfileList)        \
  X(TIMProfileModifySelfUserProfile)     \
  X(TIMGetUserStatus)                    \
  X(TIMSetSelfStatus)                    \
  X(TIMSubscribeUserStatus)              \
  X(TIMUnsubscribeUserStatus)            \
  X(TIMSubscribeUserInfo)                \
  X(TIMUnsubscribeUserInfo)              \
  X(TIMSetUserStatusChangedCallback)     \
  X(TIMSetNetworkStatusListenerCallback) \
  X(TIMSetKickedOfflineCallback)         \
  X(TIMSetUserSigExpiredCallback)        \
  X(TIMSetSelfInfoUpdatedCallback)       \
  X(TIMSetUserInfoChangedCallback)

namespace tim {
namespace {

// The platform's dynamic loader. All of it runs on a JS thread under the registry lock.
#ifdef _WIN32
using Handle = HMODULE;

std::wstring Utf8ToWide(const std::string& text) {
  int length = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(),
                                   static_cast<int>(text.size()), nullptr, 0);
  if (length <= 0) throw std::runtime_error("tim-native: library path is not valid UTF-8: " + text);
  std::wstring wide(static_cast<size_t>(length), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &wide[0], length);
  return wide;
}

std::string WideToUtf8(const std::wstring& wide) {
  int length = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), nullptr,
                                   0, nullptr, nullptr);
  std::string text(static_cast<size_t>(length > 0 ? length : 0), '\0');
  if (length > 0) {
    WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), &text[0], length,
                        nullptr, nullptr);
  }
  return text;
}

std::string LastErrorMessage() {
  DWORD code = GetLastError();
  wchar_t* message = nullptr;
  DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&message), 0, nullptr);
  std::string text = length > 0 ? WideToUtf8(std::wstring(message, length)) : std::string();
  LocalFree(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text + " (error " + std::to_string(code) + ")";
}

std::string ResolvePath(const std::string& path) {
  std::wstring wide = Utf8ToWide(path);
  DWORD length = GetFullPathNameW(wide.c_str(), 0, nullptr, nullptr);
  if (length == 0) return path;
  std::wstring full(length, L'\0');
  length = GetFullPathNameW(wide.c_str(), length, &full[0], nullptr);
  full.resize(length);
  return WideToUtf8(full);
}

// LOAD_WITH_ALTERED_SEARCH_PATH: the SDK's own DLLs next to it are found.
Handle OpenHandle(const std::string& resolved) {
  Handle handle =
      LoadLibraryExW(Utf8ToWide(resolved).c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
  if (handle == nullptr) {
    throw std::runtime_error("tim-native: cannot load " + resolved + ": " + LastErrorMessage());
  }
  return handle;
}

void* FindSymbol(Handle handle, const char* name) {
  return reinterpret_cast<void*>(GetProcAddress(handle, name));
}

void CloseHandleAfterFailure(Handle handle) { FreeLibrary(handle); }
#else
using Handle = void*;

// A path that does not resolve is passed to dlopen as given, which then reports why.
std::string ResolvePath(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

// RTLD_LOCAL: the SDK's symbols do not leak into later libraries (the emulator exports the same
// names). RTLD_NOW: a library with unresolved dependencies fails here, not inside a call.
Handle OpenHandle(const std::string& resolved) {
  Handle handle = dlopen(resolved.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    throw std::runtime_error("tim-native: cannot load " + resolved + ": " +
                             (error != nullptr ? error : "unknown dlopen error"));
  }
  return handle;
}

void* FindSymbol(Handle handle, const char* name) { return dlsym(handle, name); }

void CloseHandleAfterFailure(Handle handle) { dlclose(handle); }
#endif

struct Registry {
  std::mutex mutex;
  std::map<std::string, Library*> by_path;
  std::map<Handle, Library*> by_handle;  // two paths to one file (hard link) share one Library
};

// Never destroyed, like the libraries themselves.
Registry& TheRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

// Fills the table from the library's exports. Throws naming every missing symbol.
TimApiTable ResolveTable(Handle handle, const std::string& resolved) {
  TimApiTable api{};
  std::vector<const char*> missing;
#define TIM_RESOLVE(name)                                                     \
  api.name = reinterpret_cast<decltype(api.name)>(FindSymbol(handle, #name)); \
  if (api.name == nullptr) missing.push_back(#name);
  TIM_API_ENTRIES(TIM_RESOLVE)
#undef TIM_RESOLVE
  if (missing.empty()) return api;
  std::string names;
  for (const char* name : missing) names += (names.empty() ? "" : ", ") + std::string(name);
  throw std::runtime_error("tim-native: " + resolved +
                           " is not a TIM library; missing symbols: " + names);
}

}  // namespace

Library::Library(std::string path, const TimApiTable& api) : path_(std::move(path)), api_(api) {}

Library& Library::Open(const std::string& path) {
  std::string resolved = ResolvePath(path);
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  auto known = registry.by_path.find(resolved);
  if (known != registry.by_path.end()) return *known->second;

  Handle handle = OpenHandle(resolved);
  auto same_file = registry.by_handle.find(handle);
  if (same_file != registry.by_handle.end()) {
    registry.by_path.emplace(resolved, same_file->second);
    return *same_file->second;
  }
  TimApiTable api;
  try {
    api = ResolveTable(handle, resolved);
  } catch (...) {
    // The only unload: a library that never became a Library cannot have SDK threads of ours.
    CloseHandleAfterFailure(handle);
    throw;
  }
  auto* library = new Library(resolved, api);  // never deleted: never unloaded
  registry.by_path.emplace(resolved, library);
  registry.by_handle.emplace(handle, library);
  return *library;
}

Library& Library::Embedded() {
  static Library* embedded = new Library("embedded-emulator", *TimEmulatorApiTable());
  return *embedded;
}

bool Library::Init(uint64_t env, uint64_t sdk_app_id, const char* json_sdk_config, int* result) {
  std::lock_guard<std::mutex> lock(init_mutex_);
  if (owner_ != 0 && owner_ != env) return false;
  *result = api_.TIMInit(sdk_app_id, json_sdk_config);
  if (*result == TIM_SUCC) owner_ = env;
  return true;
}

bool Library::Uninit(uint64_t env, int* result) {
  std::lock_guard<std::mutex> lock(init_mutex_);
  if (owner_ != 0 && owner_ != env) return false;
  *result = api_.TIMUninit();
  if (*result == TIM_SUCC) owner_ = 0;
  return true;
}

void Library::UninitIfOwnedBy(uint64_t env) {
  std::lock_guard<std::mutex> lock(init_mutex_);
  if (owner_ != env) return;
  api_.TIMUninit();
  owner_ = 0;
}

uintptr_t Library::SetListener(ListenerKind kind, uintptr_t route) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  uintptr_t& slot = listeners_[static_cast<size_t>(kind)];
  InstallListener(api_, kind, route);
  return std::exchange(slot, route);
}

void Library::RemoveListener(ListenerKind kind, uintptr_t route) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  uintptr_t& slot = listeners_[static_cast<size_t>(kind)];
  if (route == 0 || slot != route) return;
  InstallListener(api_, kind, 0);
  slot = 0;
}

}  // namespace tim
