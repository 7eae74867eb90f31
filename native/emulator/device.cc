#include "device.h"

#include <stdint.h>
#include <stdlib.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <limits.h>
#include <unistd.h>
#endif

namespace tim_emulator {
namespace {

std::string HostName() {
#ifdef _WIN32
  char name[MAX_COMPUTERNAME_LENGTH + 1] = {};
  DWORD size = sizeof name;
  if (!GetComputerNameA(name, &size)) return "";
  return std::string(name, size);
#else
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
#endif
}

std::string AbsolutePath(const std::string& folder) {
#ifdef _WIN32
  char full[MAX_PATH * 4] = {};
  if (_fullpath(full, folder.c_str(), sizeof full) == nullptr) return folder;
  return full;
#else
  char* resolved = realpath(folder.c_str(), nullptr);
  if (resolved == nullptr) return folder;
  std::string out = resolved;
  free(resolved);
  return out;
#endif
}

// FNV-1a, 64 bits: an identity, not a secret.
uint64_t Fnv1a64(const std::string& bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string DeviceIdForFolder(const std::string& config_folder) {
  std::string folder = config_folder.empty() ? kDefaultConfigFolder : config_folder;
  uint64_t hash = Fnv1a64(HostName() + '\0' + AbsolutePath(folder));
  static const char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<size_t>(i)] = kHex[hash & 15];
  return out;
}

const char* PlatformName() {
#if defined(_WIN32)
  return "Windows";
#elif defined(__APPLE__)
  return "Mac";
#else
  return "Linux";
#endif
}

}  // namespace tim_emulator
