// The engine's output queue: the services append, the driver drains. Two buffers swap:
// while one batch is handed out by reference (no copy, no move), outputs that the
// driver's reactions produce collect in the other and are handed out next, in order.
// Both keep their capacity, so a warm engine allocates nothing here.
#pragma once
#include <cassert>
#include <utility>
#include <vector>

#include "engine/events.h"

namespace cpark {

class OutputQueue {
 public:
  template <class T>
  void push(T&& o) {
    collecting_.emplace_back(std::forward<T>(o));
  }
  bool empty() const { return collecting_.empty(); }
  std::size_t size() const { return collecting_.size(); }

  // Calls f(const Output&) for every output, oldest first, until none is left. `f` may
  // call the engine's inputs; what they produce is handed out after the current batch.
  // The reference is valid during the call only.
  template <class F>
  void drain(F&& f) {
    assert(!draining_now_ && "drain() called from inside a drain() callback");
    draining_now_ = true;
    while (!collecting_.empty()) {
      std::swap(collecting_, draining_);
      for (const Output& o : draining_) f(o);
      draining_.clear();
    }
    draining_now_ = false;
  }

 private:
  std::vector<Output> collecting_, draining_;
  bool draining_now_ = false;
};

}  // namespace cpark
