// Keeps the addon mapped until the process ends.
//
// Node unloads an addon (dlclose / FreeLibrary) when the last environment that loaded it is torn
// down, which is what happens when only worker threads (or only Electron's short-lived contexts)
// load it. Threads the addon started can outlive that: the embedded emulator's process-wide
// callback thread, and a vendor SDK's threads, which call back into our trampolines. Unmapping
// code they are about to run is a segfault, so the module pins itself the first time it is
// initialised (node-usb and node-datachannel take the same way out).
#ifndef TIM_NATIVE_SHIM_MODULE_PIN_H_
#define TIM_NATIVE_SHIM_MODULE_PIN_H_

#include <string>

namespace tim {

// Any JS thread, module init. Pins the module containing this function once per process; later
// calls do nothing. Returns false (with the reason in `error`) when the platform refused, in which
// case the caller must fail the load: an addon that can be unmapped under its threads is unsafe.
bool PinModule(std::string* error);

}  // namespace tim

#endif  // TIM_NATIVE_SHIM_MODULE_PIN_H_
