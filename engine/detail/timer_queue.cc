#include "engine/detail/timer_queue.h"

#include <algorithm>
#include <cassert>

namespace cpark::detail {

namespace {
// Tombstones allowed beyond the live count before a rebuild: keeps small queues from
// rebuilding on every other cancel.
constexpr std::size_t kTombstoneFloor = 1024;
}  // namespace

TimerToken TimerQueue::schedule(Time at, TimerKind kind, SlotId owner) {
  const TimerToken token = next_token_++;
  heap_.push_back(Entry{at, token << 8 | std::uint64_t(kind), owner});
  std::push_heap(heap_.begin(), heap_.end(), later);
  return token;
}

void TimerQueue::reserve(std::size_t n) { heap_.reserve(2 * n + kTombstoneFloor); }

void TimerQueue::cancelled() {
  assert(tombstones_ < heap_.size());
  ++tombstones_;
  drop_dead_top();  // keep the top live: next_deadline() reads it
  if (tombstones_ > size() + kTombstoneFloor) compact();
}

std::optional<Time> TimerQueue::next_deadline() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().at;
}

std::optional<TimerQueue::Fired> TimerQueue::pop_due(Time now) {
  if (heap_.empty() || heap_.front().at > now) return std::nullopt;
  const Entry top = heap_.front();
  pop_top();
  drop_dead_top();
  return Fired{top.at, TimerOwner{top.kind(), top.owner}, top.token()};
}

void TimerQueue::pop_top() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  heap_.pop_back();
}

void TimerQueue::drop_dead_top() {
  while (tombstones_ > 0 && !live(heap_.front())) pop_top(), --tombstones_;
}

void TimerQueue::compact() {
  std::erase_if(heap_, [this](const Entry& e) { return !live(e); });
  tombstones_ = 0;
  std::make_heap(heap_.begin(), heap_.end(), later);
}

}  // namespace cpark::detail
