// The B2BUA's handling of what phones send: REGISTER (S1), INVITE to a user, an orbit
// or a group number (S1, S3, S6), REFER to park (S2), BYE, re-INVITE, CANCEL, OPTIONS,
// MESSAGE, and who may do what (S8, S10).
#include <algorithm>

#include "engine/identity.h"
#include "server/b2bua.h"
#include "sip/digest.h"
#include "sip/message_builder.h"

namespace cpark::server {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// The user part of a URI with %-escapes decoded ("%237100" is "#7100", RFC 3261 §19.1.2).
std::string user_part(const sip::Uri& uri) {
  std::string out;
  if (!sip::decode(uri.user, out)) return std::string(uri.user);
  return out;
}

constexpr const char* kAllow = "INVITE, ACK, CANCEL, BYE, REFER, NOTIFY, OPTIONS, MESSAGE, INFO, REGISTER";

}  // namespace

void B2bua::on_request(Time now, const sip::Event& e) {
  const sip::Message& m = *e.message;
  const sip::ServerTransactionId st = e.server;
  const sip::Method method = m.method();
  // In-dialog requests (To tag) go to their leg; an unknown dialog is 481 (§12.2.2).
  if (!m.to_tag().empty() && method != sip::Method::register_) {
    const SlotId id = leg_of_dialog(dialogs_.match_request(m));
    if (!legs_.contains(id)) {
      sip::make_481(m, layer_.ids().make_tag(), scratch_);
      layer_.send_response(now, st, scratch_);
      return;
    }
    on_in_dialog(now, st, m, id);
    return;
  }
  if (draining_) return refuse(now, st, 503, "the server is shutting down", nullptr, "Retry-After: 30");
  switch (method) {
    case sip::Method::register_: return on_register(now, st, m, e.peer);
    case sip::Method::invite: return on_invite(now, st, m, e.peer);
    case sip::Method::message: return on_message(now, st, m, e.peer);
    case sip::Method::options: {
      sip::make_response(m, 200, {}, layer_.ids().make_tag(), scratch_);
      scratch_.add(sip::HeaderKind::allow, kAllow);
      scratch_.add(sip::HeaderKind::accept, "application/sdp, message/sipfrag, text/plain");
      layer_.send_response(now, st, scratch_);
      return;
    }
    case sip::Method::subscribe:
      return refuse(now, st, 489, "this server offers no event packages", nullptr, "Allow-Events: refer");
    case sip::Method::bye:
    case sip::Method::refer:
    case sip::Method::notify:
    case sip::Method::info:
    case sip::Method::update:
    case sip::Method::prack: {
      sip::make_481(m, layer_.ids().make_tag(), scratch_);  // needs a dialog it is not in
      layer_.send_response(now, st, scratch_);
      return;
    }
    default:
      // S7: an unknown method gets 501 and the server goes on serving everyone else.
      return refuse(now, st, 501, "method " + std::string(m.method_text()) + " is not supported", nullptr,
                    std::string("Allow: ") + kAllow);
  }
}

// --- who sent it (S8, S10) ---------------------------------------------------------------

std::optional<B2bua::Caller> B2bua::identify(Time now, sip::ServerTransactionId st, const sip::Message& m,
                                             const sip::Address& source, bool allow_outsiders) {
  Caller c;
  const auto from = m.from();
  if (!from) {
    refuse(now, st, 400, "the From header is missing or malformed");
    return std::nullopt;
  }
  c.identity = std::string(from->uri.text);
  c.display = from->display_name_text();
  const ValidatedDeployment& d = engine_.deployment();
  if (auto index = resolve_user(d, from->uri.text, config_.domain)) {
    const User& u = d.user(*index);
    c.user = *engine_.user_id(u.name);
    c.identity = sip_uri_of(u.name, config_.domain);
    if (c.display.empty()) c.display = u.name;
    if (auto verdict = authenticate(now, st, m, u); !verdict) return std::nullopt;
    return c;
  }
  if (const TrustedPeer* peer = d.find_trusted_peer(source.host(), source.port)) {
    c.trusted_peer = true;  // a PBX gateway (S8): may call users and retrieve
    if (c.display.empty()) c.display = peer->name;
    return c;
  }
  if (allow_outsiders) return c;  // the engine refuses it with its own diagnostic (35003)
  log(LogEvent::Level::info, "refused",
      {{"method", std::string(m.method_text())}, {"from", c.identity}, {"source", std::string(source.host())},
       {"why", "unknown source"}});
  refuse(now, st, 403,
         c.identity + " is not a user of this deployment and " + std::string(source.host()) + " is not a trusted peer");
  return std::nullopt;
}

// S10: users with a password prove it with digest (RFC 3261 §22, MD5 or SHA-256 per
// RFC 8760). REGISTER is challenged with 401, everything else with 407.
bool B2bua::authenticate(Time now, sip::ServerTransactionId st, const sip::Message& m, const User& u) {
  if (!u.has_password()) {
    if (!config_.require_auth) return true;
    ++auth_failures_;
    refuse(now, st, 403, "user " + u.name + " has no password and this server requires authentication");
    return false;
  }
  const bool is_register = m.method() == sip::Method::register_;
  const sip::HeaderKind credentials_header =
      is_register ? sip::HeaderKind::authorization : sip::HeaderKind::proxy_authorization;
  bool stale = false;
  bool tried = false;
  bool ok = false;
  for (const sip::Header& h : m.headers()) {
    if (h.kind != credentials_header) continue;
    sip::DigestCredentials cred;
    if (!sip::parse_credentials(h.value, cred) || cred.username.empty()) continue;
    if (cred.realm != u.digest_realm) continue;  // credentials for someone else's realm
    tried = true;
    if (std::find(config_.digest_algorithms.begin(), config_.digest_algorithms.end(), cred.algorithm) ==
        config_.digest_algorithms.end())
      continue;  // an algorithm this server does not offer (--digest-algorithms)
    const std::string& ha1 =
        cred.algorithm == sip::DigestAlgorithm::sha256 ? u.ha1_sha256 : u.ha1_md5;
    if (ha1.empty() || !cred.algorithm_known) continue;
    const sip::DigestVerdict v =
        sip::verify_credentials(cred, ha1, u.digest_realm, m.method_text(), m.request_uri(),
                                config_.nonce_secret, now, config_.nonce_lifetime);
    if (v == sip::DigestVerdict::ok) {
      ok = true;
      break;
    }
    if (v == sip::DigestVerdict::stale_nonce) stale = true;
  }
  if (ok) return true;
  if (tried && !stale) {
    ++auth_failures_;
    log(LogEvent::Level::info, "refused", {{"method", std::string(m.method_text())}, {"user", u.name},
                                          {"why", "wrong credentials"}});
    refuse(now, st, 403, "the credentials for " + u.name + " are wrong");
    return false;
  }
  ++auth_challenges_;
  const int status = is_register ? 401 : 407;
  sip::make_response(m, status, {}, layer_.ids().make_tag(), scratch_);
  const std::string nonce = sip::make_nonce(config_.nonce_secret, now);
  const sip::HeaderKind challenge_header =
      is_register ? sip::HeaderKind::www_authenticate : sip::HeaderKind::proxy_authenticate;
  // One challenge per offered algorithm, in order of preference (RFC 8760 §2.4).
  for (const sip::DigestAlgorithm a : config_.digest_algorithms)
    if (!(a == sip::DigestAlgorithm::sha256 ? u.ha1_sha256 : u.ha1_md5).empty())
      scratch_.add(challenge_header, sip::make_challenge(u.digest_realm, nonce, a, stale));
  layer_.send_response(now, st, scratch_);
  return false;
}

// --- REGISTER (S1) -----------------------------------------------------------------------

void B2bua::on_register(Time now, sip::ServerTransactionId st, const sip::Message& m, const sip::Address& source) {
  const auto to = m.to();
  if (!to) return refuse(now, st, 400, "the To header is missing or malformed");
  const ValidatedDeployment& d = engine_.deployment();
  const auto index = resolve_user(d, to->uri.text, config_.domain);
  if (!index) return refuse(now, st, 404, std::string(to->uri.text) + " is not a user of this deployment");
  const User& u = d.user(*index);
  if (!authenticate(now, st, m, u)) return;
  const RegisterOutcome r = registrar_.apply(u.name, m, source, now, config_);
  if (r.status == 423) {
    sip::make_response(m, 423, {}, layer_.ids().make_tag(), scratch_);
    scratch_.add(sip::HeaderKind::min_expires, std::to_string(r.min_expires.count()));
    layer_.send_response(now, st, scratch_);
    return;
  }
  if (r.status != 200) return refuse(now, st, r.status, r.reason);
  sip::make_response(m, 200, {}, layer_.ids().make_tag(), scratch_);
  for (const std::string& c : registrar_.contact_values(u.name, now)) scratch_.add(sip::HeaderKind::contact, c);
  layer_.send_response(now, st, scratch_);
}

// --- INVITE outside a dialog (S1, S3, S6, RFC 5359) --------------------------------------

void B2bua::on_invite(Time now, sip::ServerTransactionId st, const sip::Message& m, const sip::Address& source) {
  if (auto mf = m.max_forwards(); mf && *mf <= 0) return refuse(now, st, 483, "Max-Forwards reached 0");
  if (layer_.is_merged_request(st)) return refuse(now, st, 482, "this request reached the server twice");
  const auto ruri = m.parsed_request_uri();
  if (!ruri || !ruri->is_sip()) return refuse(now, st, 416, "the Request-URI is not a SIP URI");
  // The B2BUA needs the caller's offer to give the other leg (no late-offer INVITEs).
  sip::SessionDescription offer;
  std::string sdp_error;
  if (m.body().empty()) return refuse(now, st, 488, "an INVITE without an SDP offer is not supported");
  if (!sip::parse_sdp(m.body(), offer, &sdp_error)) return refuse(now, st, 488, "the SDP offer is malformed: " + sdp_error);
  if (!offer.first_audio()) return refuse(now, st, 488, "the SDP offer has no audio stream");

  // What is dialled: the park service, an orbit (retrieval), a group (pickup), a user.
  enum class Target { park, retrieve, pickup, user } target;
  const std::string dialled = user_part(*ruri);
  const ValidatedDeployment& d = engine_.deployment();
  OrbitNumber number{};
  std::optional<std::uint32_t> callee_index;
  if (iequals(dialled, "park")) {
    target = Target::park;
  } else if (auto n = parse_orbit_number(dialled); n && d.range_containing(*n)) {
    number = *n;
    target = d.range(*d.range_containing(*n)).type == RangeType::CallPark ? Target::retrieve : Target::pickup;
  } else if ((callee_index = resolve_user(d, ruri->text, config_.domain))) {
    target = Target::user;
  } else {
    log(LogEvent::Level::info, "refused", {{"method", "INVITE"}, {"to", std::string(ruri->text)}, {"why", "not found"}});
    return refuse(now, st, 404, "nobody is reachable at " + std::string(ruri->text));
  }
  auto caller = identify(now, st, m, source, target == Target::retrieve);
  if (!caller) return;

  // The inbound leg: our dialog with the caller (UAS side).
  const SlotId id = new_leg(LegKind::inbound);
  Leg& l = *leg(id);
  l.invite_server = st;
  l.peer = source;
  l.call_id = std::string(m.call_id());
  l.local_tag = layer_.ids().make_tag();
  l.remote_sdp = std::move(offer);
  l.has_remote_sdp = true;
  l.origin.session_id = layer_.ids().next() >> 1;
  l.user = caller->user;
  l.party = caller->identity;
  l.display = caller->display;
  l.dialog = dialogs_.create_uas(m, l.local_tag, contact_for(source));
  leg_by_dialog_[l.dialog.slot.bits()] = id;
  leg_by_invite_[st.slot.bits()] = id;
  const cpark::Caller who{caller->user, caller->trusted_peer};

  switch (target) {
    case Target::retrieve: {
      // S3 / P4: `;park-id=` on the orbit's URI asks for that park and no other.
      ParkId park_id = 0;
      if (auto p = ruri->param("park-id")) {
        for (char c : *p) park_id = c >= '0' && c <= '9' ? park_id * 10 + ParkId(c - '0') : park_id;
      }
      log(LogEvent::Level::info, "retrieve",
          {{"orbit", number.to_string()}, {"by", l.party}, {"park_id", std::to_string(park_id)}});
      engine_.retrieve(engine_now(now), {id.bits(), who, served_pool(), number, park_id});
      return;
    }
    case Target::pickup:
      log(LogEvent::Level::info, "pickup", {{"group", number.to_string()}, {"by", l.party}});
      engine_.pickup(engine_now(now), {id.bits(), who, served_pool(), number});
      return;
    case Target::park: {
      // RFC 5359 §2.15: the transferee calls the park service on the parker's behalf
      // (Referred-By); without it the caller parks itself.
      UserId parker = who.user;
      if (auto rb = m.referred_by())
        if (auto i = resolve_user(d, rb->uri.text, config_.domain)) parker = *engine_.user_id(d.user(*i).name);
      engine_.park(engine_now(now), {id.bits(), parker, std::nullopt});
      return;
    }
    case Target::user: {
      const User& callee = d.user(*callee_index);
      const UserId callee_id = *engine_.user_id(callee.name);
      const std::string dialled_number = dialled;
      const std::string party = l.party, display = l.display;
      const sip::SessionDescription offer_sdp = l.remote_sdp;
      // Creating the forks may move every leg: no reference to ours is used across it.
      std::vector<SlotId> forks = ring_user(now, LegKind::callee, callee_id, party, display, offer_sdp);
      for (const std::string& target_uri : callee.simultaneous_ring) {  // G3: and nobody else
        auto more = ring_uri(now, LegKind::callee, target_uri, party, display, offer_sdp);
        forks.insert(forks.end(), more.begin(), more.end());
      }
      Leg& caller_leg = *leg(id);
      caller_leg.forks = std::move(forks);
      for (SlotId f : caller_leg.forks) leg(f)->other = id;
      if (caller_leg.forks.empty()) {
        answer(now, id, 480, nullptr, callee.name + " has no registered phone");
        return;
      }
      caller_leg.user = caller->user;
      caller_leg.ringing_in_engine = true;
      bool video = false;
      for (auto& media : caller_leg.remote_sdp.media) video = video || (media.media == "video" && media.port != 0);
      engine_.handle(engine_now(now), CallRinging{id.bits(), callee_id, caller_leg.party, dialled_number, RouteKind::Direct, video});
      return;
    }
  }
}

// --- in-dialog requests ------------------------------------------------------------------

void B2bua::on_in_dialog(Time now, sip::ServerTransactionId st, const sip::Message& m, SlotId id) {
  Leg& l = *leg(id);
  if (int status = dialogs_.on_request(l.dialog, m); status != 0)
    return refuse(now, st, status, "CSeq out of order");
  switch (m.method()) {
    case sip::Method::bye: return on_bye(now, st, id);
    case sip::Method::invite: return on_reinvite(now, st, m, id);
    case sip::Method::refer: return on_refer(now, st, m, id);
    case sip::Method::notify:
    case sip::Method::info:
    case sip::Method::message:
    case sip::Method::options: {
      sip::make_response(m, 200, {}, {}, scratch_);
      layer_.send_response(now, st, scratch_);
      return;
    }
    default:
      return refuse(now, st, 501, "method " + std::string(m.method_text()) + " is not supported in a call", nullptr,
                    std::string("Allow: ") + kAllow);
  }
}

void B2bua::on_bye(Time now, sip::ServerTransactionId st, SlotId id) {
  sip::make_response(*layer_.request(st), 200, {}, {}, scratch_);
  layer_.send_response(now, st, scratch_);
  Leg* l = leg(id);
  if (!l) return;
  l->state = LegState::ending;
  if (l->parked || engine_.active_parks() > 0) {
    // P7: the parked party left (or the fallback leg's caller did): the engine ends the
    // park; a call it does not know is a stale input it ignores.
    if (l->parked || l->park != 0) engine_.handle(engine_now(now), PartyHungUp{id.bits()});
  }
  stop_music(id);
  const SlotId other = l->other;
  if (Leg* o = leg(other); o && o->other == id) {
    o->other = {};
    if (o->state == LegState::confirmed) hang_up(now, other);
  }
  end_leg(now, id);
}

void B2bua::on_reinvite(Time now, sip::ServerTransactionId st, const sip::Message& m, SlotId id) {
  Leg& l = *leg(id);
  if (l.reinvite != Reinvite::none || l.invite_server) {
    // §14.1: our own re-INVITE on this dialog is still pending (glare).
    return refuse(now, st, 491, "a re-INVITE is already in progress on this call");
  }
  sip::SessionDescription offer;
  std::string error;
  if (m.body().empty() || !sip::parse_sdp(m.body(), offer, &error))
    return refuse(now, st, 488, m.body().empty() ? "a re-INVITE without an SDP offer is not supported"
                                                 : "the SDP offer is malformed: " + error);
  l.remote_sdp = std::move(offer);
  l.has_remote_sdp = true;
  Leg* other = leg(l.other);
  if (l.parked || !other || other->state != LegState::confirmed) {
    // Nobody to pass it to: a parked party (music keeps playing, to its new address) or
    // a leg that is not in a call. Answer for ourselves.
    sip::SessionDescription answer_sdp;
    const sip::MediaEndpoint local = l.music ? music_endpoint() : sip::MediaEndpoint{config_.rtp_host, 0, false};
    ++l.origin.version;
    if (!sip::make_answer(l.remote_sdp, local, l.origin, answer_sdp)) return refuse(now, st, 488, "no common codec");
    if (l.music) {
      answer_sdp.media[0].direction = sip::MediaDirection::sendonly;
      const sip::MediaDescription* audio = l.remote_sdp.first_audio();
      media_.push_back({MediaCommand::Kind::move, id.bits(), {}, std::string(l.remote_sdp.media_address(0)),
                        audio ? audio->port : std::uint16_t(0)});
    }
    sip::make_response(m, 200, {}, {}, scratch_);
    scratch_.add(sip::HeaderKind::contact, contact_for(l.peer));
    body_.clear();
    sip::serialize_sdp(answer_sdp, body_);
    scratch_.set_body(body_, "application/sdp");
    layer_.send_response(now, st, scratch_);
    return;
  }
  // A call in progress: pass the offer to the other phone, answer with its answer.
  const SlotId other_id = l.other;
  Leg& o = *other;
  o.relay_server = {};
  reinvite(now, other_id, Reinvite::relay, relayed(l.remote_sdp, o.origin), id);
  if (Leg* again = leg(other_id)) again->relay_server = st;
}

void B2bua::on_refer(Time now, sip::ServerTransactionId st, const sip::Message& m, SlotId id) {
  Leg& l = *leg(id);
  const auto refer_to = m.refer_to();
  if (!refer_to) return refuse(now, st, 400, "REFER needs a Refer-To header (RFC 3515)");
  const std::string target = user_part(refer_to->uri);
  const ValidatedDeployment& d = engine_.deployment();
  std::optional<OrbitNumber> orbit;
  if (!iequals(target, "park")) {
    auto n = parse_orbit_number(target);
    auto r = n ? d.range_containing(*n) : std::nullopt;
    if (!r || d.range(*r).type != RangeType::CallPark)
      return refuse(now, st, 403, "this server transfers only to park@" + config_.domain + " or a call park orbit");
    orbit = *n;  // O10: directed park
  }
  Leg* other = leg(l.other);
  if (!other || other->state != LegState::confirmed || other->parked)
    return refuse(now, st, 403, "there is no call to park on this dialog");
  const auto cseq = m.cseq();
  const SlotId parked = l.other;
  // RFC 3515: 202, then NOTIFYs of the transfer's progress; the final one carries the
  // orbit (S2) or the failure.
  sip::make_response(m, 202, {}, {}, scratch_);
  scratch_.add(sip::HeaderKind::contact, contact_for(l.peer));
  layer_.send_response(now, st, scratch_);
  const std::uint32_t event_id = cseq ? cseq->number : 0;
  {
    const std::string event = "refer;id=" + std::to_string(event_id);
    send_in_dialog(now, id, sip::Method::notify, Purpose::notify, "message/sipfrag;version=2.0",
                   "SIP/2.0 100 Trying\r\n",
                   "Event: " + event + "\r\nSubscription-State: active;expires=60");
  }
  referrals_[parked.bits()] = Referral{id, event_id};
  log(LogEvent::Level::debug, "refer", {{"from", l.party}, {"to", target}});
  engine_.park(engine_now(now), {parked.bits(), l.user, orbit});
}

void B2bua::on_message(Time now, sip::ServerTransactionId st, const sip::Message& m, const sip::Address& source) {
  // RFC 3428 pager mode between users: relayed to the addressee's phones.
  const auto ruri = m.parsed_request_uri();
  const ValidatedDeployment& d = engine_.deployment();
  const auto to = ruri ? resolve_user(d, ruri->text, config_.domain) : std::nullopt;
  if (!to) return refuse(now, st, 404, "nobody is reachable at " + std::string(m.request_uri()));
  auto caller = identify(now, st, m, source, false);
  if (!caller) return;
  const std::string body(m.body());
  const std::string type(m.content_type().empty() ? "text/plain" : m.content_type());
  sip::make_response(m, 202, {}, layer_.ids().make_tag(), scratch_);
  layer_.send_response(now, st, scratch_);
  for (const Binding& b : registrar_.bindings(d.user(*to).name, now)) {
    sip::RequestFields f;
    f.method = sip::Method::message;
    f.request_uri = b.contact;
    const std::string from = "<" + caller->identity + ">;tag=" + layer_.ids().make_tag();
    const std::string to_value = "<" + sip_uri_of(d.user(*to).name, config_.domain) + ">";
    const std::string call_id = layer_.ids().make_call_id(config_.advertised_host);
    f.from = from;
    f.to = to_value;
    f.call_id = call_id;
    sip::make_request(f, scratch_);
    scratch_.set_body(body, type);
    layer_.send_request(now, scratch_, b.source);
  }
}

void B2bua::on_cancel(Time now, sip::ServerTransactionId st) {
  // §9.2: the caller gave up. Its INVITE gets 487, which ends the leg.
  give_up_inbound(now, st, "SIP;cause=487;text=\"Caller cancelled\"", 487);
}

// The inbound INVITE `st` will not be answered by a phone: the phones it rang are
// CANCELled, the engine forgets the ringing call, and the INVITE is answered `status`
// (0: the transaction layer has already answered it, and the leg just ends).
void B2bua::give_up_inbound(Time now, sip::ServerTransactionId st, std::string_view reason, int status) {
  auto it = leg_by_invite_.find(st.slot.bits());
  if (it == leg_by_invite_.end()) return;
  const SlotId id = it->second;
  Leg* l = leg(id);
  if (!l) return;
  cancel_forks(now, id, reason);
  l = leg(id);
  if (l->ringing_in_engine) {
    l->ringing_in_engine = false;
    engine_.handle(engine_now(now), CallEnded{id.bits()});
  }
  if (l->parked) engine_.handle(engine_now(now), PartyHungUp{id.bits()});
  if (Leg* o = leg(l->other); o && o->reinvite_for == id) {
    // A retrieval or pickup whose connection was still being set up: the party it was
    // reaching is left alone, so hang it up too.
    hang_up(now, l->other);
  }
  if (status != 0) {
    answer(now, id, status, nullptr, "Request Terminated");
    return;
  }
  leg_by_invite_.erase(st.slot.bits());
  if (Leg* gone = leg(id)) {
    gone->invite_server = {};
    end_leg(now, id);
  }
}

void B2bua::on_ack(Time now, const sip::Event& e) {
  const sip::Message& m = *e.message;
  const SlotId id = leg_of_dialog(dialogs_.match_request(m));
  Leg* l = leg(id);
  if (!l) return;
  if (!m.body().empty()) {  // an answer in the ACK (§13.2.1)
    sip::SessionDescription sdp;
    if (sip::parse_sdp(m.body(), sdp)) l->remote_sdp = std::move(sdp), l->has_remote_sdp = true;
  }
  if (l->state == LegState::early || l->state == LegState::inviting) l->state = LegState::confirmed;
  if (l->parked && l->music) start_music(id);  // parked by INVITE: the hold answer is ACKed
  (void)now;
}

}  // namespace cpark::server
