#include "socket.h"

#include <string.h>

#include <algorithm>
#include <mutex>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace tim_emulator {
namespace {

#ifdef _WIN32
constexpr SocketHandle kInvalid = static_cast<SocketHandle>(INVALID_SOCKET);

int LastError() { return WSAGetLastError(); }
bool WouldBlock(int err) { return err == WSAEWOULDBLOCK; }
bool InProgress(int err) { return err == WSAEWOULDBLOCK || err == WSAEINPROGRESS; }
bool Refused(int err) { return err == WSAECONNREFUSED; }
std::string ErrorText(int err) { return "socket error " + std::to_string(err); }
void CloseHandle(SocketHandle h) { closesocket(static_cast<SOCKET>(h)); }

bool SetNonBlocking(SocketHandle h) {
  u_long on = 1;
  return ioctlsocket(static_cast<SOCKET>(h), FIONBIO, &on) == 0;
}
#else
constexpr SocketHandle kInvalid = -1;

int LastError() { return errno; }
bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }
bool InProgress(int err) { return err == EINPROGRESS || err == EINTR; }
bool Refused(int err) { return err == ECONNREFUSED; }
std::string ErrorText(int err) { return strerror(err); }
void CloseHandle(SocketHandle h) { close(h); }

bool SetNonBlocking(SocketHandle h) {
  int flags = fcntl(h, F_GETFL, 0);
  // Close-on-exec: a child spawned by the application must not inherit our connection.
  return flags >= 0 && fcntl(h, F_SETFL, flags | O_NONBLOCK) == 0 &&
         fcntl(h, F_SETFD, FD_CLOEXEC) == 0;
}
#endif

}  // namespace

PollResult Poll(const TcpSocket* socket, bool want_write, Waker* waker, int timeout_ms) {
  SocketHandle fd = socket != nullptr && socket->is_open() ? socket->handle() : kInvalid;
  PollResult result;
#ifdef _WIN32
  // select() rather than WSAPoll: WSAPoll does not report failed connects on older Windows.
  fd_set rd, wr, ex;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_ZERO(&ex);
  SOCKET wake = static_cast<SOCKET>(waker->read_handle());
  FD_SET(wake, &rd);
  if (fd != kInvalid) {
    SOCKET s = static_cast<SOCKET>(fd);
    FD_SET(s, &rd);
    if (want_write) FD_SET(s, &wr);
    FD_SET(s, &ex);
  }
  timeval tv;
  timeval* tvp = nullptr;
  if (timeout_ms >= 0) {
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    tvp = &tv;
  }
  if (select(0, &rd, &wr, &ex, tvp) <= 0) return result;
  result.woken = FD_ISSET(wake, &rd) != 0;
  if (fd != kInvalid) {
    SOCKET s = static_cast<SOCKET>(fd);
    bool failed = FD_ISSET(s, &ex) != 0;
    result.readable = FD_ISSET(s, &rd) != 0 || failed;
    result.writable = FD_ISSET(s, &wr) != 0 || (failed && want_write);
  }
#else
  pollfd fds[2];
  nfds_t n = 0;
  fds[n++] = {waker->read_handle(), POLLIN, 0};
  if (fd != kInvalid) {
    short events = static_cast<short>(POLLIN | (want_write ? POLLOUT : 0));
    fds[n++] = {fd, events, 0};
  }
  if (poll(fds, n, timeout_ms) <= 0) return result;
  result.woken = (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
  if (fd != kInvalid) {
    short r = fds[1].revents;
    bool failed = (r & (POLLERR | POLLHUP | POLLNVAL)) != 0;
    result.readable = (r & POLLIN) != 0 || failed;
    result.writable = (r & POLLOUT) != 0 || (failed && want_write);
  }
#endif
  return result;
}

bool NetStartup() {
#ifdef _WIN32
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    WSADATA data;
    ok = WSAStartup(MAKEWORD(2, 2), &data) == 0;
  });
  return ok;
#else
  return true;
#endif
}

bool ParseHostPort(const std::string& address, std::string* host, uint16_t* port) {
  size_t colon;
  if (!address.empty() && address[0] == '[') {
    size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return false;
    }
    *host = address.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = address.rfind(':');
    if (colon == std::string::npos) return false;
    *host = address.substr(0, colon);
  }
  std::string digits = address.substr(colon + 1);
  if (host->empty() || digits.empty() || digits.size() > 5) return false;
  unsigned long value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  *port = static_cast<uint16_t>(value);
  return true;
}

bool Resolve(const std::string& host, uint16_t port, std::vector<ResolvedAddress>* out,
             std::string* error) {
  out->clear();
  if (!NetStartup()) {
    *error = "cannot initialise Winsock";
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list) != 0 ||
      list == nullptr) {
    *error = "cannot resolve " + host;
    return false;
  }
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    ResolvedAddress address;
    if (ai->ai_addrlen > sizeof address.storage) continue;
    address.family = ai->ai_family;
    address.length = static_cast<int>(ai->ai_addrlen);
    memcpy(address.storage, ai->ai_addr, ai->ai_addrlen);
    out->push_back(address);
  }
  freeaddrinfo(list);
  if (out->empty()) *error = "no address for " + host;
  return !out->empty();
}

Waker::Waker() : read_(kInvalid), write_(kInvalid) {
#ifdef _WIN32
  if (!NetStartup()) return;
  SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (s == INVALID_SOCKET) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int len = sizeof addr;
  if (bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      !SetNonBlocking(static_cast<SocketHandle>(s))) {
    closesocket(s);
    return;
  }
  read_ = write_ = static_cast<SocketHandle>(s);
#else
  int fds[2];
  if (pipe(fds) != 0) return;
  if (!SetNonBlocking(fds[0]) || !SetNonBlocking(fds[1])) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  read_ = fds[0];
  write_ = fds[1];
#endif
  ok_ = true;
}

Waker::~Waker() {
  if (!ok_) return;
  CloseHandle(read_);
  if (write_ != read_) CloseHandle(write_);
}

void Waker::Signal() {
  if (!ok_) return;
  char byte = 1;
  // A full pipe already means "woken": ignoring EAGAIN is correct.
#ifdef _WIN32
  send(static_cast<SOCKET>(write_), &byte, 1, 0);
#else
  ssize_t ignored = write(write_, &byte, 1);
  (void)ignored;
#endif
}

void Waker::Drain() {
  if (!ok_) return;
  char buf[64];
#ifdef _WIN32
  while (recv(static_cast<SOCKET>(read_), buf, sizeof buf, 0) > 0) {
  }
#else
  while (read(read_, buf, sizeof buf) > 0) {
  }
#endif
}

TcpSocket::TcpSocket() : fd_(kInvalid), refused_(false) {}

TcpSocket::~TcpSocket() { Close(); }

bool TcpSocket::is_open() const { return fd_ != kInvalid; }

void TcpSocket::Close() {
  if (fd_ == kInvalid) return;
  CloseHandle(fd_);
  fd_ = kInvalid;
}

TcpSocket::ConnectState TcpSocket::BeginConnect(const ResolvedAddress& address,
                                                std::string* error) {
  Close();
  refused_ = false;
  SocketHandle fd = static_cast<SocketHandle>(socket(address.family, SOCK_STREAM, IPPROTO_TCP));
  if (fd == kInvalid) {
    *error = ErrorText(LastError());
    return kFailed;
  }
  if (!SetNonBlocking(fd)) {
    *error = ErrorText(LastError());
    CloseHandle(fd);
    return kFailed;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one), sizeof one);
#ifdef SO_NOSIGPIPE
  setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  fd_ = fd;
  if (connect(fd, reinterpret_cast<const sockaddr*>(address.storage), address.length) == 0) {
    return kConnected;
  }
  int err = LastError();
  if (InProgress(err)) return kInProgress;
  refused_ = Refused(err);
  *error = ErrorText(err);
  Close();
  return kFailed;
}

bool TcpSocket::FinishConnect(std::string* error) {
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&so_error), &len) != 0) {
    so_error = LastError();
  }
  if (so_error == 0) return true;
  refused_ = Refused(so_error);
  *error = ErrorText(so_error);
  Close();
  return false;
}

long TcpSocket::Send(const char* data, size_t size, std::string* error) {
#ifdef _WIN32
  int n =
      send(static_cast<SOCKET>(fd_), data, static_cast<int>(std::min<size_t>(size, 1 << 30)), 0);
#elif defined(MSG_NOSIGNAL)
  ssize_t n = send(fd_, data, size, MSG_NOSIGNAL);  // no SIGPIPE into the application
#else
  ssize_t n = send(fd_, data, size, 0);  // SO_NOSIGPIPE set at connect
#endif
  if (n >= 0) return static_cast<long>(n);
  int err = LastError();
  if (WouldBlock(err)) return 0;
  *error = ErrorText(err);
  return -1;
}

long TcpSocket::Recv(char* data, size_t size, std::string* error) {
#ifdef _WIN32
  int n =
      recv(static_cast<SOCKET>(fd_), data, static_cast<int>(std::min<size_t>(size, 1 << 30)), 0);
#else
  ssize_t n = recv(fd_, data, size, 0);
#endif
  if (n > 0) return static_cast<long>(n);
  if (n == 0) {
    *error = "connection closed by the server";
    return -1;
  }
  int err = LastError();
  if (WouldBlock(err)) return 0;
  *error = ErrorText(err);
  return -1;
}

}  // namespace tim_emulator
