// The CallPark orbits of one pool and which of them are free (O9, O10). The pool's ranges
// are laid end to end into one index space. A bitmap of free orbits has a summary level
// (one bit per 64-orbit word that has a free orbit) and free counts per 4,096 and per
// 512 orbits, so "next free after the cursor", "lowest free" and "the n-th free" each
// touch a handful of words even in a pool of 50,000 orbits with 99 % busy.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/deployment.h"
#include "common/random.h"
#include "engine/validated_deployment.h"

namespace cpark::detail {

// Indices come back as plain integers with kNoOrbit for "none": on the park/retrieve
// path an optional<uint32_t> return costs GCC 12 a store-forwarding stall per call.
inline constexpr std::uint32_t kNoOrbit = ~std::uint32_t{0};

class OrbitAllocator {
 public:
  OrbitAllocator() = default;
  // The CallPark ranges of pool `pool_index` of `d`.
  OrbitAllocator(const ValidatedDeployment& d, std::uint32_t pool_index);

  std::uint32_t capacity() const { return capacity_; }
  std::uint32_t busy() const { return busy_; }
  // The index of `n` in this pool, or kNoOrbit.
  std::uint32_t index_of(const OrbitNumber& n) const;
  OrbitNumber number_at(std::uint32_t index) const;
  bool is_free(std::uint32_t index) const { return (free_[index >> 6] >> (index & 63)) & 1; }

  // O9: picks and marks busy a free orbit, or kNoOrbit when all are busy (P2).
  std::uint32_t allocate(OrbitChoice choice, Random& rng);
  // O10: marks a specific orbit busy; false if it is already busy.
  bool take(std::uint32_t index);
  void release(std::uint32_t index);

 private:
  static constexpr int kBlockWords = 64;  // words per summary word (4,096 orbits)
  static constexpr int kGroupWords = 8;   // words per group count (512 orbits)
  std::uint32_t first_free_word(std::size_t from_word) const;
  std::uint32_t find_free_from(std::uint32_t start) const;
  std::uint32_t nth_free(std::uint32_t n) const;

  struct Segment { OrbitNumber first; std::uint32_t size; std::uint32_t base; };
  std::vector<Segment> segments_;        // sorted by number key
  std::vector<std::uint64_t> free_;      // bit set = orbit free
  std::vector<std::uint64_t> summary_;   // bit w set = free_[w] has a free orbit
  std::vector<std::uint32_t> block_free_;  // free orbits per summary word
  std::vector<std::uint16_t> group_free_;  // free orbits per kGroupWords words
  std::uint32_t capacity_ = 0;
  std::uint32_t busy_ = 0;
  std::uint32_t cursor_ = 0;             // O9 `next`: where the next search starts
};

}  // namespace cpark::detail
