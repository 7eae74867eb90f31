#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include <atomic>

namespace tim_emulator {
namespace {

// Trivially destructible, so it stays valid while other threads log during process exit.
std::atomic<bool> g_log_to_console{false};

}  // namespace

void SetLogToConsole(bool enabled) { g_log_to_console.store(enabled); }

void Log(const char* format, ...) {
  if (!g_log_to_console.load()) return;
  char line[1024];
  int prefix = snprintf(line, sizeof line, "TIM-EMU: ");
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line + prefix, sizeof line - static_cast<size_t>(prefix) - 1, format, args);
  va_end(args);
  if (n < 0) return;
  size_t len = static_cast<size_t>(prefix) + static_cast<size_t>(n);
  if (len > sizeof line - 2) len = sizeof line - 2;  // truncated message
  line[len++] = '\n';
  // One write per line so that lines of different threads do not interleave.
  fwrite(line, 1, len, stdout);
  fflush(stdout);
}

}  // namespace tim_emulator
