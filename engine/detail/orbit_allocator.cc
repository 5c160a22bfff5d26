#include "engine/detail/orbit_allocator.h"

#include <algorithm>
#include <bit>

namespace cpark::detail {

namespace {
constexpr std::uint64_t kAll = ~std::uint64_t{0};
std::uint64_t from_bit(unsigned b) { return kAll << b; }  // bits b..63
// std::popcount compiles to a libgcc call for the Debian x86-64 baseline (no POPCNT),
// which was a tenth of a random allocation's time; this is a dozen inline instructions.
int popcount(std::uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555u;
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
  return int((x * 0x0101010101010101u) >> 56);
}
}  // namespace

OrbitAllocator::OrbitAllocator(const ValidatedDeployment& d, std::uint32_t pool_index) {
  // call_park_ranges is sorted by number, so segments_ is too.
  for (std::uint32_t r : d.pool_info(pool_index).call_park_ranges)
    segments_.push_back({d.bounds(r).first, d.bounds(r).size(), 0});
  for (auto& s : segments_) {
    s.base = capacity_;
    capacity_ += s.size;
  }
  free_.assign((capacity_ + 63) / 64, kAll);
  if (capacity_ % 64) free_.back() = (std::uint64_t{1} << (capacity_ % 64)) - 1;
  summary_.assign((free_.size() + kBlockWords - 1) / kBlockWords, 0);
  block_free_.assign(summary_.size(), 0);
  group_free_.assign((free_.size() + kGroupWords - 1) / kGroupWords, 0);
  for (std::size_t w = 0; w < free_.size(); ++w) {
    if (free_[w]) summary_[w / kBlockWords] |= std::uint64_t{1} << (w % kBlockWords);
    block_free_[w / kBlockWords] += std::uint32_t(popcount(free_[w]));
    group_free_[w / kGroupWords] = std::uint16_t(group_free_[w / kGroupWords] + popcount(free_[w]));
  }
}

std::uint32_t OrbitAllocator::index_of(const OrbitNumber& n) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), n.key(),
                             [](std::uint64_t k, const Segment& s) { return k < s.first.key(); });
  if (it == segments_.begin()) return kNoOrbit;
  const Segment& s = *(it - 1);
  if (n.prefix != s.first.prefix || n.digits != s.first.digits || n.value - s.first.value >= s.size)
    return kNoOrbit;
  return s.base + (n.value - s.first.value);
}

OrbitNumber OrbitAllocator::number_at(std::uint32_t index) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), index,
                             [](std::uint32_t i, const Segment& s) { return i < s.base; });
  const Segment& s = *(it - 1);
  OrbitNumber n = s.first;
  n.value += index - s.base;
  return n;
}

// The first word at or after `from_word` with a free orbit, by the summary level.
std::uint32_t OrbitAllocator::first_free_word(std::size_t from_word) const {
  std::size_t sw = from_word / kBlockWords;
  if (sw >= summary_.size()) return kNoOrbit;
  std::uint64_t bits = summary_[sw] & from_bit(unsigned(from_word % kBlockWords));
  for (;;) {
    if (bits) return std::uint32_t(sw * kBlockWords + std::size_t(std::countr_zero(bits)));
    if (++sw == summary_.size()) return kNoOrbit;
    bits = summary_[sw];
  }
}

std::uint32_t OrbitAllocator::find_free_from(std::uint32_t start) const {
  if (busy_ == capacity_) return kNoOrbit;
  const std::size_t w = start >> 6;
  if (const std::uint64_t bits = free_[w] & from_bit(start & 63))
    return std::uint32_t(w * 64 + std::size_t(std::countr_zero(bits)));
  std::uint32_t next = first_free_word(w + 1);
  if (next == kNoOrbit) next = first_free_word(0);  // wrap: the start word's lower bits count too
  return std::uint32_t(std::size_t(next) * 64 + std::size_t(std::countr_zero(free_[next])));
}

std::uint32_t OrbitAllocator::nth_free(std::uint32_t n) const {
  std::size_t sw = 0;
  while (n >= block_free_[sw]) n -= block_free_[sw++];
  std::size_t g = sw * (kBlockWords / kGroupWords);
  while (n >= group_free_[g]) n -= group_free_[g++];
  for (std::size_t w = g * kGroupWords;; ++w) {
    const auto c = std::uint32_t(popcount(free_[w]));
    if (n < c) {
      std::uint64_t bits = free_[w];
      for (std::uint32_t k = 0; k < n; ++k) bits &= bits - 1;  // drop the n lowest set bits
      return std::uint32_t(w * 64 + std::size_t(std::countr_zero(bits)));
    }
    n -= c;
  }
}

std::uint32_t OrbitAllocator::allocate(OrbitChoice choice, Random& rng) {
  if (busy_ == capacity_) return kNoOrbit;
  std::uint32_t i = kNoOrbit;
  switch (choice) {
    case OrbitChoice::Next: i = find_free_from(cursor_); break;
    case OrbitChoice::First: i = find_free_from(0); break;
    case OrbitChoice::Random: i = nth_free(rng.below(capacity_ - busy_)); break;
  }
  take(i);
  cursor_ = i + 1 == capacity_ ? 0 : i + 1;  // O9 `next`: round-robin, wrapping
  return i;
}

bool OrbitAllocator::take(std::uint32_t index) {
  if (!is_free(index)) return false;
  const std::size_t w = index >> 6;
  free_[w] &= ~(std::uint64_t{1} << (index & 63));
  if (!free_[w]) summary_[w / kBlockWords] &= ~(std::uint64_t{1} << (w % kBlockWords));
  --block_free_[w / kBlockWords];
  --group_free_[w / kGroupWords];
  ++busy_;
  return true;
}

void OrbitAllocator::release(std::uint32_t index) {
  if (is_free(index)) return;
  const std::size_t w = index >> 6;
  free_[w] |= std::uint64_t{1} << (index & 63);
  summary_[w / kBlockWords] |= std::uint64_t{1} << (w % kBlockWords);
  ++block_free_[w / kBlockWords];
  ++group_free_[w / kGroupWords];
  --busy_;
}

}  // namespace cpark::detail
