// Error codes the emulator client library produces itself (the vendor's codes for the same cases).
// Codes decided by the server travel in RESPONSE frames and are passed through unchanged.
#ifndef TIM_NATIVE_EMULATOR_CODES_H_
#define TIM_NATIVE_EMULATOR_CODES_H_

#include <stdint.h>

namespace tim_emulator {

constexpr int32_t kCodeRequestTimeout = 6012;
constexpr int32_t kCodeNotInitialized = 6013;
constexpr int32_t kCodeNotLogin = 6014;
constexpr int32_t kCodeInterrupted = 7009;  // TIMUninit with the call outstanding
constexpr int32_t kCodeLoginInProgress = 7501;
constexpr int32_t kCodeLogoutInProgress = 7502;
constexpr int32_t kCodeTooManyRequests = 9507;  // more than 1000 in flight, as the vendor
constexpr int32_t kCodeDisconnected = 9508;
constexpr int32_t kCodeConnectTimeout = 9510;
constexpr int32_t kCodeFrameTooLarge = 9522;
constexpr int32_t kCodeUserSigExpired = 70001;  // the server's answer to an expired UserSig

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_CODES_H_
