// SDP (RFC 4566) parse and serialize, and the RFC 3264 offer/answer steps a B2BUA needs:
// answer with PCMU/PCMA, hold (a=sendonly, §8.4), the server's own music-on-hold offer,
// a new o= version on every new offer (§8), and the re-INVITE bodies that connect two
// legs. SDP bodies are small and built once per call leg, so this uses owned strings.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpark::sip {

enum class MediaDirection : std::uint8_t { sendrecv, sendonly, recvonly, inactive };
std::string_view direction_name(MediaDirection d);
// The direction an answerer takes for an offered one (RFC 3264 §6.1).
MediaDirection answer_direction(MediaDirection offered);

struct RtpMap {
  int payload_type = 0;
  std::string encoding;  // "PCMU"
  int clock_rate = 8000;
  std::string parameters;  // channels, when given
};

struct MediaDescription {
  std::string media = "audio";
  std::uint16_t port = 0;  // 0: rejected / disabled stream
  std::string protocol = "RTP/AVP";
  std::vector<std::string> formats;  // payload types in preference order
  std::string connection_address;    // media-level c= (empty: session-level applies)
  std::vector<RtpMap> rtpmaps;
  std::optional<MediaDirection> direction;
  std::vector<std::string> attributes;  // other a= lines, without "a="
};

struct SessionDescription {
  std::string origin_user = "-";
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
  std::string origin_address = "0.0.0.0";
  std::string session_name = "-";
  std::string connection_address;  // session-level c= (IN IP4 / IN IP6)
  bool ipv6 = false;
  std::string timing = "0 0";
  std::optional<MediaDirection> direction;  // session-level
  std::vector<std::string> attributes;
  std::vector<MediaDescription> media;

  // The address a stream's RTP goes to (media c= or the session's).
  std::string_view media_address(std::size_t index) const;
  MediaDirection media_direction(std::size_t index) const;
  const MediaDescription* first_audio() const;
};

// Parses v/o/s/c/t/m/a (other lines are skipped). Accepts CRLF or LF. On failure returns
// false and says why in `error` when given.
bool parse_sdp(std::string_view text, SessionDescription& out, std::string* error = nullptr);
void serialize_sdp(const SessionDescription& sdp, std::string& out);

// The codecs the server speaks: PCMU (0) and PCMA (8), plus telephone-event passed on.
struct MediaEndpoint {
  std::string address;  // IPv4 literal (or IPv6 with ipv6 = true)
  std::uint16_t port = 0;
  bool ipv6 = false;
};
struct Origin {
  std::string user = "cpark";
  std::uint64_t session_id = 0;
  std::uint64_t version = 0;  // bumped by every offer the server makes (RFC 3264 §8)
};

// An answer to `offer` for our media at `local`: the same m-lines in the same order
// (§6), the first of PCMU/PCMA the offer lists chosen per audio stream, other streams
// refused with port 0, the direction mirrored. False when no audio stream can be
// accepted (answer 488).
bool make_answer(const SessionDescription& offer, const MediaEndpoint& local, const Origin& origin,
                 SessionDescription& answer);
// A fresh audio offer (PCMU, PCMA, telephone-event).
SessionDescription make_offer(const MediaEndpoint& local, const Origin& origin,
                              MediaDirection direction = MediaDirection::sendrecv);
// RFC 3264 §8.4 hold: the previous local description with a=sendonly (inactive if it
// was recvonly) and the o= version bumped.
SessionDescription make_hold_offer(const SessionDescription& previous_local);
// The server's music-on-hold leg: it sends RTP from its own address/port (sendonly).
SessionDescription make_music_on_hold_offer(const MediaEndpoint& music, Origin& origin);
// Re-INVITE body that points a leg at the other leg's media (the B2BUA connects A and
// B): `other_leg` is what the other party offered or answered; the result keeps our
// origin (version bumped) and carries the other party's address, port and codecs.
SessionDescription make_connect_offer(const SessionDescription& other_leg, Origin& origin);

}  // namespace cpark::sip
