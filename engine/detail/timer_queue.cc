#include "engine/detail/timer_queue.h"

#include <algorithm>

namespace cpark::detail {

namespace {
// Tombstones allowed beyond the live count before a rebuild: keeps small queues from
// rebuilding on every other cancel.
constexpr std::size_t kTombstoneFloor = 1024;
}  // namespace

TimerId TimerQueue::schedule(Time at, TimerKind kind, SlotId owner) {
  const TimerId id = owners_.emplace();
  TimerOwner& o = owners_.at_index(id.index());
  o.kind = kind;
  o.id = owner;
  heap_.push_back(Entry{at, next_seq_++, id});
  std::push_heap(heap_.begin(), heap_.end(), later);
  return id;
}

void TimerQueue::reserve(std::size_t n) {
  owners_.reserve(n);
  heap_.reserve(2 * n + kTombstoneFloor);
}

void TimerQueue::cancel(TimerId id) {
  if (!owners_.erase(id)) return;
  if (heap_.front().id == id) drop_dead_top();  // keep the top live: next_deadline() reads it
  else if (heap_.size() > 2 * owners_.size() + kTombstoneFloor) compact();
}

std::optional<Time> TimerQueue::next_deadline() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().at;
}

std::optional<TimerQueue::Fired> TimerQueue::pop_due(Time now) {
  if (heap_.empty() || heap_.front().at > now) return std::nullopt;
  const Entry top = heap_.front();
  Fired f{top.at, owners_.at_index(top.id.index())};
  owners_.erase_at(top.id.index());
  pop_top();
  drop_dead_top();
  return f;
}

void TimerQueue::pop_top() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  heap_.pop_back();
}

void TimerQueue::drop_dead_top() {
  while (!heap_.empty() && !owners_.contains(heap_.front().id)) pop_top();
}

void TimerQueue::compact() {
  std::erase_if(heap_, [this](const Entry& e) { return !owners_.contains(e.id); });
  std::make_heap(heap_.begin(), heap_.end(), later);
}

}  // namespace cpark::detail
