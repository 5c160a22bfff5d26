// Dialog state (RFC 3261 §12) for both sides, stored in a SlotMap with an O(1) index by
// dialog id (Call-ID, local tag, remote tag), plus in-dialog request construction with
// loose and strict routing (§12.2.1.1). The server keeps thousands of these.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/slot_map.h"
#include "sip/detail/hash_index.h"
#include "sip/message.h"

namespace cpark::sip {

struct DialogId {
  SlotId slot;
  explicit operator bool() const { return bool(slot); }
  friend bool operator==(DialogId, DialogId) = default;
};

enum class DialogState : std::uint8_t { early, confirmed };

// Bounds on what remote input can make the table hold. Dialogs come and go at the TU's
// call (create_*, erase), except that a peer decides how many forks (new To tags in 1xx
// and 2xx responses) one request of ours meets, and every table needs a ceiling.
struct DialogLimits {
  // create_* and on_uac_response return a null id beyond this many dialogs.
  std::size_t max_dialogs = 20000;
  // Dialogs (early or confirmed) one request of ours (Call-ID + From tag) may have; a
  // response with yet another To tag beyond this makes none. RFC 3261 puts no limit
  // on forking; 16 is far above what a forking proxy in front of one user produces.
  std::size_t max_forks_per_request = 16;
};

struct Dialog {
  DialogState state = DialogState::early;
  bool is_uac = false;
  bool secure = false;           // sips Request-URI over TLS (§12.1.1)
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  std::string local_party;       // our From (UAC) / To (UAS) value, with our tag
  std::string remote_party;      // the peer's, with its tag
  std::uint32_t local_cseq = 0;  // last CSeq we used
  std::uint32_t remote_cseq = 0; // last CSeq the peer used
  bool has_remote_cseq = false;  // §12.1.2: empty until the peer's first request
  std::string remote_target;     // URI of the peer's Contact
  std::vector<std::string> route_set;  // Record-Route values (reversed for the UAC)
  std::string local_contact;     // our Contact value for in-dialog requests
};

class DialogTable {
 public:
  explicit DialogTable(DialogLimits limits = {}) : limits_(limits) {}

  // UAC side (§12.1.2): from the request we sent and a 2xx or tagged 1xx to it. A
  // response from another fork (new To tag) makes another dialog. Null when the
  // response has no To tag or no Contact the dialog could target.
  DialogId create_uac(const Message& request, const Message& response);
  // UAS side (§12.1.1): from the request received and the To tag we answer with.
  DialogId create_uas(const Message& request, std::string_view local_tag,
                      std::string_view local_contact);
  // Updates the early dialog a later response confirms, or creates it (forks). The first
  // 2xx also erases the request's other early dialogs (§13.2.2.4: they end with the
  // INVITE; a later 2xx from one of those forks makes a confirmed dialog anew), and a
  // non-2xx final response erases all of them (returns null).
  DialogId on_uac_response(const Message& request, const Message& response);
  // Erases the early dialogs of our request (same Call-ID and From tag): call it when the
  // request ended without a final response (transaction_timeout, no_final_response
  // followed by timeout). Returns how many were erased.
  std::size_t erase_early(const Message& request);

  Dialog* find(DialogId id) { return dialogs_.find(id.slot); }
  const Dialog* find(DialogId id) const { return dialogs_.find(id.slot); }
  DialogId find(std::string_view call_id, std::string_view local_tag, std::string_view remote_tag) const;
  // A request inside a dialog we are in: To tag is ours, From tag is the peer's.
  DialogId match_request(const Message& request) const;
  // A response to a request we sent in a dialog: From tag ours, To tag the peer's.
  DialogId match_response(const Message& response) const;
  bool erase(DialogId id);
  std::size_t size() const { return dialogs_.size(); }
  // Raises (or lowers) the dialog bound, for live ones it never ends them.
  void set_max_dialogs(std::size_t n) { limits_.max_dialogs = n; }
  // Room for `n` dialogs without moving the table or re-indexing (see B2bua::serve).
  void reserve(std::size_t n) {
    dialogs_.reserve(n);
    index_.reserve(n);
    request_index_.reserve(n);
  }
  // Creations refused by DialogLimits.
  std::uint64_t refused() const { return refused_; }
  const DialogLimits& limits() const { return limits_; }
  template <class F>
  void for_each(F&& f) const { dialogs_.for_each([&](SlotId s, const Dialog& d) { f(DialogId{s}, d); }); }

  // §12.2.2: checks an in-dialog request's CSeq and refreshes the remote target on a
  // target-refresh request (re-INVITE, UPDATE). Returns 0, or 500 for a CSeq lower than
  // the last one (out of order). ACK and CANCEL are not checked.
  int on_request(DialogId id, const Message& request);
  // Target refresh from a 2xx to our re-INVITE/UPDATE (§12.2.1.2).
  void on_target_refresh_response(DialogId id, const Message& response);

  // §12.2.1.1: a request in the dialog. CSeq is the next local number (ACK takes
  // `cseq_for_ack`, the INVITE's). Request-URI and Route follow the route set: loose
  // routing keeps the remote target as Request-URI; a strict first hop becomes the
  // Request-URI and the remote target goes last in Route.
  void make_request(DialogId id, Method method, Message& out, std::uint32_t cseq_for_ack = 0);
  void make_ack(DialogId id, std::uint32_t invite_cseq, Message& out) {
    make_request(id, Method::ack, out, invite_cseq);
  }

 private:
  static std::uint64_t hash_id(std::string_view call_id, std::string_view local_tag,
                               std::string_view remote_tag);
  static std::uint64_t hash_request(std::string_view call_id, std::string_view local_tag);
  DialogId insert(Dialog d);
  // UAC dialogs of one request, through the request index.
  template <class F>
  void for_each_fork(std::string_view call_id, std::string_view local_tag, F&& f) const;
  std::size_t erase_forks(std::string_view call_id, std::string_view local_tag, bool early_only,
                          DialogId keep);
  DialogLimits limits_;
  SlotMap<Dialog> dialogs_;
  detail::HashIndex index_;          // Call-ID + local tag + remote tag
  detail::HashIndex request_index_;  // UAC dialogs by Call-ID + local tag (forks)
  std::uint64_t refused_ = 0;
};

// 481 Call/Transaction Does Not Exist for an in-dialog request that matches no dialog
// (§12.2.2), with a To tag when the request's To has none.
void make_481(const Message& request, std::string_view to_tag, Message& out);

// The value of the first Contact's URI text ("sip:bob@192.0.2.4:5060;transport=tcp").
std::string contact_uri_text(const Message& message);

}  // namespace cpark::sip
