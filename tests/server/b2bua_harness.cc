#include "tests/server/b2bua_harness.h"

namespace cpark::server::test {

Deployment flow_deployment() {
  Deployment d;
  d.pools = {{"pool1", "", true, OrbitChoice::Next}};
  auto range = [](const char* name, const char* a, const char* b, RangeType t) {
    OrbitRange r;
    r.name = name; r.start = a; r.end = b; r.type = t; r.pool = "pool1";
    return r;
  };
  d.ranges = {range("park", "*7000", "*7009", RangeType::CallPark), range("groups", "#7100", "#7109", RangeType::GroupPickup)};
  CallParkSettings s;
  s.timeout_seconds = 60;
  s.ring_seconds = 20;
  d.settings = {s};
  d.policies = {{"global", true}};
  auto user = [](const char* name, const char* ext, const char* group) {
    User u;
    u.name = name; u.extension = ext; u.pool = "pool1"; u.pickup_group = group;
    return u;
  };
  d.users = {user("alice", "1001", ""), user("bob", "1002", "#7100"), user("carol", "1003", "#7100")};
  return d;
}

ServerConfig Harness::default_config() {
  ServerConfig c;
  c.domain = "example.test";
  c.pool = "pool1";
  c.advertised_host = "127.0.0.1";
  c.advertised_port = 5060;
  c.rtp_host = "127.0.0.1";
  c.rtp_port = 40000;
  c.nonce_secret = "test-secret";
  c.seed = 7;
  return c;
}

Harness::Harness(Deployment d, ServerConfig config) : server_(std::make_unique<B2bua>(std::move(config))) {
  server_->set_log([this](const LogEvent& e) { logs.push_back(e); });
  auto v = validate_deployment(std::move(d));
  EXPECT_TRUE(v.ok()) << (v ? "" : v.message());
  EXPECT_TRUE(server_->serve(now_, *v).ok());
}

void Harness::send(const sip::Address& from, std::string text, bool valid) {
  // Test texts use LF; SIP wants CRLF.
  std::string wire;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) wire += '\r';
    wire += text[i];
  }
  if (valid) {
    sip::Message probe;
    sip::ParseError error;
    EXPECT_TRUE(sip::parse_and_validate(wire, probe, error)) << "a test phone sent bad SIP: " << error.reason << "\n" << wire;
  }
  server_->receive(now_, from, wire);
  collect();
}

void Harness::advance(Time t) {
  while (auto d = server_->next_deadline()) {
    if (*d > t) break;
    now_ = std::max(now_, *d);
    server_->handle_timeout(now_);
    collect();
  }
  now_ = std::max(now_, t);
}

void Harness::collect() {
  while (auto t = server_->poll_transmit())
    inbox_[{std::string(t->destination.host()), t->destination.port}].push_back(std::string(t->bytes));
  while (auto m = server_->poll_media()) media.push_back(*m);
}

std::vector<Received> Harness::take(const sip::Address& to) {
  std::vector<Received> out;
  auto& box = inbox_[{std::string(to.host()), to.port}];
  for (std::string& bytes : box) {
    Received r;
    r.bytes = std::move(bytes);
    r.message = std::make_unique<sip::Message>();
    sip::ParseError error;
    // A 400 echoes the fields it could not parse, so it may not parse either.
    if (!sip::parse_message(r.bytes, *r.message, error)) {
      EXPECT_EQ(r.bytes.rfind("SIP/2.0 400 ", 0), 0u) << "the server sent bad SIP: " << error.reason << "\n" << r.bytes;
      r.message.reset();
    }
    out.push_back(std::move(r));
  }
  box.clear();
  return out;
}

const sip::Message* Harness::find(const std::vector<Received>& msgs, int status) {
  for (auto& r : msgs)
    if (r.message && r.message->is_response() && r.message->status() == status) return r.message.get();
  return nullptr;
}

const sip::Message* Harness::find(const std::vector<Received>& msgs, std::string_view method) {
  for (auto& r : msgs)
    if (r.message && r.message->is_request() && r.message->method_text() == method) return r.message.get();
  return nullptr;
}

}  // namespace cpark::server::test

namespace cpark::server::test {

namespace {

std::string crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string uri_of(std::string_view value) {
  const auto open = value.find('<');
  if (open == std::string_view::npos) return std::string(value.substr(0, value.find(';')));
  return std::string(value.substr(open + 1, value.find('>', open) - open - 1));
}

}  // namespace

std::string header(const sip::Message& m, std::string_view name) {
  if (const sip::Header* h = m.find(name)) return std::string(h->value);
  return {};
}

std::string Phone::sdp() const {
  return crlf("v=0\no=" + user_ + " 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio " +
              std::to_string(rtp_) + " RTP/AVP 0\na=rtpmap:0 PCMU/8000\n");
}

void Phone::register_phone(int expires) {
  const std::string n = std::to_string(next_++);
  h_.send(address(), "REGISTER sip:example.test SIP/2.0\n"
                     "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port_) + ";branch=z9hG4bK-reg-" + user_ + n + "\n"
                     "From: <sip:" + user_ + "@example.test>;tag=reg" + user_ + "\n"
                     "To: <sip:" + user_ + "@example.test>\n"
                     "Call-ID: reg-" + user_ + "\n"
                     "CSeq: " + n + " REGISTER\n"
                     "Contact: <sip:" + user_ + "@127.0.0.1:" + std::to_string(port_) + ">\n"
                     "Expires: " + std::to_string(expires) + "\n"
                     "Content-Length: 0\n\n");
}

PhoneDialog Phone::invite(const std::string& target, const std::string& extra_headers) {
  PhoneDialog d;
  const std::string n = std::to_string(next_++);
  d.call_id = user_ + "-call-" + n;
  d.local_tag = "t" + user_ + n;
  d.local_uri = "sip:" + user_ + "@example.test";
  const std::string user_part = target.substr(0, target.find(';'));
  const std::string params = target.find(';') == std::string::npos ? "" : target.substr(target.find(';'));
  d.remote_uri = "sip:" + user_part + "@example.test";
  const std::string body = sdp();
  std::string text = "INVITE sip:" + user_part + "@example.test" + params + " SIP/2.0\n"
                     "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port_) + ";branch=z9hG4bK-" + d.call_id + "\n"
                     "From: \"" + user_ + "\" <" + d.local_uri + ">;tag=" + d.local_tag + "\n"
                     "To: <" + d.remote_uri + ">\n"
                     "Call-ID: " + d.call_id + "\n"
                     "CSeq: 1 INVITE\n"
                     "Contact: <sip:" + user_ + "@127.0.0.1:" + std::to_string(port_) + ">\n"
                     "Max-Forwards: 70\n" + extra_headers +
                     "Content-Type: application/sdp\n"
                     "Content-Length: " + std::to_string(body.size()) + "\n\n";
  h_.send(address(), crlf(text) + body);
  return d;
}

void Phone::ack(PhoneDialog& d, const sip::Message& ok) {
  d.remote_tag = std::string(ok.to_tag());
  d.remote_target = uri_of(ok.value(sip::HeaderKind::contact));
  h_.send(address(), "ACK " + d.remote_target + " SIP/2.0\n"
                     "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port_) + ";branch=z9hG4bK-ack" + std::to_string(next_++) + "\n"
                     "From: <" + d.local_uri + ">;tag=" + d.local_tag + "\n"
                     "To: <" + d.remote_uri + ">;tag=" + d.remote_tag + "\n"
                     "Call-ID: " + d.call_id + "\n"
                     "CSeq: " + std::to_string(d.invite_cseq) + " ACK\n"
                     "Content-Length: 0\n\n");
}

PhoneDialog Phone::answer(const sip::Message& request, int status, bool with_sdp) {
  PhoneDialog d;
  d.call_id = std::string(request.call_id());
  d.remote_tag = std::string(request.from_tag());
  d.local_tag = request.to_tag().empty() ? "a" + user_ + std::to_string(next_++) : std::string(request.to_tag());
  d.remote_uri = uri_of(request.value(sip::HeaderKind::from));
  d.local_uri = uri_of(request.value(sip::HeaderKind::to));
  d.remote_target = uri_of(request.value(sip::HeaderKind::contact));
  d.cseq = 100;
  std::string text = "SIP/2.0 " + std::to_string(status) + " Whatever\n";
  for (const sip::Header& h : request.headers())
    if (h.kind == sip::HeaderKind::via) text += "Via: " + std::string(h.value) + "\n";
  std::string to(request.value(sip::HeaderKind::to));
  if (request.to_tag().empty() && status != 100) to += ";tag=" + d.local_tag;
  text += "From: " + std::string(request.value(sip::HeaderKind::from)) + "\n"
          "To: " + to + "\n"
          "Call-ID: " + d.call_id + "\n"
          "CSeq: " + std::string(request.value(sip::HeaderKind::cseq)) + "\n"
          "Contact: <sip:" + user_ + "@127.0.0.1:" + std::to_string(port_) + ">\n";
  const std::string body = with_sdp ? sdp() : std::string();
  if (with_sdp) text += "Content-Type: application/sdp\n";
  text += "Content-Length: " + std::to_string(body.size()) + "\n\n";
  h_.send(address(), crlf(text) + body);
  return d;
}

std::string Phone::in_dialog(PhoneDialog& d, const std::string& method, const std::string& extra,
                             const std::string& body, const std::string& content_type) {
  ++d.cseq;
  std::string text = method + " " + d.remote_target + " SIP/2.0\n"
                     "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port_) + ";branch=z9hG4bK-" + method +
                     std::to_string(next_++) + "\n"
                     "From: <" + d.local_uri + ">;tag=" + d.local_tag + "\n"
                     "To: <" + d.remote_uri + ">;tag=" + d.remote_tag + "\n"
                     "Call-ID: " + d.call_id + "\n"
                     "CSeq: " + std::to_string(d.cseq) + " " + method + "\n"
                     "Contact: <sip:" + user_ + "@127.0.0.1:" + std::to_string(port_) + ">\n" + extra;
  if (!content_type.empty()) text += "Content-Type: " + content_type + "\n";
  text += "Content-Length: " + std::to_string(body.size()) + "\n\n";
  return crlf(text) + body;
}

void Phone::bye(PhoneDialog& d) { h_.send(address(), in_dialog(d, "BYE")); }

void Phone::refer(PhoneDialog& d, const std::string& refer_to) {
  h_.send(address(), in_dialog(d, "REFER", "Refer-To: <" + refer_to + ">\nReferred-By: <sip:" + user_ + "@example.test>\n"));
}

}  // namespace cpark::server::test
