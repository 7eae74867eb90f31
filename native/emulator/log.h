// The client's own log: lines on stdout prefixed "TIM-EMU: ", printed only while TIMSetConfig's
// set_config_is_log_output_console is true (default false, reset by TIMUninit as the vendor does).
// Thread affinity: any thread.
#ifndef TIM_NATIVE_EMULATOR_LOG_H_
#define TIM_NATIVE_EMULATOR_LOG_H_

namespace tim_emulator {

void SetLogToConsole(bool enabled);

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void Log(const char* format, ...);

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_LOG_H_
