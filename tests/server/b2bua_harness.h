// A small simulated network around the B2BUA core for tests: phones are addresses that
// send raw SIP text and collect what the server sends them; time is simulated. Same
// core as `cpark serve`, no sockets.
#pragma once
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/b2bua.h"
#include "sip/message.h"
#include "sip/parser.h"

namespace cpark::server::test {

struct Received {
  std::string bytes;
  std::unique_ptr<sip::Message> message;  // parsed view into `bytes`; null if unparsable
};

// The deployment the flow tests use: one pool, orbits *7000-*7009, group #7100,
// alice 1001, bob 1002, carol 1003 (bob and carol in the group), call park on.
Deployment flow_deployment();

class Harness {
 public:
  explicit Harness(Deployment d = flow_deployment(), ServerConfig config = default_config());
  static ServerConfig default_config();

  B2bua& server() { return *server_; }
  Time now() const { return now_; }

  // Delivers `text` (CRLF line ends added where missing) from `from` to the server;
  // `valid` says the test means it to be well-formed SIP (checked).
  void send(const sip::Address& from, std::string text, bool valid = true);
  // Runs the server's timers up to `t`, delivering what it sends.
  void advance(Time t);
  // What the server sent to `to` since the last take(), oldest first.
  std::vector<Received> take(const sip::Address& to);
  // The first message to `to` that is a response `status` (or request `method`).
  static const sip::Message* find(const std::vector<Received>& msgs, int status);
  static const sip::Message* find(const std::vector<Received>& msgs, std::string_view method);
  // A temporary would die before the pointer found in it is used.
  static const sip::Message* find(std::vector<Received>&&, int) = delete;
  static const sip::Message* find(std::vector<Received>&&, std::string_view) = delete;

  std::vector<LogEvent> logs;
  std::vector<MediaCommand> media;

 private:
  void collect();
  std::unique_ptr<B2bua> server_;
  Time now_{1000};
  std::map<std::pair<std::string, std::uint16_t>, std::vector<std::string>> inbox_;
};

inline sip::Address udp(std::uint16_t port) { return sip::Address(sip::Transport::udp, "127.0.0.1", port); }

}  // namespace cpark::server::test

namespace cpark::server::test {

// One side of a dialog as a phone sees it.
struct PhoneDialog {
  std::string call_id, local_tag, remote_tag;
  std::string local_uri, remote_uri;   // our From/To party and theirs
  std::string remote_target;           // where in-dialog requests go (the server's Contact)
  std::uint32_t cseq = 1;              // our last CSeq
  std::uint32_t invite_cseq = 1;
};

// A phone on the simulated network: builds its requests as text (CRLF, Content-Length)
// and reads what the server sent it.
class Phone {
 public:
  Phone(Harness& h, std::string user, std::uint16_t port, std::uint16_t rtp)
      : h_(h), user_(std::move(user)), port_(port), rtp_(rtp) {}
  sip::Address address() const { return udp(port_); }
  const std::string& user() const { return user_; }
  std::uint16_t rtp() const { return rtp_; }

  void register_phone(int expires = 3600);
  // Sends an INVITE to sip:TARGET@example.test (TARGET may carry URI parameters).
  PhoneDialog invite(const std::string& target, const std::string& extra_headers = {});
  // Acknowledges a 2xx to our INVITE and completes the dialog.
  void ack(PhoneDialog& d, const sip::Message& ok);
  // Answers a request the server sent us (an INVITE creates a dialog).
  PhoneDialog answer(const sip::Message& request, int status, bool with_sdp);
  void respond(const sip::Message& request, int status) { answer(request, status, false); }
  void bye(PhoneDialog& d);
  void refer(PhoneDialog& d, const std::string& refer_to);
  // What arrived since the last call. The phone keeps every message it was given for
  // its whole life, so a pointer found in one stays valid to the end of the test.
  const std::vector<Received>& inbox() { return kept_.emplace_back(h_.take(address())); }
  // Drops what inbox() kept (benchmarks that run many calls).
  void forget_inbox() { kept_.clear(); }
  std::string sdp() const;

 private:
  std::string in_dialog(PhoneDialog& d, const std::string& method, const std::string& extra = {},
                        const std::string& body = {}, const std::string& content_type = {});
  Harness& h_;
  std::string user_;
  std::uint16_t port_, rtp_;
  int next_ = 1;
  std::deque<std::vector<Received>> kept_;
};

// The text of `m`'s first header `name`, "" when absent.
std::string header(const sip::Message& m, std::string_view name);

}  // namespace cpark::server::test
