// A tiny JSON reader: the client parses nothing but a few top-level keys of the TIMInit and
// TIMSetConfig configs (the server validates every API payload). It checks the whole text's
// syntax so that a key is never found inside a malformed document or a nested value.
#ifndef TIM_NATIVE_EMULATOR_JSON_H_
#define TIM_NATIVE_EMULATOR_JSON_H_

#include <string>

namespace tim_emulator {

struct JsonMember {
  enum Kind { kMissing, kString, kTrue, kFalse, kNull, kOther };
  Kind kind = kMissing;
  std::string string_value;  // decoded (escapes resolved, UTF-8) when kind == kString
};

// Looks up `key` among the members of the top-level object in `text`. Returns false when `text`
// is not exactly one valid JSON object (surrounding whitespace allowed). When a key repeats, the
// last occurrence wins, as in JavaScript's JSON.parse.
bool FindTopLevelMember(const std::string& text, const std::string& key, JsonMember* out);

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_JSON_H_
