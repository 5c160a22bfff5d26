#include "engine/detail/timer_queue.h"

namespace cpark::detail {

TimerId TimerQueue::schedule(Time at, TimerKind kind, SlotId owner) {
  const TimerId id = nodes_.emplace();
  Node& n = nodes_.at_index(id.index());
  n.owner.kind = kind;
  n.owner.id = owner;
  heap_.emplace_back();
  sift_up(std::uint32_t(heap_.size() - 1), Entry{at, next_seq_++, id.index()});
  return id;
}

void TimerQueue::cancel(TimerId id) {
  if (const Node* n = nodes_.find(id)) remove_at(n->pos);
}

std::optional<Time> TimerQueue::next_deadline() const {
  if (heap_.empty()) return std::nullopt;
  return heap_[0].at;
}

std::optional<TimerQueue::Fired> TimerQueue::pop_due(Time now) {
  if (heap_.empty() || heap_[0].at > now) return std::nullopt;
  Fired f{heap_[0].at, nodes_.at_index(heap_[0].slot).owner};
  remove_at(0);
  return f;
}

// Moves `e` up from the hole at `i` to its place.
void TimerQueue::sift_up(std::uint32_t i, Entry e) {
  while (i > 0) {
    const std::uint32_t parent = (i - 1) / 2;
    if (!(e < heap_[parent])) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, e);
}

// Moves `e` down from the hole at `i` to its place.
void TimerQueue::sift_down(std::uint32_t i, Entry e) {
  const auto n = std::uint32_t(heap_.size());
  for (;;) {
    const std::uint32_t l = 2 * i + 1;
    if (l >= n) break;
    const std::uint32_t m = l + 1 < n && heap_[l + 1] < heap_[l] ? l + 1 : l;
    if (!(heap_[m] < e)) break;
    place(i, heap_[m]);
    i = m;
  }
  place(i, e);
}

void TimerQueue::remove_at(std::uint32_t i) {
  nodes_.erase_at(heap_[i].slot);
  const Entry last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;  // it was the last entry
  // The last entry fills the hole: it moves up if it is earlier than the hole's parent,
  // otherwise down.
  if (i > 0 && last < heap_[(i - 1) / 2]) sift_up(i, last);
  else sift_down(i, last);
}

}  // namespace cpark::detail
