#include "engine/detail/pickup_service.h"

#include <algorithm>

namespace cpark {

bool PickupService::is_pickable(const UserState& callee, const CallRinging& r) const {
  if (callee.group_key == 0 || !callee.can_use_pickup) return false;    // G2, G7
  if (r.route != RouteKind::Direct && r.route != RouteKind::SimultaneousRing)
    return false;  // G6: delegate, response group and team-call legs are not pickable
  const User& u = *callee.data;
  if (!u.private_line.empty() && r.dialed == u.private_line) return false;  // G6 private line
  if (!r.caller.empty() &&
      std::find(u.friends_family.begin(), u.friends_family.end(), r.caller) != u.friends_family.end())
    return false;  // G6 Friends and Family
  return true;
}

void PickupService::ringing(Time now, const CallRinging& r) {
  if (!s_.valid_user(r.callee) || by_call_.count(r.call)) {
    ++s_.counters.stale_inputs;
    return;
  }
  const UserState& callee = s_.users[r.callee];
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = std::uint32_t(calls_.size());
    calls_.emplace_back();
  }
  Ringing& c = calls_[slot];
  c = Ringing{};
  c.call = r.call;
  c.callee = r.callee;
  c.video = r.video;
  c.order = next_order_++;
  c.pickable = is_pickable(callee, r);
  c.group = c.pickable ? callee.group_key : 0;
  c.timer = s_.timers.schedule(now + seconds(callee.data->ring_timeout_seconds),  // G8
                               timer_owner(TimerKind::Ringing, slot));
  by_call_.emplace(r.call, slot);
  if (c.group) link(slot);
  ++s_.counters.rings;
  // G3: nothing else rings; the call rings only where the driver already rings it.
}

void PickupService::link(std::uint32_t slot) {
  Ringing& c = calls_[slot];
  Queue& q = queues_[c.group];
  c.prev = q.tail;
  c.next = kNoSlot;
  if (q.tail != kNoSlot) calls_[q.tail].next = slot; else q.head = slot;
  q.tail = slot;
  ++q.size;
}

void PickupService::unlink(std::uint32_t slot) {
  Ringing& c = calls_[slot];
  if (c.group == 0) return;
  Queue& q = queues_[c.group];
  if (c.prev != kNoSlot) calls_[c.prev].next = c.next; else q.head = c.next;
  if (c.next != kNoSlot) calls_[c.next].prev = c.prev; else q.tail = c.prev;
  --q.size;
  c.prev = c.next = kNoSlot;
  c.group = 0;
}

void PickupService::release(std::uint32_t slot) {
  unlink(slot);
  s_.timers.cancel(calls_[slot].timer);
  by_call_.erase(calls_[slot].call);
  calls_[slot] = Ringing{};
  free_slots_.push_back(slot);
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

void PickupService::on_timer(Time, std::uint32_t slot) {
  Ringing& c = calls_[slot];
  c.timer = kNoTimer;  // it has fired; release() must not cancel it again
  const User* u = s_.valid_user(c.callee) ? s_.users[c.callee].data : nullptr;
  ++s_.counters.no_answer;
  // G8: the callee's own settings decide where an unanswered call goes.
  std::string target = u && !u->no_answer_target.empty() ? u->no_answer_target : "voicemail";
  s_.outputs.emplace_back(ForwardNoAnswer{c.call, c.callee, std::move(target)});
  release(slot);
}

void PickupService::reject(const PickupRequest& r, Diagnostic d) {
  ++s_.counters.pickup_rejected;
  s_.outputs.emplace_back(PickupRejected{r.picker_call, d});
}

void PickupService::pickup(Time, const PickupRequest& r) {
  PoolId owner = 0;
  const OrbitRange* range = s_.owner_of(r.group, &owner);
  if (!range || range->type != RangeType::GroupPickup) return reject(r, diag::kNotAGroupNumber);
  if (owner != r.at_pool) {  // P9 applies to group numbers as to orbits
    ++s_.counters.routed;
    s_.outputs.emplace_back(RouteToPool{r.picker_call, owner, r.group});
    return;
  }
  if (!s_.valid_user(r.from.user) || !s_.users[r.from.user].can_use_pickup)
    return reject(r, diag::kPickupNotAllowed);  // G7 (and no outside pickers)
  auto q = queues_.find(r.group.key());
  if (q == queues_.end() || q->second.head == kNoSlot) return reject(r, diag::kNothingToPickUp);  // G9
  const std::uint32_t slot = q->second.head;  // G4: ringing the longest
  const Ringing& c = calls_[slot];
  ++s_.counters.pickups;
  // G5 + G6: the callee's legs stop and the callee learns who took it; audio only.
  s_.outputs.emplace_back(CallPickedUp{c.call, r.picker_call, c.callee, r.from.user, c.video});
  release(slot);
}

void PickupService::regroup() {
  std::vector<std::uint32_t> live;
  for (std::uint32_t slot = 0; slot < calls_.size(); ++slot)
    if (calls_[slot].call != 0) live.push_back(slot);
  std::sort(live.begin(), live.end(), [&](auto a, auto b) { return calls_[a].order < calls_[b].order; });
  for (auto slot : live) unlink(slot);
  for (auto slot : live) {
    Ringing& c = calls_[slot];
    const UserState& u = s_.users[c.callee];
    if (c.pickable && u.present && u.can_use_pickup && u.group_key) {
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
  std::size_t live = 0;
  for (auto& [key, q] : queues_) {
    std::size_t n = 0;
    for (auto s = q.head; s != kNoSlot; s = calls_[s].next, ++n)
      if (calls_[s].group != key) return "ringing call filed in the wrong group queue";
      else if (calls_[s].next != kNoSlot && calls_[calls_[s].next].order < calls_[s].order)
        return "group queue not in ringing order (G4)";
    if (n != q.size) return "group queue size out of step";
  }
  for (auto& c : calls_)
    if (c.call != 0) {
      ++live;
      if (c.timer == kNoTimer) return "ringing call without its no-answer timer (G8)";
    }
  if (live != by_call_.size()) return "ringing call index out of step";
  return {};
}

}  // namespace cpark
