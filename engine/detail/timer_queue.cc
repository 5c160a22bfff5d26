#include "engine/detail/timer_queue.h"

namespace cpark::detail {

TimerId TimerQueue::schedule(Time at, TimerOwner owner) {
  const TimerId id = nodes_.emplace(Node{at, next_seq_++, owner, std::uint32_t(heap_.size())});
  heap_.push_back(id.index);
  sift_up(std::uint32_t(heap_.size() - 1));
  return id;
}

void TimerQueue::cancel(TimerId id) {
  if (const Node* n = nodes_.find(id)) remove_at(n->pos);
}

std::optional<Time> TimerQueue::next_deadline() const {
  if (heap_.empty()) return std::nullopt;
  return nodes_.at_index(heap_[0]).at;
}

std::optional<TimerQueue::Fired> TimerQueue::pop_due(Time now) {
  if (heap_.empty() || nodes_.at_index(heap_[0]).at > now) return std::nullopt;
  const Node& n = nodes_.at_index(heap_[0]);
  Fired f{n.at, n.owner};
  remove_at(0);
  return f;
}

void TimerQueue::swap_at(std::uint32_t a, std::uint32_t b) {
  std::swap(heap_[a], heap_[b]);
  nodes_.at_index(heap_[a]).pos = a;
  nodes_.at_index(heap_[b]).pos = b;
}

void TimerQueue::sift_up(std::uint32_t i) {
  while (i > 0) {
    std::uint32_t parent = (i - 1) / 2;
    if (!less(i, parent)) break;
    swap_at(i, parent);
    i = parent;
  }
}

void TimerQueue::sift_down(std::uint32_t i) {
  const auto n = std::uint32_t(heap_.size());
  for (;;) {
    std::uint32_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && less(l, m)) m = l;
    if (r < n && less(r, m)) m = r;
    if (m == i) return;
    swap_at(i, m);
    i = m;
  }
}

void TimerQueue::remove_at(std::uint32_t i) {
  const std::uint32_t slot = heap_[i];
  const auto last = std::uint32_t(heap_.size() - 1);
  if (i != last) {
    swap_at(i, last);
    heap_.pop_back();
    sift_down(i);
    sift_up(i);
  } else {
    heap_.pop_back();
  }
  nodes_.erase_at(slot);
}

}  // namespace cpark::detail
