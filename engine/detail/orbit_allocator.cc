#include "engine/detail/orbit_allocator.h"

#include <algorithm>
#include <bit>

namespace cpark {

OrbitAllocator::OrbitAllocator(const std::vector<OrbitRange>& ranges, std::string_view pool) {
  for (auto& r : ranges)
    if (r.type == RangeType::CallPark && r.pool == pool) segments_.push_back({r.first, r.size(), 0});
  std::sort(segments_.begin(), segments_.end(),
            [](auto& a, auto& b) { return a.first.key() < b.first.key(); });
  for (auto& s : segments_) {
    s.base = capacity_;
    capacity_ += s.size;
  }
  free_.assign((capacity_ + 63) / 64, ~std::uint64_t{0});
  if (capacity_ % 64) free_.back() = (std::uint64_t{1} << (capacity_ % 64)) - 1;
}

std::optional<std::uint32_t> OrbitAllocator::index_of(const OrbitNumber& n) const {
  for (auto& s : segments_)
    if (n.prefix == s.first.prefix && n.digits == s.first.digits && n.value >= s.first.value &&
        n.value - s.first.value < s.size)
      return s.base + (n.value - s.first.value);
  return std::nullopt;
}

OrbitNumber OrbitAllocator::number_at(std::uint32_t index) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), index,
                             [](std::uint32_t i, const Segment& s) { return i < s.base; });
  const Segment& s = *(it - 1);
  OrbitNumber n = s.first;
  n.value += index - s.base;
  return n;
}

std::optional<std::uint32_t> OrbitAllocator::find_free_from(std::uint32_t start) const {
  if (capacity_ == 0 || busy_ == capacity_) return std::nullopt;
  const std::size_t words = free_.size();
  std::size_t w = start >> 6;
  std::uint64_t bits = free_[w] & (~std::uint64_t{0} << (start & 63));
  for (std::size_t step = 0; step <= words; ++step) {
    if (bits) return std::uint32_t(w * 64 + std::size_t(std::countr_zero(bits)));
    w = (w + 1 == words) ? 0 : w + 1;
    bits = free_[w];
  }
  return std::nullopt;
}

std::optional<std::uint32_t> OrbitAllocator::nth_free(std::uint32_t n) const {
  for (std::size_t w = 0; w < free_.size(); ++w) {
    auto c = std::uint32_t(std::popcount(free_[w]));
    if (n < c) {
      std::uint64_t bits = free_[w];
      for (std::uint32_t k = 0; k < n; ++k) bits &= bits - 1;  // drop the n lowest set bits
      return std::uint32_t(w * 64 + std::size_t(std::countr_zero(bits)));
    }
    n -= c;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> OrbitAllocator::allocate(OrbitChoice choice, Random& rng) {
  std::optional<std::uint32_t> i;
  switch (choice) {
    case OrbitChoice::Next: i = find_free_from(cursor_); break;
    case OrbitChoice::First: i = find_free_from(0); break;
    case OrbitChoice::Random:
      if (busy_ < capacity_) i = nth_free(rng.below(capacity_ - busy_));
      break;
  }
  if (!i) return std::nullopt;
  take(*i);
  cursor_ = *i + 1 == capacity_ ? 0 : *i + 1;  // O9 `next`: round-robin, wrapping
  return i;
}

bool OrbitAllocator::take(std::uint32_t index) {
  if (!is_free(index)) return false;
  free_[index >> 6] &= ~(std::uint64_t{1} << (index & 63));
  ++busy_;
  return true;
}

void OrbitAllocator::release(std::uint32_t index) {
  if (is_free(index)) return;
  free_[index >> 6] |= std::uint64_t{1} << (index & 63);
  --busy_;
}

}  // namespace cpark
