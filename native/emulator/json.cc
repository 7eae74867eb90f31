#include "json.h"

#include <stdint.h>

namespace tim_emulator {
namespace {

constexpr int kMaxDepth = 128;

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  bool ParseDocument(const std::string& key, JsonMember* out) {
    SkipSpace();
    if (!Peek('{')) return false;
    if (!Object(0, &key, out)) return false;
    SkipSpace();
    return pos_ == s_.size();
  }

 private:
  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

  bool Eat(char c) {
    SkipSpace();
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // `key` is non-null only for the top-level object, whose members are looked up.
  bool Object(int depth, const std::string* key, JsonMember* out) {
    ++pos_;  // '{'
    if (Eat('}')) return true;
    for (;;) {
      SkipSpace();
      std::string name;
      if (!Peek('"') || !String(&name) || !Eat(':')) return false;
      SkipSpace();
      JsonMember value;
      if (!Value(depth + 1, &value)) return false;
      if (key != nullptr && name == *key) *out = value;
      if (Eat('}')) return true;
      if (!Eat(',')) return false;
    }
  }

  bool Array(int depth) {
    ++pos_;  // '['
    if (Eat(']')) return true;
    for (;;) {
      SkipSpace();
      JsonMember ignored;
      if (!Value(depth + 1, &ignored)) return false;
      if (Eat(']')) return true;
      if (!Eat(',')) return false;
    }
  }

  bool Value(int depth, JsonMember* out) {
    if (depth > kMaxDepth || pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '"') {
      out->kind = JsonMember::kString;
      return String(&out->string_value);
    }
    out->kind = JsonMember::kOther;
    if (c == '{') return Object(depth, nullptr, nullptr);
    if (c == '[') return Array(depth);
    if (Literal("true")) {
      out->kind = JsonMember::kTrue;
      return true;
    }
    if (Literal("false")) {
      out->kind = JsonMember::kFalse;
      return true;
    }
    if (Literal("null")) {
      out->kind = JsonMember::kNull;
      return true;
    }
    return Number();
  }

  bool Literal(const char* word) {
    size_t n = 0;
    while (word[n] != '\0') ++n;
    if (s_.compare(pos_, n, word) != 0) return false;
    pos_ += n;
    return true;
  }

  bool Digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool Number() {
    if (Peek('-')) ++pos_;
    if (Peek('0')) {
      ++pos_;
    } else if (!Digits()) {
      return false;
    }
    if (Peek('.')) {
      ++pos_;
      if (!Digits()) return false;
    }
    if (Peek('e') || Peek('E')) {
      ++pos_;
      if (Peek('+') || Peek('-')) ++pos_;
      if (!Digits()) return false;
    }
    return true;
  }

  bool Hex4(uint32_t* v) {
    if (s_.size() - pos_ < 4) return false;
    uint32_t x = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      x <<= 4;
      if (c >= '0' && c <= '9') {
        x |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        x |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        x |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    *v = x;
    return true;
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Escape(std::string* out) {
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_++];
    switch (c) {
      case '"':
        out->push_back('"');
        return true;
      case '\\':
        out->push_back('\\');
        return true;
      case '/':
        out->push_back('/');
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    uint32_t cp;
    if (!Hex4(&cp)) return false;
    if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(pos_, 2, "\\u") == 0) {
      size_t save = pos_;
      pos_ += 2;
      uint32_t low;
      if (Hex4(&low) && low >= 0xDC00 && low < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else {
        pos_ = save;  // lone high surrogate: kept as is, like JSON.parse
      }
    }
    AppendUtf8(out, cp);
    return true;
  }

  bool String(std::string* out) {
    ++pos_;  // '"'
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        if (!Escape(out)) return false;
      } else {
        out->push_back(c);
      }
    }
    return false;
  }

  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

bool FindTopLevelMember(const std::string& text, const std::string& key, JsonMember* out) {
  *out = JsonMember();
  return Parser(text).ParseDocument(key, out);
}

}  // namespace tim_emulator
