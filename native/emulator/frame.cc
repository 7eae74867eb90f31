#include "frame.h"

namespace tim_emulator {
namespace {

void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }

void PutU16(std::string* out, uint16_t v) {
  PutU8(out, static_cast<uint8_t>(v >> 8));
  PutU8(out, static_cast<uint8_t>(v));
}

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) PutU8(out, static_cast<uint8_t>(v >> shift));
}

void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) PutU8(out, static_cast<uint8_t>(v >> shift));
}

void PutStr(std::string* out, const std::string& s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

// Bounds-checked big-endian cursor over one frame body.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool U8(uint8_t* v) {
    if (size_ - pos_ < 1) return false;
    *v = data_[pos_++];
    return true;
  }
  bool U16(uint16_t* v) {
    uint64_t x;
    if (!Uint(2, &x)) return false;
    *v = static_cast<uint16_t>(x);
    return true;
  }
  bool U32(uint32_t* v) {
    uint64_t x;
    if (!Uint(4, &x)) return false;
    *v = static_cast<uint32_t>(x);
    return true;
  }
  bool I32(int32_t* v) {
    uint32_t x;
    if (!U32(&x)) return false;
    *v = static_cast<int32_t>(x);
    return true;
  }
  bool U64(uint64_t* v) { return Uint(8, v); }
  bool Str(std::string* s) {
    uint32_t n;
    if (!U32(&n) || size_ - pos_ < n) return false;
    s->assign(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == size_; }

 private:
  bool Uint(size_t bytes, uint64_t* v) {
    if (size_ - pos_ < bytes) return false;
    uint64_t x = 0;
    for (size_t i = 0; i < bytes; ++i) x = (x << 8) | data_[pos_++];
    *v = x;
    return true;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

std::string Framed(const std::string& body) {
  std::string out;
  out.reserve(4 + body.size());
  PutU32(&out, static_cast<uint32_t>(body.size()));
  out.append(body);
  return out;
}

}  // namespace

size_t RequestFrameLength(size_t a_size, size_t b_size) {
  // type + id + op + (len + a) + (len + b)
  return 1 + 4 + 1 + 4 + a_size + 4 + b_size;
}

std::string EncodeHello(uint64_t sdk_app_id, const std::string& client, const std::string& device,
                        const std::string& platform) {
  std::string body;
  PutU8(&body, kFrameHello);
  PutU16(&body, kProtocolVersion);
  PutU64(&body, sdk_app_id);
  PutStr(&body, client);
  PutStr(&body, device);
  PutStr(&body, platform);
  return Framed(body);
}

std::string EncodeRequest(uint32_t id, uint8_t op, const std::string& a, const std::string& b) {
  std::string out;
  out.reserve(4 + RequestFrameLength(a.size(), b.size()));
  PutU32(&out, static_cast<uint32_t>(RequestFrameLength(a.size(), b.size())));
  PutU8(&out, kFrameRequest);
  PutU32(&out, id);
  PutU8(&out, op);
  PutStr(&out, a);
  PutStr(&out, b);
  return out;
}

bool DecodeServerFrame(const uint8_t* body, size_t size, ServerFrame* out) {
  Cursor c(body, size);
  *out = ServerFrame();
  if (!c.U8(&out->type)) return false;
  bool ok = false;
  switch (out->type) {
    case kFrameWelcome:
      ok = c.U16(&out->version) && c.U64(&out->server_time_ms);
      break;
    case kFrameRefused:
      ok = c.I32(&out->code) && c.Str(&out->desc);
      break;
    case kFrameResponse:
      ok = c.U32(&out->id) && c.I32(&out->code) && c.Str(&out->desc) && c.Str(&out->json);
      break;
    case kFramePush:
      ok = c.U8(&out->event) && c.Str(&out->json);
      break;
    default:
      return false;
  }
  return ok && c.AtEnd();
}

void FrameReader::Append(const char* data, size_t size) {
  // Compact lazily so that a long session does not grow the buffer without bound.
  if (offset_ > 0 && offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  } else if (offset_ > 65536 && offset_ * 2 > buffer_.size()) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(data, size);
}

FrameReader::Result FrameReader::Next(ServerFrame* out, std::string* error) {
  size_t available = buffer_.size() - offset_;
  if (available < 4) return kNeedMore;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(buffer_.data() + offset_);
  uint32_t length = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  if (length > kMaxFrameLength) {
    *error = "frame length " + std::to_string(length) + " over the 1 MB maximum";
    return kError;
  }
  if (available - 4 < length) return kNeedMore;
  if (!DecodeServerFrame(p + 4, length, out)) {
    *error = "malformed frame";
    return kError;
  }
  offset_ += 4 + size_t{length};
  return kFrame;
}

void FrameReader::Clear() {
  buffer_.clear();
  offset_ = 0;
}

}  // namespace tim_emulator
