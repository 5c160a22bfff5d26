// MohStreams: start/stop/readdress streams and produce each tick's packets on the grid.
#include "media/moh_streams.h"

#include <algorithm>

namespace cpark::media {
namespace {

using std::chrono::milliseconds;

// The first grid point at or after `t` (grid points are multiples of 20 ms).
milliseconds grid_point_at_or_after(milliseconds t) {
  const auto interval = MohStreams::kPacketInterval.count();
  auto q = t.count() / interval;
  if (q * interval < t.count()) ++q;  // round up, for negative t too
  return milliseconds(q * interval);
}

}  // namespace

MohStreams::MohStreams(const MohSettings& settings)
    : settings_(settings), generator_(settings.seed) {
  settings_.max_packets_per_tick = std::max<std::uint32_t>(1, settings_.max_packets_per_tick);
}

SlotId MohStreams::start(milliseconds now, const RtpDestination& destination,
                         std::shared_ptr<const MusicBuffer> music) {
  if (!music) return SlotId{};
  const milliseconds due = grid_point_at_or_after(now);
  earliest_due_ = streams_.empty() ? due : std::min(earliest_due_, due);
  ++counters_.streams_started;
  return streams_.emplace(detail::MohStream{std::move(music), destination,
                                            RtpSequence::random(generator_), 0, due});
}

bool MohStreams::stop(SlotId id) {
  detail::MohStream* stream = streams_.find(id);
  if (!stream) return false;
  retired_music_.push_back(std::move(stream->music));
  streams_.erase(id);
  return true;
}

bool MohStreams::set_destination(SlotId id, const RtpDestination& destination) {
  detail::MohStream* stream = streams_.find(id);
  if (!stream) return false;
  stream->destination = destination;
  return true;
}

std::optional<milliseconds> MohStreams::next_deadline() const {
  if (streams_.empty()) return std::nullopt;
  return earliest_due_;
}

std::size_t MohStreams::tick(milliseconds now, RtpBatch& batch) {
  retired_music_.clear();  // the previous batch has been sent
  const std::size_t before = batch.size();
  const auto interval = kPacketInterval.count();
  const std::uint32_t bound = settings_.max_packets_per_tick;
  bool is_first = true;
  milliseconds earliest{0};
  streams_.for_each([&](SlotId, detail::MohStream& s) {
    if (s.next_due <= now) {
      const auto due = std::uint64_t((now - s.next_due).count() / interval) + 1;
      const MusicBuffer& music = *s.music;
      if (due > 1) ++counters_.late_ticks;
      if (due > bound) {
        const std::uint64_t skipped = due - bound;
        s.rtp.skip(std::uint32_t(skipped));
        s.position = music.position_after(s.position, skipped);
        counters_.packets_skipped += skipped;
      }
      for (std::uint64_t k = std::min<std::uint64_t>(due, bound); k > 0; --k) {
        batch.append(RtpPacket{serialize(s.rtp.next_header()), music.packet_at(s.position), s.destination});
        s.position = music.position_after(s.position, 1);
      }
      s.next_due += milliseconds(std::int64_t(due) * interval);
    }
    earliest = is_first ? s.next_due : std::min(earliest, s.next_due);
    is_first = false;
  });
  earliest_due_ = earliest;
  const std::size_t appended = batch.size() - before;
  counters_.packets += appended;
  return appended;
}

std::optional<std::uint32_t> MohStreams::ssrc(SlotId id) const {
  const detail::MohStream* stream = streams_.find(id);
  if (!stream) return std::nullopt;
  return stream->rtp.ssrc();
}

void MohStreams::reserve(std::size_t streams) {
  streams_.reserve(streams);
  retired_music_.reserve(streams);
}

}  // namespace cpark::media
