// Portable non-blocking TCP for the network thread: POSIX sockets, or Winsock under _WIN32.
// Every wait also watches a Waker, so that TIMUninit and callers queueing frames can interrupt
// the network thread at once instead of waiting for a timeout.
#ifndef TIM_NATIVE_EMULATOR_SOCKET_H_
#define TIM_NATIVE_EMULATOR_SOCKET_H_

#include <stddef.h>
#include <stdint.h>

#include <chrono>
#include <string>
#include <vector>

namespace tim_emulator {

#ifdef _WIN32
using SocketHandle = uintptr_t;  // SOCKET
#else
using SocketHandle = int;
#endif

using Clock = std::chrono::steady_clock;

// Initialises Winsock once per process (no-op elsewhere). Thread affinity: any thread.
bool NetStartup();

// Splits "host:port" or "[v6-host]:port". False when the port is missing or not 1..65535.
bool ParseHostPort(const std::string& address, std::string* host, uint16_t* port);

// Wakes the thread blocked in Connect/Poll. A self-pipe on POSIX, a loopback UDP socket
// connected to itself on Windows. Signal: any thread. Drain: the waiting thread.
class Waker {
 public:
  Waker();
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  bool ok() const { return ok_; }
  void Signal();
  void Drain();
  SocketHandle read_handle() const { return read_; }

 private:
  bool ok_ = false;
  SocketHandle read_;
  SocketHandle write_;
};

// One resolved socket address (opaque storage, so that this header needs no socket headers).
struct ResolvedAddress {
  int family = 0;
  int length = 0;
  unsigned char storage[128] = {};  // sockaddr_storage
};

// Every TCP address of host:port, in resolver order. Blocking, but immediate for numeric hosts
// and /etc/hosts names, which is what an emulator address is in practice.
bool Resolve(const std::string& host, uint16_t port, std::vector<ResolvedAddress>* out,
             std::string* error);

// One non-blocking TCP connection. Used only by the network thread that owns it.
class TcpSocket {
 public:
  enum ConnectState { kConnected, kInProgress, kFailed };

  TcpSocket();
  ~TcpSocket();
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  // Starts a non-blocking connect. On kInProgress, wait with Poll(want_write) and then call
  // FinishConnect. On kFailed the socket is closed.
  ConnectState BeginConnect(const ResolvedAddress& address, std::string* error);
  // After the socket became writable: true when connected; otherwise closes it.
  bool FinishConnect(std::string* error);
  // Bytes moved (> 0), 0 when the call would block, -1 on error or when the peer closed.
  long Send(const char* data, size_t size, std::string* error);
  long Recv(char* data, size_t size, std::string* error);
  void Close();
  bool is_open() const;
  SocketHandle handle() const { return fd_; }
  // Whether the last connect failed because the peer refused it (nothing listens there): a
  // definite answer, unlike a timeout or an unreachable network.
  bool refused() const { return refused_; }

 private:
  SocketHandle fd_;
  bool refused_;
};

struct PollResult {
  bool readable = false;  // data, EOF or an error is waiting on the socket
  bool writable = false;
  bool woken = false;
};

// Waits for `socket` (may be null: then only the waker and the timeout count) to become
// readable, or writable when `want_write`, for the waker, or for `timeout_ms` (< 0: no limit).
PollResult Poll(const TcpSocket* socket, bool want_write, Waker* waker, int timeout_ms);

}  // namespace tim_emulator

#endif  // TIM_NATIVE_EMULATOR_SOCKET_H_
