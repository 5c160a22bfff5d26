// An open-addressing hash index from a 64-bit key hash to a SlotId, for O(1) transaction
// and dialog matching without a node allocation per entry (std::unordered_map allocates
// one per insert). The caller keeps the real key with the value and confirms a hit with
// `matches(id)`, so hash collisions are harmless. Linear probing with backward-shift
// deletion: no tombstones, so heavy insert/erase traffic never degrades it.
#pragma once
#include <cstdint>
#include <vector>

#include "common/slot_map.h"

namespace cpark::sip::detail {

class HashIndex {
 public:
  void insert(std::uint64_t hash, SlotId id) {
    if ((size_ + 1) * 2 > entries_.size()) grow();
    std::size_t i = hash & mask_;
    while (!entries_[i].id.is_null()) i = (i + 1) & mask_;
    entries_[i] = Entry{hash, id};
    ++size_;
  }
  // The first id with this hash for which matches(id) is true, or a null id.
  template <class Matches>
  SlotId find(std::uint64_t hash, Matches&& matches) const {
    if (entries_.empty()) return {};
    for (std::size_t i = hash & mask_; !entries_[i].id.is_null(); i = (i + 1) & mask_)
      if (entries_[i].hash == hash && matches(entries_[i].id)) return entries_[i].id;
    return {};
  }
  // Calls f(id) for every id stored under `hash`, in probe order; the caller confirms
  // each with its real key. f must not insert or erase.
  template <class F>
  void for_each(std::uint64_t hash, F&& f) const {
    if (entries_.empty()) return;
    for (std::size_t i = hash & mask_; !entries_[i].id.is_null(); i = (i + 1) & mask_)
      if (entries_[i].hash == hash) f(entries_[i].id);
  }
  bool erase(std::uint64_t hash, SlotId id) {
    if (entries_.empty()) return false;
    std::size_t i = hash & mask_;
    while (!(entries_[i].hash == hash && entries_[i].id == id)) {
      if (entries_[i].id.is_null()) return false;
      i = (i + 1) & mask_;
    }
    // Backward-shift: move later entries of the probe run into the hole.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; !entries_[j].id.is_null(); j = (j + 1) & mask_) {
      const std::size_t home = entries_[j].hash & mask_;
      const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        entries_[hole] = entries_[j];
        hole = j;
      }
    }
    entries_[hole] = Entry{};
    --size_;
    return true;
  }
  std::size_t size() const { return size_; }
  // Room for `n` entries without growing (each growth re-inserts every entry).
  void reserve(std::size_t n) {
    while (entries_.size() < 2 * n) grow();
  }

 private:
  struct Entry {
    std::uint64_t hash = 0;
    SlotId id;
  };
  void grow() {
    std::vector<Entry> old = std::move(entries_);
    entries_.assign(old.empty() ? 64 : old.size() * 2, Entry{});
    mask_ = entries_.size() - 1;
    size_ = 0;
    for (const Entry& e : old)
      if (!e.id.is_null()) insert(e.hash, e.id);
  }
  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace cpark::sip::detail
