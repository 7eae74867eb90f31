// One emulator server connection and its network thread: connect, preface + HELLO/WELCOME
// handshake, frame I/O, the table of outstanding requests, request deadlines, keep-alive, and
// reconnect with backoff (200 ms doubling to 5 s) while the connection is needed. It knows nothing
// of TIM semantics: it reports what happens through ConnectionEvents and completes requests through
// their Completion.
//
// Threads: the network thread (started by Start) owns the socket. Send and Stop are called from
// any other thread; they touch only the state under `mu_` and wake the network thread. Events
// and completions run on the network thread with no lock of this class held, except the
// completions of Stop, which run on Stop's caller.
#ifndef TIM_NATIVE_EMULATOR_CONNECTION_H_
#define TIM_NATIVE_EMULATOR_CONNECTION_H_

#include <stdint.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "frame.h"
#include "socket.h"

namespace tim_emulator {

// The server's (or the client's own) answer to one request: exactly what the C callback gets.
using Completion =
    std::function<void(int32_t code, const std::string& desc, const std::string& json)>;

struct ConnectionEvents {
  std::function<void()> on_connecting;  // an attempt starts
  std::function<void(int32_t code, const std::string& desc)> on_connect_failed;
  std::function<void(uint64_t server_time_ms)> on_connected;                   // WELCOME received
  std::function<void(int32_t code, const std::string& desc)> on_disconnected;  // session lost
  std::function<void(uint8_t event, const std::string& json)> on_push;
  // Asked after a failed attempt or a lost session: whether the application needs the connection
  // back (a user logged in or logging in). When it does not and no request waits for one, the
  // network thread stops retrying until a request does (TIMLogin): an initialised client that
  // nobody logs in does not reconnect forever, nor every time a server's login deadline closes it.
  std::function<bool()> needs_connection;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  struct Options {
    std::string host;
    uint16_t port = 0;
    uint64_t sdk_app_id = 0;
    std::string device;    // HELLO: the device identity (device.h)
    std::string platform;  // HELLO: the platform name (device.h)
  };

  Connection(Options options, ConnectionEvents events);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts the network thread. False (with a reason) when a thread or the waker cannot be made.
  bool Start(std::string* error);

  // Queues a request. Returns 0 when accepted: `done` then runs exactly once, later. Otherwise
  // returns the code to report and never calls `done`: 9522 frame over 1 MB, 9507 too many in
  // flight, 9508 not connected, 7009 stopped. With `connect_wait` > 0 a request made while not
  // connected waits that long for the connection (then 9510) and cuts any reconnect backoff.
  int32_t Send(uint8_t op, const std::string& a, const std::string& b, Completion done,
               Clock::duration connect_wait = Clock::duration::zero());

  // Stops for good: fails every outstanding request with (code, desc) on the calling thread,
  // wakes the network thread and hands it back for the caller to join (it exits promptly).
  // Thread affinity: any thread but the network thread; at most once.
  std::thread Stop(int32_t code, const std::string& desc);

 private:
  struct Pending {
    Completion done;
    std::string frame;  // the encoded REQUEST while not yet written (waiting for a connection)
    Clock::time_point deadline;
    bool sent = false;
    bool ping = false;
  };
  using PendingMap = std::map<uint32_t, Pending>;

  // Network thread only.
  void Run();
  bool ConnectOnce(int32_t* code, std::string* error, uint64_t* server_time_ms, bool* refused);
  bool Handshake(Clock::time_point deadline, int32_t* code, std::string* error,
                 uint64_t* server_time_ms);
  void RunSession(uint64_t server_time_ms);
  void WaitBackoff(Clock::duration backoff);
  bool RequestWaits();
  void WaitForRequest();
  PollResult Wait(bool with_socket, bool want_write, Clock::time_point until);
  void ExpireDeadlines();
  void FailWaiting(int32_t code, const std::string& desc);
  bool ReadAvailable(std::string* error);
  bool WriteAvailable(std::string* error);
  bool DispatchFrames(std::string* error);
  void DropSession(const std::string& reason);
  void QueuePing();
  bool stopping();

  const Options options_;
  const ConnectionEvents events_;
  Waker waker_;
  std::thread thread_;  // touched only by Start and Stop

  // Network thread only.
  TcpSocket socket_;
  FrameReader reader_;
  std::string writing_;     // bytes taken from outbound_ and being written
  size_t written_ = 0;      // bytes of writing_ already sent
  bool ping_lost_ = false;  // a keep-alive went unanswered: drop the session

  std::mutex mu_;  // guards everything below
  bool stopping_ = false;
  bool connected_ = false;  // WELCOME received and the socket is up
  std::string outbound_;    // whole frames for the network thread to write
  PendingMap pending_;
  uint32_t next_id_ = 1;
};

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_CONNECTION_H_
