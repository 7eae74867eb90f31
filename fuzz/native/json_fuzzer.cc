// libFuzzer target for the client library's JSON reader (native/emulator/json.cc), which parses
// the caller's TIMInit and TIMSetConfig configs. Beyond "no crash, no UB, no stack overflow"
// (ASan/UBSan; nesting is capped at 128), it checks:
//  - a document accepted for one key is accepted for every key (validity does not depend on it);
//  - a decoded string is never longer than the text it came from (a \uXXXX escape is 6 bytes and
//    becomes at most 3, a surrogate pair is 12 and becomes 4, other bytes are copied);
//  - only a string member carries a string value.
// Input: the first byte gives the key's length (mod 16), then the key, then the JSON text.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <string>

#include "../../native/emulator/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t key_size = data[0] % 16;
  if (key_size > size - 1) key_size = size - 1;
  std::string key(reinterpret_cast<const char*>(data + 1), key_size);
  std::string text(reinterpret_cast<const char*>(data + 1 + key_size), size - 1 - key_size);

  tim_emulator::JsonMember member;
  bool ok = tim_emulator::FindTopLevelMember(text, key, &member);
  tim_emulator::JsonMember other;
  bool ok_other = tim_emulator::FindTopLevelMember(text, "tim_native_emulator_address", &other);
  if (ok != ok_other) abort();
  if (member.kind == tim_emulator::JsonMember::kString && member.string_value.size() > text.size())
    abort();
  if (member.kind != tim_emulator::JsonMember::kString && !member.string_value.empty()) abort();
  return 0;
}
