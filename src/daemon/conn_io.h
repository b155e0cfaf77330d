// Datagram I/O of one client connection with deadlines: a connection that
// says nothing, or stops reading its replies, never holds a thread forever.
// Works on blocking or non-blocking AF_UNIX SOCK_SEQPACKET sockets.
#pragma once

#include <string>

namespace ipadm::daemon {

enum class Recv { Message, Closed, Timeout, Oversize };

// Waits up to timeout_ms (< 0: forever) for one datagram and stores it in
// *out. Oversize: longer than max, or than kMaxMessage (the datagram is
// consumed). Closed covers EOF and socket errors.
// armed_ms (optional, for a blocking socket the caller reads only through
// this): the receive time-out last set on the socket (SO_RCVTIMEO; start
// with -1). The wait is then the receive itself, one system call per
// message, and the option is set again only when timeout_ms changes.
Recv recv_datagram(int fd, int timeout_ms, size_t max, std::string* out,
                   int* armed_ms = nullptr);

enum class Send { Sent, Stalled, Closed };

// Sends one datagram, waiting at most stall_ms for the peer to make room.
Send send_datagram(int fd, const std::string& bytes, int stall_ms);

// Ends a connection the daemon refuses while the client may still have
// requests queued behind its Hello: ends our side (the client reads what
// was sent, then EOF), discards what it sends until it closes, gives up
// after 200 ms. Closing with unread messages would reset the connection
// and the client could see ECONNRESET before it reads the refusal.
void discard_until_closed(int fd);

}  // namespace ipadm::daemon
