// libFuzzer target for the client library's frame decoder (native/emulator/frame.cc): the bytes a
// hostile or broken server could send. Checks, beyond "no crash, no UB, no leak" (ASan/UBSan):
//  - FrameReader gives the same frames whatever way the bytes are cut into Append calls;
//  - a frame DecodeServerFrame accepts re-encodes to exactly the bytes it came from (the encoding
//  is
//    canonical: fixed-width fields and length-prefixed strings), so nothing is silently dropped.
// The first input byte chooses the chunk size of the incremental pass; the rest is the stream.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "../../native/emulator/frame.h"

namespace {

using tim_emulator::FrameReader;
using tim_emulator::ServerFrame;

void PutUint(std::string* out, uint64_t v, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>(v >> shift));
}

void PutStr(std::string* out, const std::string& s) {
  PutUint(out, s.size(), 4);
  out->append(s);
}

// The body a server would have sent for `f` (the inverse of DecodeServerFrame).
std::string Reencode(const ServerFrame& f) {
  std::string body(1, static_cast<char>(f.type));
  switch (f.type) {
    case tim_emulator::kFrameWelcome:
      PutUint(&body, f.version, 2);
      PutUint(&body, f.server_time_ms, 8);
      break;
    case tim_emulator::kFrameRefused:
      PutUint(&body, static_cast<uint32_t>(f.code), 4);
      PutStr(&body, f.desc);
      break;
    case tim_emulator::kFrameResponse:
      PutUint(&body, f.id, 4);
      PutUint(&body, static_cast<uint32_t>(f.code), 4);
      PutStr(&body, f.desc);
      PutStr(&body, f.json);
      break;
    case tim_emulator::kFramePush:
      PutUint(&body, f.event, 1);
      PutStr(&body, f.json);
      break;
    default:
      abort();  // DecodeServerFrame accepted a type no server sends
  }
  return body;
}

bool SameFrame(const ServerFrame& a, const ServerFrame& b) {
  return a.type == b.type && a.version == b.version && a.server_time_ms == b.server_time_ms &&
         a.id == b.id && a.code == b.code && a.event == b.event && a.desc == b.desc &&
         a.json == b.json;
}

// Runs a FrameReader over `stream` cut into `chunk`-byte Append calls; returns the frames up to
// the first error and whether an error ended it.
std::vector<ServerFrame> ReadAll(const std::string& stream, size_t chunk, bool* failed) {
  FrameReader reader;
  std::vector<ServerFrame> frames;
  *failed = false;
  for (size_t pos = 0; pos < stream.size() && !*failed; pos += chunk) {
    reader.Append(stream.data() + pos, std::min(chunk, stream.size() - pos));
    for (;;) {
      ServerFrame frame;
      std::string error;
      FrameReader::Result r = reader.Next(&frame, &error);
      if (r == FrameReader::kNeedMore) break;
      if (r == FrameReader::kError) {
        if (error.empty()) abort();  // an error must say why
        *failed = true;
        break;
      }
      frames.push_back(frame);
    }
  }
  return frames;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t chunk = static_cast<size_t>(data[0] % 16) + 1;
  std::string stream(reinterpret_cast<const char*>(data + 1), size - 1);

  // The whole input as one frame body.
  ServerFrame single;
  if (tim_emulator::DecodeServerFrame(reinterpret_cast<const uint8_t*>(stream.data()),
                                      stream.size(), &single) &&
      Reencode(single) != stream) {
    abort();
  }

  // The input as a stream, all at once and in small chunks: the same frames, the same ending.
  bool failed_whole, failed_chunked;
  std::vector<ServerFrame> whole = ReadAll(stream, stream.size() + 1, &failed_whole);
  std::vector<ServerFrame> chunked = ReadAll(stream, chunk, &failed_chunked);
  if (whole.size() != chunked.size() || failed_whole != failed_chunked) abort();
  for (size_t i = 0; i < whole.size(); ++i) {
    if (!SameFrame(whole[i], chunked[i])) abort();
  }
  return 0;
}
