#include "server/control/prometheus.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace cpark::server {

// Every field of these structs is exported below; a field added to either changes its
// size and stops the build here until it is exported too (S9: all counters are visible).
static_assert(sizeof(Counters) == 19 * sizeof(std::uint64_t), "export the new engine counter in render_prometheus");
static_assert(sizeof(sip::TransactionCounters) == 18 * sizeof(std::uint64_t),
              "export the new SIP counter in render_prometheus");

namespace {

class Exposition {
 public:
  // One metric family: its HELP and TYPE lines. HELP text escapes backslash and line feed.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (char c : help) {
      if (c == '\\') out_ += "\\\\";
      else if (c == '\n') out_ += "\\n";
      else out_ += c;
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(std::string_view name, std::uint64_t v, std::string_view labels = {}) {
    begin(name, labels);
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    out_ += '\n';
  }
  void sample(std::string_view name, std::int64_t v, std::string_view labels = {}) {
    begin(name, labels);
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    out_ += '\n';
  }
  void sample(std::string_view name, double v, std::string_view labels = {}) {
    begin(name, labels);
    if (std::isnan(v)) out_ += "NaN";
    else if (std::isinf(v)) out_ += v > 0 ? "+Inf" : "-Inf";
    else {
      char buf[32];
      out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);  // shortest round-trip form
    }
    out_ += '\n';
  }
  void counter(std::string_view name, std::string_view help, std::uint64_t v) {
    family(name, "counter", help);
    sample(name, v);
  }
  void gauge(std::string_view name, std::string_view help, std::uint64_t v) {
    family(name, "gauge", help);
    sample(name, v);
  }
  std::string take() { return std::move(out_); }

 private:
  void begin(std::string_view name, std::string_view labels) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
  }
  std::string out_;
};

std::string label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + escape_label_value(value) + "\"";
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_prometheus(const MetricsSnapshot& m) {
  Exposition x;
  x.gauge("cpark_up", "1 while the server runs", 1);
  x.family("cpark_uptime_seconds", "gauge", "Seconds since the server started");
  x.sample("cpark_uptime_seconds", m.uptime_seconds);
  x.gauge("cpark_draining", "1 after SIGTERM: new requests are answered 503", m.draining ? 1 : 0);

  // The engine (P, G rules).
  const Counters& e = m.engine;
  x.counter("cpark_parks_total", "Calls parked (P1)", e.parks);
  x.counter("cpark_park_rejected_total", "Park requests refused: no free orbit, double park, policy (P2, V1, O10)",
            e.park_rejected);
  x.counter("cpark_retrievals_total", "Parked calls retrieved (P3)", e.retrievals);
  x.counter("cpark_retrieve_rejected_total", "Retrievals refused: empty orbit, stale park id, not allowed (P4, S8)",
            e.retrieve_rejected);
  x.counter("cpark_ringbacks_total", "Ringbacks to the parker after the pickup timeout (P5)", e.ringbacks);
  x.counter("cpark_ringbacks_answered_total", "Ringbacks the parker answered (P5)", e.ringback_answered);
  x.counter("cpark_fallbacks_total", "Parked calls sent to the fallback destination (P6)", e.fallbacks);
  x.counter("cpark_fallbacks_answered_total", "Fallback calls answered (P6)", e.fallback_answered);
  x.counter("cpark_fallbacks_unanswered_total", "Fallback calls nobody answered (P6)", e.fallback_unanswered);
  x.counter("cpark_parks_disconnected_total", "Parked calls disconnected after the last ringback (P6)", e.disconnected);
  x.counter("cpark_parks_abandoned_total", "Parked parties that hung up (P7)", e.abandoned);
  x.counter("cpark_routed_total", "Retrievals and pickups routed to the pool that owns the number (P9)", e.routed);
  x.counter("cpark_rings_total", "Calls to users that rang (G3)", e.rings);
  x.counter("cpark_pickups_total", "Ringing calls answered by group pickup (G4)", e.pickups);
  x.counter("cpark_pickup_rejected_total", "Group pickup attempts refused or with nothing to pick up (G7, G9)",
            e.pickup_rejected);
  x.counter("cpark_no_answer_total", "Calls that followed the callee's no-answer settings (G8)", e.no_answer);
  x.counter("cpark_answered_by_callee_total", "Ringing calls the called user answered", e.answered_by_callee);
  x.counter("cpark_caller_gave_up_total", "Ringing calls the caller hung up", e.caller_gave_up);
  x.counter("cpark_stale_inputs_total", "Engine inputs for parks or calls that had already ended", e.stale_inputs);

  // Orbits per pool (S9).
  x.family("cpark_orbits", "gauge", "CallPark orbits the pool owns");
  for (auto& p : m.pools) x.sample("cpark_orbits", std::uint64_t(p.orbits), label("pool", p.pool));
  x.family("cpark_orbits_busy", "gauge", "Orbits of the pool holding a parked call now");
  for (auto& p : m.pools) x.sample("cpark_orbits_busy", std::uint64_t(p.busy_orbits), label("pool", p.pool));

  // Registrar, calls and media.
  x.gauge("cpark_registrations", "Addresses of record with at least one live binding (S1)", m.registrations);
  x.gauge("cpark_bindings", "Live contact bindings (S1)", m.bindings);
  x.gauge("cpark_active_calls", "Call legs ringing or established", m.active_calls);
  x.gauge("cpark_ringing_calls", "Call legs ringing", m.ringing_calls);
  x.gauge("cpark_moh_streams", "Music-on-hold RTP streams playing (C4)", m.moh_streams);
  x.counter("cpark_moh_rtp_packets_sent_total", "Music-on-hold RTP packets sent (C4)", m.rtp_packets_sent);

  // SIP transactions (RFC 3261 §17).
  const sip::TransactionCounters& s = m.sip;
  x.counter("cpark_sip_requests_in_total", "SIP requests received", s.requests_in);
  x.counter("cpark_sip_responses_in_total", "SIP responses received", s.responses_in);
  x.counter("cpark_sip_requests_out_total", "SIP requests sent", s.requests_out);
  x.counter("cpark_sip_responses_out_total", "SIP responses sent", s.responses_out);
  x.family("cpark_sip_retransmissions_total", "counter",
           "SIP retransmissions: sent (timers, answers to duplicates) and absorbed duplicates received");
  x.sample("cpark_sip_retransmissions_total", s.retransmissions_out, "direction=\"out\"");
  x.sample("cpark_sip_retransmissions_total", s.retransmissions_in, "direction=\"in\"");
  x.counter("cpark_sip_parse_errors_total", "SIP messages the parser refused", s.parse_errors);
  x.counter("cpark_sip_bad_requests_answered_total", "Malformed SIP requests answered 400, 505 or 513 (S7)",
            s.bad_requests_answered);
  x.counter("cpark_sip_malformed_dropped_total", "Malformed SIP messages dropped unanswered (S7)", s.malformed_dropped);
  x.counter("cpark_sip_stray_responses_total", "SIP responses that matched no client transaction", s.stray_responses);
  x.counter("cpark_sip_timeouts_total", "SIP transactions that timed out (Timer B, F, H; 2xx never ACKed)", s.timeouts);
  x.counter("cpark_sip_transport_errors_total", "SIP messages the transport could not send", s.transport_errors);
  x.gauge("cpark_sip_client_transactions", "Live SIP client transactions", s.live_client_transactions);
  x.gauge("cpark_sip_server_transactions", "Live SIP server transactions", s.live_server_transactions);
  x.counter("cpark_sip_no_final_response_total",
            "SIP INVITEs ended for want of a final response (answered 408 after Timer C, or CANCELled)",
            s.no_final_response);
  x.counter("cpark_sip_overload_rejected_total", "SIP requests answered 503 at the server-transaction limit",
            s.overload_rejected);
  x.counter("cpark_sip_client_requests_refused_total", "SIP requests not sent at the client-transaction limit",
            s.client_requests_refused);
  x.counter("cpark_sip_branch_reused_total",
            "SIP requests that reused the Via branch of a different request (RFC 3261 8.1.1.7), taken as new",
            s.branch_reused);

  // Refusals and authentication (S8, S10).
  x.counter("cpark_requests_refused_total", "Requests the server chose to refuse (403, 404, 410, 484, 488, 5xx)",
            m.requests_refused);
  x.counter("cpark_auth_challenges_total", "Digest challenges sent, 401 and 407 (S10)", m.auth_challenges);
  x.counter("cpark_auth_failures_total", "Digest credentials that did not verify (S10)", m.auth_failures);

  // The store and admin changes (S11).
  x.family("cpark_store_revision", "gauge", "Revision of the central store being served");
  x.sample("cpark_store_revision", m.store_revision);
  x.counter("cpark_admin_changes_applied_total", "Admin changes applied while running (S11)", m.admin_changes_applied);
  x.counter("cpark_admin_changes_refused_total", "Admin changes refused because of live parks (O7, O8)",
            m.admin_changes_refused);
  return x.take();
}

}  // namespace cpark::server
