// Who this client is, for the server (protocol version 2, HELLO): the device identity and the
// platform. TIMManager.h (the note on TIMSetKickedOfflineCallback) tells devices apart to decide
// "kicked while offline" (6208); the SDK keeps a device's state in its data folder
// (`sdk_config_config_file_path`), so the folder is what identifies a device here.
//
// Thread affinity: any thread (pure functions of their arguments and the host).
#ifndef TIM_NATIVE_EMULATOR_DEVICE_H_
#define TIM_NATIVE_EMULATOR_DEVICE_H_

#include <string>

namespace tim_emulator {

// The SDK's default data folder when TIMInit's config names none (TIMManager.h, SdkConfig:
// kTIMSdkConfigConfigFilePath, default "/").
inline constexpr const char* kDefaultConfigFolder = "/";

// A stable device identity for a data folder on this host: 16 lowercase hex digits, a hash of
// the host name and the folder's absolute, symlink-free path (the path as given when it cannot be
// resolved). Two processes using the same folder on the same host are the same device; nothing
// of the path itself goes over the wire.
std::string DeviceIdForFolder(const std::string& config_folder);

// The platform this library was built for, under the name the service's console uses for it
// (multi-device login policy: Android, iPhone, iPad, Windows, Mac, Linux, Web): "Windows", "Mac"
// or "Linux".
const char* PlatformName();

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_DEVICE_H_
