// SlotMap: generation-checked ids; a stale id finds nothing and erases nothing.
#include <gtest/gtest.h>

#include <string>

#include "common/slot_map.h"

namespace cpark {
namespace {

TEST(SlotMap, FindsWhatItHoldsAndNothingElse) {
  SlotMap<std::string> m;
  SlotId a = m.insert("a"), b = m.insert("b");
  ASSERT_NE(m.find(a), nullptr);
  EXPECT_EQ(*m.find(a), "a");
  EXPECT_EQ(*m.find(b), "b");
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.find(SlotId{}), nullptr);
  EXPECT_EQ(m.find(SlotId(7, 1)), nullptr);
  EXPECT_FALSE(SlotId{}.bits());
  EXPECT_NE(a.bits(), 0u);
  EXPECT_EQ(SlotId::from_bits(a.bits()), a);
}

TEST(SlotMap, StaleIdIsHarmlessAfterTheSlotIsReused) {
  SlotMap<std::string> m;
  SlotId old = m.insert("first owner");
  ASSERT_TRUE(m.erase(old));
  SlotId reuse = m.insert("second owner");
  ASSERT_EQ(reuse.index(), old.index());  // the slot is reused...
  EXPECT_NE(reuse, old);              // ...under a new generation
  EXPECT_EQ(m.find(old), nullptr);
  EXPECT_FALSE(m.erase(old));         // cannot remove the new owner
  ASSERT_NE(m.find(reuse), nullptr);
  EXPECT_EQ(*m.find(reuse), "second owner");
  EXPECT_FALSE(m.erase(old));
  EXPECT_EQ(m.size(), 1u);
}

TEST(SlotMap, ForEachVisitsLiveValuesInSlotOrder) {
  SlotMap<int> m;
  SlotId ids[5];
  for (int i = 0; i < 5; ++i) ids[i] = m.insert(i);
  m.erase(ids[1]);
  m.erase(ids[3]);
  std::vector<int> seen;
  m.for_each([&](SlotId id, int& v) {
    EXPECT_EQ(m.find(id), &v);
    seen.push_back(v);
  });
  EXPECT_EQ(seen, (std::vector<int>{0, 2, 4}));
}

TEST(SlotMap, ErasedValuesAreDestroyed) {
  auto counter = std::make_shared<int>(0);
  SlotMap<std::shared_ptr<int>> m;
  SlotId id = m.insert(counter);
  EXPECT_EQ(counter.use_count(), 2);
  m.erase(id);
  EXPECT_EQ(counter.use_count(), 1);
}

}  // namespace
}  // namespace cpark
