#include "module_pin.h"

#include <mutex>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace tim {
namespace {

#ifdef _WIN32
// GET_MODULE_HANDLE_EX_FLAG_PIN: the module stays loaded until the process ends, whatever
// FreeLibrary calls follow. FROM_ADDRESS: the module that contains this code.
bool PinOnce(std::string* error) {
  HMODULE module = nullptr;
  if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                         reinterpret_cast<LPCWSTR>(&PinModule), &module)) {
    return true;
  }
  *error = "GetModuleHandleExW(PIN) failed with error " + std::to_string(GetLastError());
  return false;
}
#else
// dladdr finds the file this code was loaded from; dlopen of the same file with RTLD_NOLOAD takes
// no new mapping and RTLD_NODELETE marks the loaded object as never to be unmapped (glibc, musl
// and macOS all honour it on an object already loaded). The handle it returns is deliberately
// never closed.
bool PinOnce(std::string* error) {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&PinModule), &info) == 0 || info.dli_fname == nullptr) {
    *error = "dladdr could not find the addon's own file";
    return false;
  }
  if (dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr) return true;
  const char* reason = dlerror();
  *error = std::string("dlopen(RTLD_NODELETE) of ") + info.dli_fname +
           " failed: " + (reason != nullptr ? reason : "unknown error");
  return false;
}
#endif

}  // namespace

bool PinModule(std::string* error) {
  // Guarded: two workers may initialise the addon at the same time.
  static std::mutex mutex;
  static bool pinned = false;
  std::lock_guard<std::mutex> lock(mutex);
  if (!pinned) pinned = PinOnce(error);
  return pinned;
}

}  // namespace tim
