#include "engine/detail/pickup_service.h"

#include <algorithm>

#include "engine/identity.h"

namespace cpark::detail {

bool PickupService::is_pickable(UserId callee, const CallRinging& r) const {
  const auto& info = s_.user_info(callee);
  if (info.group_key == 0 || !info.can_use_pickup) return false;    // G2, G7
  if (r.route != RouteKind::Direct && r.route != RouteKind::SimultaneousRing)
    return false;  // G6: delegate, response group and team-call legs are not pickable
  const User& u = s_.user(callee);
  if (!u.private_line.empty() && r.dialed == u.private_line) return false;  // G6 private line
  if (!r.caller.empty())
    for (auto& contact : u.friends_family)
      if (same_identity(r.caller, contact, s_.domain)) return false;  // G6 Friends and Family
  return true;
}

void PickupService::ringing(Time now, const CallRinging& r) {
  if (!s_.valid_user(r.callee) || by_call_.contains(r.call)) {
    ++s_.counters.stale_inputs;
    return;
  }
  Ringing c;
  c.call = r.call;
  c.callee = r.callee;
  c.video = r.video;
  c.order = next_order_++;
  c.pickable = is_pickable(r.callee, r);
  c.group = c.pickable ? s_.user_info(r.callee).group_key : 0;
  const SlotId id = calls_.insert(c);
  calls_.find(id)->timer = s_.timers.schedule(now + seconds(s_.user(r.callee).ring_timeout_seconds),  // G8
                                              TimerKind::Ringing, id);
  by_call_.emplace(r.call, id);
  if (c.group) link(id.index());
  ++s_.counters.rings;
  // G3: nothing else rings; the call rings only where the driver already rings it.
}

void PickupService::link(std::uint32_t slot) {
  Ringing& c = calls_.at_index(slot);
  Queue& q = queues_[c.group];
  c.prev = q.tail;
  c.next = kNoIndex;
  if (q.tail != kNoIndex) calls_.at_index(q.tail).next = slot; else q.head = slot;
  q.tail = slot;
  ++q.size;
}

void PickupService::unlink(std::uint32_t slot) {
  Ringing& c = calls_.at_index(slot);
  if (c.group == 0) return;
  Queue& q = queues_[c.group];
  if (c.prev != kNoIndex) calls_.at_index(c.prev).next = c.next; else q.head = c.next;
  if (c.next != kNoIndex) calls_.at_index(c.next).prev = c.prev; else q.tail = c.prev;
  --q.size;
  c.prev = c.next = kNoIndex;
  c.group = 0;
}

void PickupService::release(SlotId id) {
  Ringing& c = *calls_.find(id);
  unlink(id.index());
  if (c.timer) {
    c.timer = 0;  // forgotten first: the queue asks the call whether the token is live
    s_.timers.cancelled();
  }
  by_call_.erase(c.call);
  calls_.erase(id);
}

void PickupService::answered(CallId call) {
  auto it = by_call_.find(call);
  if (it == by_call_.end()) return void(++s_.counters.stale_inputs);
  ++s_.counters.answered_by_callee;
  release(it->second);
}

void PickupService::ended(CallId call) {
  auto it = by_call_.find(call);
  if (it == by_call_.end()) return void(++s_.counters.stale_inputs);
  ++s_.counters.caller_gave_up;
  release(it->second);
}

void PickupService::on_timer(Time, SlotId id) {
  Ringing* c = calls_.find(id);
  if (!c) return;  // cannot happen: releasing a call cancels its timer
  c->timer = {};   // it has fired; release() must not cancel it again
  ++s_.counters.no_answer;
  // G8: the callee's own settings decide where an unanswered call goes.
  const User* u = s_.valid_user(c->callee) ? &s_.user(c->callee) : nullptr;
  std::string target = u && !u->no_answer_target.empty() ? u->no_answer_target : "voicemail";
  s_.outputs.push(ForwardNoAnswer{c->call, c->callee, std::move(target)});
  release(id);
}

void PickupService::reject(const PickupRequest& r, Diagnostic d) {
  ++s_.counters.pickup_rejected;
  s_.outputs.push(PickupRejected{r.picker_call, d});
}

void PickupService::pickup(Time, const PickupRequest& r) {
  PoolId owner = 0;
  const OrbitRange* range = s_.owner_of(r.group, &owner);
  if (!range || range->type != RangeType::GroupPickup) return reject(r, diag::kNotAGroupNumber);
  if (owner != r.at_pool) {  // P9 applies to group numbers as to orbits
    ++s_.counters.routed;
    s_.outputs.push(RouteToPool{r.picker_call, owner, r.group, RoutedRequest::Pickup, r.from, 0});
    return;
  }
  if (!s_.valid_user(r.from.user) || !s_.user_info(r.from.user).can_use_pickup)
    return reject(r, diag::kPickupNotAllowed);  // G7 (and no outside pickers)
  auto q = queues_.find(r.group.key());
  if (q == queues_.end() || q->second.head == kNoIndex) return reject(r, diag::kNothingToPickUp);  // G9
  const std::uint32_t slot = q->second.head;  // G4: ringing the longest
  const Ringing& c = calls_.at_index(slot);
  ++s_.counters.pickups;
  // G5 + G6: the callee's legs stop and the callee learns who took it; audio only.
  s_.outputs.push(CallPickedUp{c.call, r.picker_call, c.callee, r.from.user, c.video});
  release(calls_.id_at(slot));
}

void PickupService::regroup() {
  std::vector<std::uint32_t> live;
  calls_.for_each([&](SlotId id, const Ringing&) { live.push_back(id.index()); });
  std::sort(live.begin(), live.end(),
            [&](auto a, auto b) { return calls_.at_index(a).order < calls_.at_index(b).order; });
  for (auto slot : live) unlink(slot);
  for (auto slot : live) {
    Ringing& c = calls_.at_index(slot);
    if (!c.pickable || !s_.valid_user(c.callee)) continue;
    const auto& u = s_.user_info(c.callee);
    if (u.can_use_pickup && u.group_key) {
      c.group = u.group_key;
      link(slot);
    }
  }
}

std::size_t PickupService::pickable_in(std::uint64_t group_key) const {
  auto q = queues_.find(group_key);
  return q == queues_.end() ? 0 : q->second.size;
}

std::string PickupService::check_invariants() const {
  for (auto& [key, q] : queues_) {
    std::size_t n = 0;
    for (auto s = q.head; s != kNoIndex; s = calls_.at_index(s).next, ++n) {
      const Ringing& c = calls_.at_index(s);
      if (c.group != key) return "ringing call filed in the wrong group queue";
      if (c.next != kNoIndex && calls_.at_index(c.next).order < c.order) return "group queue not in ringing order (G4)";
    }
    if (n != q.size) return "group queue size out of step";
  }
  std::string error;
  calls_.for_each([&](SlotId, const Ringing& c) {
    if (error.empty() && !c.timer) error = "ringing call without its no-answer timer (G8)";
  });
  if (!error.empty()) return error;
  if (calls_.size() != by_call_.size()) return "ringing call index out of step";
  return {};
}

}  // namespace cpark::detail
