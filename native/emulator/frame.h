// Encoding and decoding of the wire frames of docs/emulator-protocol.md (version 2): a u32
// big-endian length, then a u8 type and the type's fields. Pure functions and one incremental
// reader; no sockets, no threads.
#ifndef TIM_NATIVE_EMULATOR_FRAME_H_
#define TIM_NATIVE_EMULATOR_FRAME_H_

#include <stddef.h>
#include <stdint.h>

#include <string>

namespace tim_emulator {

inline constexpr char kPreface[] = "TIMEMU01";  // 8 bytes, sent once before the first frame
inline constexpr size_t kPrefaceSize = 8;
// 2: HELLO carries the device identity and the platform; ops 10 and 11.
inline constexpr uint16_t kProtocolVersion = 2;
// Largest value of a frame's length field (the bytes after the length itself).
inline constexpr uint32_t kMaxFrameLength = 1048576;

enum FrameType : uint8_t {
  kFrameHello = 0x01,
  kFrameWelcome = 0x02,
  kFrameRefused = 0x03,
  kFrameRequest = 0x10,
  kFrameResponse = 0x11,
  kFramePush = 0x20,
};

enum Op : uint8_t {
  kOpLogin = 1,
  kOpLogout = 2,
  kOpGetProfiles = 3,
  kOpModifyProfile = 4,
  kOpGetStatus = 5,
  kOpSetStatus = 6,
  kOpSubscribe = 7,
  kOpUnsubscribe = 8,
  kOpPing = 9,
  kOpSubscribeUserInfo = 10,    // protocol version 2
  kOpUnsubscribeUserInfo = 11,  // protocol version 2
};

enum PushEvent : uint8_t {
  kPushUserStatusChanged = 1,
  kPushSelfInfoUpdated = 2,
  kPushUserInfoChanged = 3,
  kPushKickedOffline = 4,
  kPushUserSigExpired = 5,
};

// One decoded server-to-client frame. Only the fields of `type` are meaningful.
struct ServerFrame {
  uint8_t type = 0;
  uint16_t version = 0;         // WELCOME
  uint64_t server_time_ms = 0;  // WELCOME
  uint32_t id = 0;              // RESPONSE
  int32_t code = 0;             // RESPONSE, REFUSED
  uint8_t event = 0;            // PUSH
  std::string desc;             // RESPONSE, REFUSED
  std::string json;             // RESPONSE, PUSH
};

// Value of the length field of a REQUEST frame with these string sizes; compare it with
// kMaxFrameLength before encoding (size_t so that huge inputs cannot overflow).
size_t RequestFrameLength(size_t a_size, size_t b_size);

// Whole frames, length prefix included.
// HELLO of version 2: the device identity and platform follow the client name.
std::string EncodeHello(uint64_t sdk_app_id, const std::string& client, const std::string& device,
                        const std::string& platform);
std::string EncodeRequest(uint32_t id, uint8_t op, const std::string& a, const std::string& b);

// Decodes one frame body (the bytes after the length). False when the body is truncated, has
// trailing bytes, or has a type a server never sends.
bool DecodeServerFrame(const uint8_t* body, size_t size, ServerFrame* out);

// Accumulates received bytes and cuts them into frames.
class FrameReader {
 public:
  enum Result { kNeedMore, kFrame, kError };
  void Append(const char* data, size_t size);
  // kFrame fills *out; kError means a length above the maximum or an undecodable frame, after
  // which the connection must be dropped. `error` says which.
  Result Next(ServerFrame* out, std::string* error);
  void Clear();

 private:
  std::string buffer_;
  size_t offset_ = 0;  // bytes of buffer_ already consumed
};

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_FRAME_H_
