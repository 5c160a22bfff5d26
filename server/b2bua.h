// The SIP server's core: a registrar and back-to-back user agent (S1-S11) that turns SIP
// dialogs into engine inputs and engine outputs into SIP requests. It owns the SIP
// transaction layer, the dialogs, the registrar and the very Engine the simulator drives;
// no park or pickup rule is written here (engine/ owns them all), only how each one
// looks on the wire (RFC 3261, RFC 3515 REFER, RFC 5359 park/pickup flows).
//
// Sans-IO like the engine and the SIP layer: bytes and `now` go in; datagrams, music-on-
// hold commands, log events and the next deadline come out. The Asio driver
// (sip_server.h) moves bytes, the tests drive it on simulated time.
#pragma once
#include <boost/unordered/unordered_flat_map.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "common/slot_map.h"
#include "engine/engine.h"
#include "server/config.h"
#include "server/registrar.h"
#include "server/status.h"
#include "sip/dialog.h"
#include "sip/sdp.h"
#include "sip/transaction_layer.h"

namespace cpark::server {

// Music on hold for the driver's media thread (C4): play the pool's music to a parked
// party, move it to a new address after a re-INVITE, stop it.
struct MediaCommand {
  enum class Kind : std::uint8_t { start, move, stop };
  Kind kind = Kind::start;
  std::uint64_t stream = 0;   // the parked leg's id
  std::string pool;           // whose music
  std::string address;        // where the parked party receives RTP
  std::uint16_t port = 0;
};

// A structured log line (one per park / retrieval / ringback / fallback / pickup outcome
// and per refused request, S9).
struct LogEvent {
  enum class Level : std::uint8_t { debug, info, warn, error };
  Level level = Level::info;
  std::string name;                                       // "park", "retrieve", "refused"…
  std::vector<std::pair<std::string, std::string>> fields;
};

class B2bua {
 public:
  explicit B2bua(ServerConfig config);
  ~B2bua();
  B2bua(const B2bua&) = delete;
  B2bua& operator=(const B2bua&) = delete;

  // --- the deployment (M1, S11) ---
  // Serves `d` from now on. A change that would strand a live park is refused, naming it
  // (O7/O8), unless `force`, which ends those parks by fallback or disconnect.
  Status serve(Time now, DeploymentPtr d, bool force = false, std::int64_t revision = 0);
  // The same check without applying: what `cpark` asks before it commits a change.
  Status check(Time now, const DeploymentPtr& d) const;
  std::int64_t revision() const { return revision_; }

  // --- SIP ---
  void receive(Time now, const sip::Address& source, std::string_view bytes);
  void handle_timeout(Time now);
  std::optional<Time> next_deadline() const;
  std::optional<sip::Transmit> poll_transmit() { return layer_.poll_transmit(); }
  void report_transport_error(Time now, sip::ClientTransactionId c, sip::ServerTransactionId s);

  // --- outputs besides datagrams ---
  std::optional<MediaCommand> poll_media();
  void set_log(std::function<void(const LogEvent&)> sink) { log_ = std::move(sink); }

  // --- shutdown (SIGTERM) ---
  // New requests get 503; parked calls end by fallback or disconnect (O8 as if their
  // ranges were removed); other calls go on until they end or end_all() runs.
  void begin_drain(Time now);
  bool draining() const { return draining_; }
  // No call left that a drain would wait for.
  bool drained() const;
  // Ends every call that is left (BYE / CANCEL / final responses).
  void end_all(Time now);

  // --- operators (S9, S11) ---
  MetricsSnapshot metrics(Time now);
  std::vector<ParkedCallRow> parked(Time now) const;
  void fill_status(Time now, ServerStatus& status);
  const Engine& engine() const { return engine_; }
  const ServerConfig& config() const { return config_; }
  std::size_t legs() const { return legs_.size(); }

 private:
  // A leg is one dialog between the server and one phone. A call is two bridged legs.
  enum class LegKind : std::uint8_t {
    inbound,   // a phone called us (caller, retriever, picker, parkee by INVITE)
    callee,    // we call a user's binding for a caller (forks of one call)
    ringback,  // we call the parker back (P5)
    fallback,  // we call the fallback destination (P6)
  };
  enum class LegState : std::uint8_t { inviting, early, confirmed, ending };
  // What our outstanding re-INVITE on a leg is for.
  enum class Reinvite : std::uint8_t { none, hold, connect, relay };
  struct Leg {
    LegKind kind = LegKind::inbound;
    LegState state = LegState::inviting;
    sip::DialogId dialog;
    sip::ServerTransactionId invite_server;   // inbound INVITE waiting for our final answer
    sip::ClientTransactionId invite_client;   // our INVITE waiting for a final answer
    std::uint32_t invite_cseq = 0;            // of our last INVITE (for its ACK)
    sip::Address peer;                        // where requests to this phone go
    std::string call_id, local_tag;           // ours: From tag (we call) / To tag (we answer)
    std::string request_uri;                  // the target of our INVITE
    sip::SessionDescription remote_sdp;       // the phone's media, as it last described it
    bool has_remote_sdp = false;
    sip::Origin origin;                       // our o= line on this leg
    SlotId other;                             // the bridged leg; for a fork, its caller
    std::vector<SlotId> forks;                // inbound caller: the callee legs ringing
    UserId user = kNoUser;                    // the party's user, when it is one
    std::string party;                        // the party's identity (an AOR or From URI)
    std::string display;                      // the party's display name
    ParkId park = 0;                          // parked here, or ringing back/falling back for it
    bool parked = false;
    bool music = false;                       // the engine asked for music on hold (C4)
    bool music_playing = false;               // and its stream is playing
    bool answered_by_engine = false;          // the engine was told (CallAnswered)
    bool ringing_in_engine = false;           // the engine knows it rings (CallRinging)
    bool hold_wanted = false;                 // park: put on hold after this drain
    Reinvite reinvite = Reinvite::none;       // our re-INVITE in progress
    sip::ClientTransactionId reinvite_client;
    SlotId reinvite_for;                      // connect/relay: the leg waiting on the answer
    sip::ServerTransactionId relay_server;    // relay: the re-INVITE from the other leg
    Time hangup_at{};                         // parker: hang up if still here then
    int best_failure = 0;                     // inbound: the best fork failure so far
  };
  // What a client transaction we started is for.
  enum class Purpose : std::uint8_t { invite, reinvite, bye, notify, message, other };
  struct Pending {
    SlotId leg;
    Purpose purpose = Purpose::other;
  };
  // A park asked for by REFER (S2): where its NOTIFY goes.
  struct Referral {
    SlotId referrer;             // the leg the REFER came on (the parker's)
    std::uint32_t event_id = 0;  // Event: refer;id= (the REFER's CSeq)
  };
  struct Caller {
    UserId user = kNoUser;
    bool trusted_peer = false;
    std::string identity;        // the AOR for a user, the From URI otherwise
    std::string display;
  };
  enum class TimerKind : std::uint8_t { parker_hangup, retry_reinvite, housekeeping };
  struct Timer {
    Time at;
    TimerKind kind;
    SlotId leg;
    bool operator>(const Timer& o) const { return at > o.at; }
  };

  // The engine's clock: the real one, or (load-test replay of a scenario, L4) one that
  // runs config_.engine_time_scale times faster, so park timeouts and ring times of a
  // scenario's deployment pass in 1/K of the time while SIP's own timers stay real.
  Time engine_now(Time now) const {
    if (config_.engine_time_scale == 1) return now;
    return Time(std::llround(double(now.count()) * config_.engine_time_scale));
  }
  Time real_time(Time engine_time) const {
    if (config_.engine_time_scale == 1) return engine_time;
    return Time(std::int64_t(std::ceil(double(engine_time.count()) / config_.engine_time_scale)));
  }

  // b2bua.cc: the pump, engine outputs, timers, operators.
  void pump(Time now);
  void on_output(Time now, const Output& o);
  void after_outputs(Time now);
  void connect(Time now, const Connect& c);
  void route_to_pool(Time now, const RouteToPool& r);
  void picked_up(Time now, const CallPickedUp& p);
  void forward_no_answer(Time now, const ForwardNoAnswer& f);
  // The SIP status for an engine refusal (S3, S7, S8): 403, 404, 410, 480, 486, 503.
  static int park_status(const Diagnostic& d);
  static int retrieve_status(const Diagnostic& d);
  static int pickup_status(const Diagnostic& d);
  std::string reason_phrase(int status);
  void log(LogEvent::Level level, std::string name, std::vector<std::pair<std::string, std::string>> fields);
  void schedule(Time at, TimerKind kind, SlotId leg);
  std::string user_aor(UserId u) const;
  // How a party is shown to people (ringback caller name, MESSAGE texts): its display
  // name, else its user name, else its SIP identity.
  std::string shown_name(const Leg& l) const;
  std::string pool_name(PoolId p) const { return engine_.pool_name(p); }
  PoolId served_pool() const;

  // b2bua_requests.cc: what phones send.
  void on_request(Time now, const sip::Event& e);
  void on_register(Time now, sip::ServerTransactionId st, const sip::Message& m, const sip::Address& source);
  void on_invite(Time now, sip::ServerTransactionId st, const sip::Message& m, const sip::Address& source);
  void on_in_dialog(Time now, sip::ServerTransactionId st, const sip::Message& m, SlotId leg);
  void on_refer(Time now, sip::ServerTransactionId st, const sip::Message& m, SlotId leg);
  void on_bye(Time now, sip::ServerTransactionId st, SlotId leg);
  void on_reinvite(Time now, sip::ServerTransactionId st, const sip::Message& m, SlotId leg);
  void on_message(Time now, sip::ServerTransactionId st, const sip::Message& m, const sip::Address& source);
  void on_cancel(Time now, sip::ServerTransactionId st);
  void give_up_inbound(Time now, sip::ServerTransactionId st, std::string_view reason, int status);
  void on_ack(Time now, const sip::Event& e);
  // S8/S10: who sent `m`. Answers the request itself (401/407/403) and returns nullopt
  // when the request must not go on.
  std::optional<Caller> identify(Time now, sip::ServerTransactionId st, const sip::Message& m,
                                 const sip::Address& source, bool allow_outsiders);
  // S10: digest for users with a password; false when the request was answered (401,
  // 407 or 403) and must not go on.
  bool authenticate(Time now, sip::ServerTransactionId st, const sip::Message& m, const User& u);

  // b2bua_legs.cc: what we send and how answers come back.
  void on_response(Time now, const sip::Event& e);
  void on_invite_response(Time now, SlotId id, const sip::Message& m);
  void on_reinvite_response(Time now, SlotId id, const sip::Message& m);
  void on_failure(Time now, const sip::Event& e);
  SlotId new_leg(LegKind kind);
  // An outbound INVITE for `kind` to `request_uri` at `destination`, offering `sdp`,
  // showing `from_identity` as the caller. These create legs, which may move every
  // Leg in memory: arguments are taken by value (they are often another leg's fields)
  // and callers look their legs up again afterwards.
  SlotId call_out(Time now, LegKind kind, std::string request_uri, sip::Address destination,
                  std::string to_identity, std::string from_identity, std::string from_display,
                  sip::SessionDescription sdp);
  // Every live binding of `user` (a user's phones ring in parallel, S1/G3).
  std::vector<SlotId> ring_user(Time now, LegKind kind, UserId user, std::string from_identity,
                                std::string from_display, sip::SessionDescription sdp);
  std::vector<SlotId> ring_uri(Time now, LegKind kind, std::string uri, std::string from_identity,
                               std::string from_display, sip::SessionDescription sdp);
  void answer(Time now, SlotId leg, int status, const sip::SessionDescription* sdp,
              std::string_view reason = {}, const Diagnostic* diag = nullptr);
  void answer_with_hold(Time now, SlotId leg, const sip::SessionDescription& sdp);
  void refuse(Time now, sip::ServerTransactionId st, int status, std::string_view why,
              const Diagnostic* diag = nullptr, std::string_view extra_header = {});
  void reinvite(Time now, SlotId leg, Reinvite why, const sip::SessionDescription& sdp, SlotId for_leg = {});
  void send_in_dialog(Time now, SlotId leg, sip::Method method, Purpose purpose,
                      std::string_view content_type = {}, std::string_view body = {},
                      std::string_view extra_header = {});
  void hang_up(Time now, SlotId leg, const Diagnostic* diag = nullptr);
  void cancel_forks(Time now, SlotId caller, std::string_view reason);
  void cancel_leg(Time now, SlotId leg, std::string_view reason);
  void end_leg(Time now, SlotId leg);
  void bridge(SlotId a, SlotId b);
  void notify_park(Time now, SlotId referrer, std::uint32_t event_id, std::string_view sipfrag);
  void send_message(Time now, UserId to, const std::string& text, std::string_view reason_header);
  void start_music(SlotId leg);
  void stop_music(SlotId leg);
  sip::SessionDescription relayed(const sip::SessionDescription& from_other, sip::Origin& origin) const;
  sip::MediaEndpoint music_endpoint() const;
  Leg* leg(SlotId id) { return legs_.find(id); }
  SlotId leg_of_dialog(sip::DialogId d) const;
  SlotId leg_of_call(CallId c) const { return SlotId::from_bits(c); }
  SlotId legs_of_park(ParkId park, LegKind kind, std::vector<SlotId>& out) const;
  void add_ack_via(sip::Message& ack, const sip::Address& to);
  std::string contact() const;
  std::string contact_for(const sip::Address& a) const;

  ServerConfig config_;
  sip::TransactionLayer layer_;
  sip::DialogTable dialogs_;
  Engine engine_;
  Registrar registrar_;
  SlotMap<Leg> legs_;  // a Leg& does not survive anything that creates a leg
  boost::unordered_flat_map<std::uint64_t, SlotId> leg_by_dialog_;     // DialogId bits
  boost::unordered_flat_map<std::uint64_t, SlotId> leg_by_invite_;     // ServerTransactionId bits
  boost::unordered_flat_map<std::uint64_t, Pending> pending_;          // ClientTransactionId bits
  boost::unordered_flat_map<std::uint64_t, Referral> referrals_;       // parked leg id -> REFER
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::vector<MediaCommand> media_;
  std::size_t media_head_ = 0;
  std::function<void(const LogEvent&)> log_;
  std::vector<SlotId> hold_after_outputs_;
  sip::Message scratch_, scratch2_;
  std::string body_;
  std::int64_t revision_ = 0;
  bool draining_ = false;
  Time started_{};
  std::uint64_t refused_ = 0, auth_challenges_ = 0, auth_failures_ = 0;
  std::uint64_t admin_applied_ = 0, admin_refused_ = 0;
};

}  // namespace cpark::server
