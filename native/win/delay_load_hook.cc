// Windows only: lets the addon bind to whatever executable hosts it.
//
// The addon imports the Node-API functions from an import library whose DLL name is "node.exe".
// In Electron (electron.exe, or an app renamed to MyChatApp.exe) no module of that name is loaded,
// and a plain import would fail to load the addon. The import is therefore delay-loaded (the
// prebuild links a delay-load import library made by dlltool from node-api-headers'
// node_api.def), and this hook answers the loader's "load node.exe" with the process's own
// executable, which exports the Node-API functions whatever its file name. node-gyp compiles the
// same idea (its win_delay_load_hook.cc) into MSVC builds.
//
// The declaration differs between toolchains (MinGW-w64's delayimp.h: `PfnDliHook`, recent MSVC:
// `const PfnDliHook`); `decltype` defines it with whichever type the header declared. It is
// defined here, in a compiled object, so the linker takes it instead of the library's empty
// default (MinGW-w64 keeps that default in its own archive member, MSVC's delayimp.lib likewise).
#ifdef _WIN32

#include <string.h>

// windows.h first: delayimp.h uses its types without including it (clang-format would sort them).
// clang-format off
#include <windows.h>
#include <delayimp.h>
// clang-format on

namespace {

// Loader thread, during the first call of any Node-API function (under the loader lock: only
// cheap, non-loading calls here). Returns the module to use, or nullptr for the default search.
FARPROC WINAPI LoadHostExecutable(unsigned int event, PDelayLoadInfo info) {
  if (event != dliNotePreLoadLibrary || info == nullptr || info->szDll == nullptr) return nullptr;
  if (_stricmp(info->szDll, "node.exe") != 0) return nullptr;
  return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
}

}  // namespace

// C linkage comes from the header's declaration.
decltype(__pfnDliNotifyHook2) __pfnDliNotifyHook2 = LoadHostExecutable;

#endif  // _WIN32
