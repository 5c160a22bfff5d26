// `cpark serve`: the SIP server (registrar + B2BUA, §7) on the store's deployment.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <iostream>

#include "cli/commands.h"
#include "server/sip_server.h"

namespace cpark::cli {

namespace {

// "ADDRESS:PORT" (both transports), "udp:ADDRESS:PORT" or "tcp:…"; IPv6 in brackets.
std::vector<server::ListenSpec> parse_listen(const std::string& text) {
  std::string rest = text;
  std::vector<sip::Transport> transports = {sip::Transport::udp, sip::Transport::tcp};
  if (rest.rfind("udp:", 0) == 0) transports = {sip::Transport::udp}, rest = rest.substr(4);
  else if (rest.rfind("tcp:", 0) == 0) transports = {sip::Transport::tcp}, rest = rest.substr(4);
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw CommandError(kUsage, "--listen \"" + text + "\" must be ADDRESS:PORT, e.g. 127.0.0.1:5060 or udp:0.0.0.0:5060");
  std::string host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const std::string p = rest.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || ptr != p.data() + p.size() || port > 65535)
    throw CommandError(kUsage, "--listen \"" + text + "\": port \"" + p + "\" must be a number from 0 to 65535");
  std::vector<server::ListenSpec> out;
  for (auto t : transports) out.push_back({t, host, std::uint16_t(port)});
  return out;
}

// "SHA-256,MD5": the digest algorithms offered, in order (RFC 8760 §2.4).
std::vector<sip::DigestAlgorithm> parse_digest_algorithms(const std::string& text) {
  std::vector<sip::DigestAlgorithm> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string name = text.substr(start, comma - start);
    for (char& c : name) c = char(std::toupper(static_cast<unsigned char>(c)));
    sip::DigestAlgorithm a;
    if (name == "MD5") a = sip::DigestAlgorithm::md5;
    else if (name == "SHA-256") a = sip::DigestAlgorithm::sha256;
    else
      throw CommandError(kUsage, "--digest-algorithms \"" + text + "\": \"" + name +
                                     "\" is not MD5 or SHA-256 (RFC 8760)");
    if (std::find(out.begin(), out.end(), a) != out.end())
      throw CommandError(kUsage, "--digest-algorithms \"" + text + "\" names " + name + " twice");
    out.push_back(a);
    start = comma + 1;
  }
  return out;
}

}  // namespace

void add_serve_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("serve", "Run the SIP server (registrar and B2BUA) on the store's deployment (§7)");
  struct Args {
    std::vector<std::string> listen;
    std::string domain, pool, metrics = "127.0.0.1:0", log_format = "text", advertise, digest = "SHA-256,MD5";
    bool require_auth = false, realtime_media = false, verbose = false;
    int drain_seconds = 10;
    unsigned rtp_port = 0, t1_ms = 500;
    double engine_time_scale = 1;
    std::size_t max_transactions = 10000;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--listen", a->listen,
                  "ADDRESS:PORT to listen on (UDP and TCP; prefix udp: or tcp: for one). Repeatable. "
                  "Default 127.0.0.1:5060");
  cmd->add_option("--domain", a->domain, "The SIP domain served: bare user names are user@DOMAIN (default: the listen address)");
  cmd->add_option("--pool", a->pool, "The pool this server is (default: the store's only pool)");
  cmd->add_option("--metrics", a->metrics, "ADDRESS:PORT of the control and Prometheus endpoint (\"\" for none)");
  cmd->add_option("--log-format", a->log_format, "text or json: one line per park, retrieval, ringback, fallback, pickup and refusal");
  cmd->add_option("--advertise", a->advertise, "The address phones reach this server at (needed with a wildcard --listen)");
  cmd->add_option("--rtp-port", a->rtp_port, "UDP port music on hold is sent from (default: any free port)");
  cmd->add_flag("--require-auth", a->require_auth, "Refuse users without a password (S10)");
  cmd->add_option("--digest-algorithms", a->digest,
                  "Digest challenges offered, most preferred first: SHA-256,MD5 (default), MD5 or SHA-256. "
                  "Phones that answer only the first challenge (SIPp 3.6, older handsets) need MD5 (S10)");
  cmd->add_flag("--realtime-media", a->realtime_media, "Run the music-on-hold thread at real-time priority (needs CAP_SYS_NICE)");
  cmd->add_option("--drain-seconds", a->drain_seconds, "On SIGTERM, how long calls may go on before they are ended (default 10)");
  cmd->add_option("--t1", a->t1_ms, "RFC 3261 T1 in milliseconds (default 500; shorter only on a LAN or in tests)");
  cmd->add_flag("--verbose", a->verbose, "Log debug lines too");
  cmd->add_option("--max-transactions", a->max_transactions,
                  "Live SIP transactions kept at most, each way (default 10000, ~5 KB each); beyond it new "
                  "requests get 503. A UDP transaction lives 64*T1 (32 s) after its answer, so N allows "
                  "about N/64 calls/s at the default T1");
  // Not for production: `cpark loadtest --scenario X --time-scale K` replays a scenario
  // K times faster (L4). Hidden from --help (empty group).
  cmd->add_option("--engine-time-scale", a->engine_time_scale, "")->group("");
  cmd->callback([a, &ctx] {
    server::ServeOptions options;
    options.store_path = ctx.store_path;
    for (auto& l : a->listen)
      for (auto& spec : parse_listen(l)) options.listen.push_back(spec);
    if (a->log_format != "text" && a->log_format != "json")
      throw CommandError(kUsage, "--log-format \"" + a->log_format + "\" must be text or json");
    if (a->drain_seconds < 0 || a->drain_seconds > 3600)
      throw CommandError(kUsage, "--drain-seconds " + std::to_string(a->drain_seconds) + " must be 0 to 3600");
    if (a->rtp_port > 65535) throw CommandError(kUsage, "--rtp-port " + std::to_string(a->rtp_port) + " is not a port");
    if (!(a->engine_time_scale >= 1 && a->engine_time_scale <= 10000))
      throw CommandError(kUsage, "--engine-time-scale " + std::to_string(a->engine_time_scale) + " must be 1 to 10000");
    if (a->t1_ms < 10 || a->t1_ms > 10000) throw CommandError(kUsage, "--t1 " + std::to_string(a->t1_ms) + " must be 10 to 10000 ms");
    options.log_format = a->log_format == "json" ? server::LogFormat::json : server::LogFormat::text;
    options.control = a->metrics;
    options.version = CPARK_VERSION_STRING;
    options.realtime_media = a->realtime_media;
    options.verbose = a->verbose;
    options.drain_grace = std::chrono::seconds(a->drain_seconds);
    options.rtp_port = std::uint16_t(a->rtp_port);
    server::ServerConfig config;
    config.pool = a->pool;
    config.require_auth = a->require_auth;
    config.digest_algorithms = parse_digest_algorithms(a->digest);
    config.advertised_host = a->advertise;
    config.sip.t1 = std::chrono::milliseconds(a->t1_ms);
    config.sip.t2 = std::max(config.sip.t1 * 8, std::chrono::milliseconds(4000));
    config.user_agent = "cpark/" CPARK_VERSION_STRING;
    config.engine_time_scale = a->engine_time_scale;
    if (a->max_transactions < 100 || a->max_transactions > 10'000'000)
      throw CommandError(kUsage, "--max-transactions " + std::to_string(a->max_transactions) + " must be 100 to 10000000");
    config.sip.max_server_transactions = a->max_transactions;
    config.sip.max_client_transactions = a->max_transactions;
    const std::string first_host = options.listen.empty() ? "127.0.0.1" : options.listen.front().host;
    config.domain = a->domain.empty() ? first_host : a->domain;
    auto code = server::run_server(std::move(options), std::move(config));
    if (!code) throw CommandError(kIoFailure, "cpark serve: " + code.message());
    if (*code != 0) throw CommandError(ExitCode(*code), "cpark serve stopped");
  });
}

}  // namespace cpark::cli
