#include "connection.h"

#include <algorithm>
#include <system_error>
#include <utility>
#include <vector>

#include "codes.h"
#include "log.h"

namespace tim_emulator {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr Clock::duration kConnectTimeout = seconds(5);  // TCP connect + handshake
constexpr Clock::duration kInitialBackoff = milliseconds(200);
constexpr Clock::duration kMaxBackoff = seconds(5);
constexpr Clock::duration kRequestTimeout = seconds(30);  // then 6012, the vendor's timeout code
constexpr Clock::duration kPingInterval = seconds(10);
constexpr Clock::duration kPingTimeout = seconds(10);  // unanswered ping: the link is dead
constexpr size_t kMaxInFlight = 1000;                  // then 9507, as the vendor
constexpr size_t kReadChunk = 65536;
constexpr size_t kMaxReadPerWake = 4 * 1048576;  // keep writes and timers fair under floods

const char kClientName[] = "tim-native-emulator/0.2";

}  // namespace

Connection::Connection(Options options, ConnectionEvents events)
    : options_(std::move(options)), events_(std::move(events)) {}

bool Connection::Start(std::string* error) {
  if (!waker_.ok()) {
    *error = "cannot create the wake-up channel";
    return false;
  }
  try {
    // The thread owns a reference: the connection outlives its last user if the thread is
    // still finishing (or was detached at process exit).
    thread_ = std::thread([self = shared_from_this()] { self->Run(); });
  } catch (const std::system_error& e) {
    *error = e.what();
    return false;
  }
  return true;
}

int32_t Connection::Send(uint8_t op, const std::string& a, const std::string& b, Completion done,
                         Clock::duration connect_wait) {
  if (RequestFrameLength(a.size(), b.size()) > kMaxFrameLength) return kCodeFrameTooLarge;
  // Encode outside the lock with id 0, then patch the id in (bytes 5..8: after length and type).
  std::string frame = EncodeRequest(0, op, a, b);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return kCodeInterrupted;
    if (pending_.size() >= kMaxInFlight) return kCodeTooManyRequests;
    if (!connected_ && connect_wait <= Clock::duration::zero()) return kCodeDisconnected;
    uint32_t id = next_id_++;
    while (id == 0 || pending_.count(id) != 0) id = next_id_++;
    for (int i = 0; i < 4; ++i) frame[5 + i] = static_cast<char>(id >> (24 - 8 * i));
    Pending p;
    p.done = std::move(done);
    if (connected_) {
      outbound_.append(frame);
      p.sent = true;
      p.deadline = Clock::now() + kRequestTimeout;
    } else {
      p.frame = std::move(frame);
      p.deadline = Clock::now() + connect_wait;
    }
    pending_.emplace(id, std::move(p));
  }
  waker_.Signal();
  return 0;
}

std::thread Connection::Stop(int32_t code, const std::string& desc) {
  PendingMap taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return std::thread();
    stopping_ = true;
    connected_ = false;
    outbound_.clear();
    taken.swap(pending_);
  }
  waker_.Signal();
  for (auto& entry : taken) entry.second.done(code, desc, "");
  return std::move(thread_);
}

bool Connection::stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

// Network thread: the whole life of the connection.
void Connection::Run() {
  Clock::duration backoff = kInitialBackoff;
  while (!stopping()) {
    Log("connecting to %s:%u", options_.host.c_str(), unsigned{options_.port});
    events_.on_connecting();
    int32_t code = 0;
    std::string error;
    uint64_t server_time_ms = 0;
    bool refused = false;
    if (ConnectOnce(&code, &error, &server_time_ms, &refused)) {
      backoff = kInitialBackoff;
      RunSession(server_time_ms);
    } else if (!stopping()) {
      Log("connect failed (%d): %s", code, error.c_str());
      events_.on_connect_failed(code, error);
      // Nothing listens there: a login waiting for this connection fails now, saying so, instead
      // of retrying until its 5 s deadline (docs/emulator-protocol.md, "When the emulator is
      // down").
      if (refused) {
        FailWaiting(kCodeConnectTimeout, "connection refused by " + options_.host + ":" +
                                             std::to_string(options_.port) +
                                             " (is the emulator running there?)");
      }
    }
    if (stopping()) break;
    if (!RequestWaits() && !events_.needs_connection()) {
      Log("not reconnecting until a request needs the connection");
      WaitForRequest();
      backoff = kInitialBackoff;
      continue;
    }
    WaitBackoff(backoff);
    backoff = std::min<Clock::duration>(backoff * 2, kMaxBackoff);
  }
  socket_.Close();
}

// Network thread. Whether a request (a login) waits for a connection.
bool Connection::RequestWaits() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& entry : pending_) {
    if (!entry.second.sent) return true;
  }
  return false;
}

// Network thread. Parks until a request waits for a connection or Stop is called; Send wakes it.
void Connection::WaitForRequest() {
  while (!stopping() && !RequestWaits()) Wait(false, false, Clock::now() + seconds(60));
}

// Network thread. Tries every resolved address within one kConnectTimeout, then handshakes.
// `refused`: every address refused the connection.
bool Connection::ConnectOnce(int32_t* code, std::string* error, uint64_t* server_time_ms,
                             bool* refused) {
  *code = kCodeConnectTimeout;
  *refused = false;
  Clock::time_point deadline = Clock::now() + kConnectTimeout;
  std::vector<ResolvedAddress> addresses;
  if (!Resolve(options_.host, options_.port, &addresses, error)) return false;
  size_t refusals = 0;
  for (const ResolvedAddress& address : addresses) {
    TcpSocket::ConnectState state = socket_.BeginConnect(address, error);
    while (state == TcpSocket::kInProgress) {
      PollResult r = Wait(true, true, deadline);
      if (stopping()) {
        socket_.Close();
        return false;
      }
      if (r.writable || r.readable) {
        state = socket_.FinishConnect(error) ? TcpSocket::kConnected : TcpSocket::kFailed;
      } else if (Clock::now() >= deadline) {
        socket_.Close();
        *error = "connect timeout";
        return false;
      }
    }
    if (state == TcpSocket::kConnected) {
      if (Handshake(deadline, code, error, server_time_ms)) return true;
      socket_.Close();
      return false;
    }
    if (socket_.refused()) ++refusals;
  }
  *refused = !addresses.empty() && refusals == addresses.size();
  return false;
}

// Network thread. Writes the preface and HELLO, then waits for WELCOME or REFUSED.
bool Connection::Handshake(Clock::time_point deadline, int32_t* code, std::string* error,
                           uint64_t* server_time_ms) {
  reader_.Clear();
  writing_.assign(kPreface, kPrefaceSize);
  writing_.append(
      EncodeHello(options_.sdk_app_id, kClientName, options_.device, options_.platform));
  written_ = 0;
  bool closed = false;  // the peer closed or the socket failed; frames already read still count
  std::string io_error;
  for (;;) {
    if (!closed && !WriteAvailable(&io_error)) closed = true;
    ServerFrame frame;
    FrameReader::Result result = reader_.Next(&frame, error);
    if (result == FrameReader::kError) return false;
    if (result == FrameReader::kFrame) {
      if (frame.type == kFrameRefused) {
        *code = frame.code;
        *error = frame.desc;
        return false;
      }
      if (frame.type != kFrameWelcome) {
        *error = "unexpected frame before WELCOME";
        return false;
      }
      if (frame.version != kProtocolVersion) {
        *error = "server speaks protocol version " + std::to_string(frame.version);
        return false;
      }
      *server_time_ms = frame.server_time_ms;
      writing_.clear();
      written_ = 0;
      return true;  // frames after WELCOME stay in reader_ for the session
    }
    if (closed) {
      *error = io_error;
      return false;
    }
    if (stopping()) return false;
    if (Clock::now() >= deadline) {
      *error = "handshake timeout";
      return false;
    }
    PollResult r = Wait(true, written_ < writing_.size(), deadline);
    if (r.readable && !ReadAvailable(&io_error)) closed = true;
  }
}

// Network thread. Serves one established connection until it drops or Stop is called.
void Connection::RunSession(uint64_t server_time_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    connected_ = true;
    // Requests that waited for the connection (a login) go out first, in the order made.
    Clock::time_point now = Clock::now();
    for (auto& entry : pending_) {
      Pending& p = entry.second;
      if (p.sent) continue;
      outbound_.append(p.frame);
      std::string().swap(p.frame);
      p.sent = true;
      p.deadline = now + kRequestTimeout;
    }
  }
  Log("connected (server time %llu ms)", static_cast<unsigned long long>(server_time_ms));
  events_.on_connected(server_time_ms);
  Clock::time_point next_ping = Clock::now() + kPingInterval;
  std::string error;
  for (;;) {
    if (!DispatchFrames(&error)) break;
    if (stopping()) return;  // Stop already failed every request
    if (!WriteAvailable(&error)) break;
    if (ping_lost_) {
      error = "keep-alive timeout";
      break;
    }
    if (Clock::now() >= next_ping) {
      QueuePing();
      next_ping = Clock::now() + kPingInterval;
      continue;
    }
    PollResult r = Wait(true, written_ < writing_.size(), next_ping);
    if (r.readable && !ReadAvailable(&error)) {
      std::string frame_error;
      DispatchFrames(&frame_error);  // what arrived before the close still counts
      break;
    }
  }
  DropSession(error);
}

// Network thread. Sleeps `backoff`, or only kInitialBackoff while a request waits for a
// connection; returns early on Stop.
void Connection::WaitBackoff(Clock::duration backoff) {
  Clock::time_point start = Clock::now();
  while (!stopping()) {
    bool someone_waits = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& entry : pending_) someone_waits = someone_waits || !entry.second.sent;
    }
    Clock::time_point until =
        start + (someone_waits ? std::min(backoff, kInitialBackoff) : backoff);
    if (Clock::now() >= until) return;
    Wait(false, false, until);
  }
}

// Network thread. Polls until `until`, the nearest request deadline, or a wake-up; then
// expires whatever is due.
PollResult Connection::Wait(bool with_socket, bool want_write, Clock::time_point until) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& entry : pending_) until = std::min(until, entry.second.deadline);
  }
  auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
  int timeout_ms = static_cast<int>(std::clamp<int64_t>(left + 1, 0, 60000));
  PollResult r = Poll(with_socket ? &socket_ : nullptr, want_write, &waker_, timeout_ms);
  if (r.woken) waker_.Drain();
  ExpireDeadlines();
  return r;
}

// Network thread. Requests waiting for a connection fail 9510, sent ones 6012; an expired
// keep-alive marks the session dead (ping_lost_).
void Connection::ExpireDeadlines() {
  std::vector<std::pair<Pending, int32_t>> expired;
  Clock::time_point now = Clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      if (it->second.ping) ping_lost_ = true;
      int32_t code = it->second.sent ? kCodeRequestTimeout : kCodeConnectTimeout;
      expired.emplace_back(std::move(it->second), code);
      it = pending_.erase(it);
    }
  }
  for (auto& entry : expired) {
    entry.first.done(entry.second,
                     entry.second == kCodeRequestTimeout ? "request timeout" : "connect timeout",
                     "");
  }
}

// Network thread. Fails every request still waiting for a connection (not yet sent) now.
void Connection::FailWaiting(int32_t code, const std::string& desc) {
  std::vector<Pending> failed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.sent) {
        ++it;
        continue;
      }
      failed.push_back(std::move(it->second));
      it = pending_.erase(it);
    }
  }
  for (Pending& p : failed) p.done(code, desc, "");
}

// Network thread. False when the socket failed or the peer closed (data read before that is
// kept in reader_).
bool Connection::ReadAvailable(std::string* error) {
  char buffer[kReadChunk];
  for (size_t total = 0; total < kMaxReadPerWake;) {
    long n = socket_.Recv(buffer, sizeof buffer, error);
    if (n < 0) return false;
    if (n == 0) return true;
    reader_.Append(buffer, static_cast<size_t>(n));
    total += static_cast<size_t>(n);
  }
  return true;
}

// Network thread. Writes what the socket takes; during a session refills from outbound_.
bool Connection::WriteAvailable(std::string* error) {
  for (;;) {
    if (written_ == writing_.size()) {
      writing_.clear();
      written_ = 0;
      std::lock_guard<std::mutex> lock(mu_);
      if (!connected_) return true;  // handshake done or nothing to send
      writing_.swap(outbound_);
    }
    if (writing_.empty()) return true;
    long n = socket_.Send(writing_.data() + written_, writing_.size() - written_, error);
    if (n < 0) return false;
    if (n == 0) return true;
    written_ += static_cast<size_t>(n);
  }
}

// Network thread. Delivers every complete frame in reader_. False on a protocol error.
bool Connection::DispatchFrames(std::string* error) {
  for (;;) {
    ServerFrame frame;
    FrameReader::Result result = reader_.Next(&frame, error);
    if (result == FrameReader::kNeedMore) return true;
    if (result == FrameReader::kError) return false;
    if (frame.type == kFrameResponse) {
      Completion done;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = pending_.find(frame.id);
        if (it != pending_.end()) {
          done = std::move(it->second.done);
          pending_.erase(it);
        }
      }
      if (done) done(frame.code, frame.desc, frame.json);  // unknown id: a late answer, dropped
    } else if (frame.type == kFramePush) {
      events_.on_push(frame.event, frame.json);
    }
  }
}

// Network thread. The socket is gone: every sent request fails 9508 at once.
void Connection::DropSession(const std::string& reason) {
  socket_.Close();
  reader_.Clear();
  writing_.clear();
  written_ = 0;
  ping_lost_ = false;
  std::vector<Pending> lost;
  {
    std::lock_guard<std::mutex> lock(mu_);
    connected_ = false;
    outbound_.clear();
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (!it->second.sent) {
        ++it;
        continue;
      }
      lost.push_back(std::move(it->second));
      it = pending_.erase(it);
    }
  }
  Log("disconnected: %s", reason.c_str());
  for (Pending& p : lost) p.done(kCodeDisconnected, "network disconnected", "");
  if (!stopping()) events_.on_disconnected(kCodeDisconnected, reason);
}

// Network thread. The keep-alive: its answer is ignored, only its absence matters.
void Connection::QueuePing() {
  std::string frame = EncodeRequest(0, kOpPing, "", "");
  std::lock_guard<std::mutex> lock(mu_);
  if (!connected_ || pending_.size() >= kMaxInFlight) return;
  uint32_t id = next_id_++;
  while (id == 0 || pending_.count(id) != 0) id = next_id_++;
  for (int i = 0; i < 4; ++i) frame[5 + i] = static_cast<char>(id >> (24 - 8 * i));
  outbound_.append(frame);
  Pending p;
  p.done = [](int32_t, const std::string&, const std::string&) {};
  p.sent = true;
  p.ping = true;
  p.deadline = Clock::now() + kPingTimeout;
  pending_.emplace(id, std::move(p));
}

}  // namespace tim_emulator
