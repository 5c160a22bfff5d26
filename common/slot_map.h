// SlotMap: values in a vector of reusable slots, addressed by ids that carry the slot's
// generation. Erasing a value bumps its slot's generation, so an id kept past the erase
// (a timer id after its timer fired, a park id after the park ended, a stale SIP
// transaction) no longer matches: find() returns null and erase() refuses it, instead
// of reaching whatever value reuses the slot. One structure for every table of live
// things in cpark (parks, ringing calls, timers, simulator calls and events, SIP
// transactions and dialogs), so every id scheme behaves the same way.
//
// Generations are odd while a slot is live and even while it is free, so a null id
// (generation 0) never matches. A slot whose generation would wrap is retired rather
// than reused: an id can never come back to life.
#pragma once
#include <cassert>
#include <cstdint>
#include <limits>
#include <new>
#include <utility>
#include <vector>

namespace cpark {

// One 64-bit word (generation << 32 | index): built and passed as a single value, so it
// never costs a store-forwarding stall the way two 32-bit halves read as one do.
class SlotId {
 public:
  constexpr SlotId() = default;
  constexpr SlotId(std::uint32_t index, std::uint32_t generation)
      : bits_((std::uint64_t(generation) << 32) | index) {}

  constexpr std::uint32_t index() const { return std::uint32_t(bits_); }
  constexpr std::uint32_t generation() const { return std::uint32_t(bits_ >> 32); }  // 0: null
  constexpr bool is_null() const { return generation() == 0; }
  constexpr explicit operator bool() const { return !is_null(); }
  // The 64-bit form for ids that cross an interface as plain integers; 0 only when null.
  constexpr std::uint64_t bits() const { return bits_; }
  static constexpr SlotId from_bits(std::uint64_t b) {
    SlotId id;
    id.bits_ = b;
    return id;
  }
  friend constexpr bool operator==(SlotId, SlotId) = default;

 private:
  std::uint64_t bits_ = 0;
};

template <class T>
class SlotMap {
 public:
  SlotMap() = default;
  SlotMap(const SlotMap& o) : free_(o.free_), size_(o.size_) {
    slots_.reserve(o.slots_.size());
    for (const Slot& s : o.slots_) {
      Slot& copy = slots_.emplace_back();
      copy.generation = s.generation;
      if (s.generation & 1) new (&copy.value) T(s.value);
    }
  }
  SlotMap& operator=(const SlotMap& o) {
    if (this != &o) {
      SlotMap copy(o);
      swap(copy);
    }
    return *this;
  }
  SlotMap(SlotMap&& o) noexcept { swap(o); }
  SlotMap& operator=(SlotMap&& o) noexcept {
    swap(o);
    return *this;
  }
  ~SlotMap() {
    for (Slot& s : slots_)
      if (s.generation & 1) s.value.~T();
  }
  void swap(SlotMap& o) noexcept {
    slots_.swap(o.slots_);
    free_.swap(o.free_);
    std::swap(size_, o.size_);
  }

  template <class... Args>
  SlotId emplace(Args&&... args) {
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      assert(slots_.size() < std::numeric_limits<std::uint32_t>::max());
      index = std::uint32_t(slots_.size());
      slots_.emplace_back();
    }
    Slot& s = slots_[index];
    new (&s.value) T(std::forward<Args>(args)...);
    ++s.generation;  // even (free) -> odd (live)
    ++size_;
    return SlotId(index, s.generation);
  }
  SlotId insert(T value) { return emplace(std::move(value)); }

  // The live value `id` names, or null when the id is null, stale or never issued.
  T* find(SlotId id) {
    if (id.index() >= slots_.size()) return nullptr;
    Slot& s = slots_[id.index()];
    return s.generation == id.generation() && (s.generation & 1) ? &s.value : nullptr;
  }
  const T* find(SlotId id) const { return const_cast<SlotMap*>(this)->find(id); }
  bool contains(SlotId id) const { return find(id) != nullptr; }

  // Removes the value `id` names. Returns false, and changes nothing, for a stale id.
  bool erase(SlotId id) {
    if (!find(id)) return false;
    erase_at(id.index());
    return true;
  }

  // Index access for structures that keep their own record of which slots are live
  // (a heap of slot indices); the caller guarantees the slot is live.
  T& at_index(std::uint32_t index) { return slots_[index].value; }
  const T& at_index(std::uint32_t index) const { return slots_[index].value; }
  bool is_live(std::uint32_t index) const {
    return index < slots_.size() && (slots_[index].generation & 1);
  }
  SlotId id_at(std::uint32_t index) const { return SlotId(index, slots_[index].generation); }
  void erase_at(std::uint32_t index) {
    Slot& s = slots_[index];
    assert(s.generation & 1);
    s.value.~T();
    --size_;
    // Retire the slot instead of letting its generation wrap to an old id's value.
    if (++s.generation != 0) free_.push_back(index);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Slots ever allocated (live, free and retired): the bound for index loops.
  std::uint32_t slot_count() const { return std::uint32_t(slots_.size()); }
  void reserve(std::size_t n) { slots_.reserve(n); }

  // Calls f(id, value) for every live value, in slot order (deterministic).
  template <class F>
  void for_each(F&& f) {
    for (std::uint32_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].generation & 1) f(SlotId(i, slots_[i].generation), slots_[i].value);
  }
  template <class F>
  void for_each(F&& f) const {
    for (std::uint32_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].generation & 1) f(SlotId(i, slots_[i].generation), slots_[i].value);
  }

 private:
  // The value lives in the slot while the generation is odd; no separate flag (the
  // generation says it), so a slot is the value plus four bytes.
  struct Slot {
    Slot() {}
    ~Slot() {}
    Slot(Slot&& o) noexcept : generation(o.generation) {
      if (generation & 1) {
        new (&value) T(std::move(o.value));
        o.value.~T();
        o.generation &= ~1u;  // moved out: the old slot no longer holds a value
      }
    }
    union {
      T value;
    };
    std::uint32_t generation = 0;
  };
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t size_ = 0;
};

}  // namespace cpark
