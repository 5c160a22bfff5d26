// SDP parsing and serialization (RFC 4566 §5) and offer/answer (RFC 3264).
#include "sip/sdp.h"

#include <charconv>

#include "sip/detail/text.h"

namespace cpark::sip {
namespace {

bool parse_u64(std::string_view s, std::uint64_t& v) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

std::optional<MediaDirection> direction_of(std::string_view a) {
  if (a == "sendrecv") return MediaDirection::sendrecv;
  if (a == "sendonly") return MediaDirection::sendonly;
  if (a == "recvonly") return MediaDirection::recvonly;
  if (a == "inactive") return MediaDirection::inactive;
  return std::nullopt;
}

bool fail(std::string* error, std::string_view what) {
  if (error) error->assign(what);
  return false;
}

void split_words(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
}

bool is_supported_codec(const MediaDescription& m, std::string_view format, std::string& name) {
  int pt = -1;
  std::from_chars(format.data(), format.data() + format.size(), pt);
  for (const RtpMap& r : m.rtpmaps)
    if (r.payload_type == pt) {
      name = r.encoding;
      for (char& c : name) c = char(std::toupper(static_cast<unsigned char>(c)));
      return (name == "PCMU" || name == "PCMA") && r.clock_rate == 8000;
    }
  // Static payload types need no rtpmap (RFC 3551).
  if (pt == 0) name = "PCMU";
  else if (pt == 8) name = "PCMA";
  else return false;
  return true;
}

void add_audio_codecs(MediaDescription& m) {
  m.formats = {"0", "8", "101"};
  m.rtpmaps = {{0, "PCMU", 8000, {}}, {8, "PCMA", 8000, {}}, {101, "telephone-event", 8000, {}}};
  m.attributes = {"fmtp:101 0-16"};
}

}  // namespace

std::string_view direction_name(MediaDirection d) {
  switch (d) {
    case MediaDirection::sendrecv: return "sendrecv";
    case MediaDirection::sendonly: return "sendonly";
    case MediaDirection::recvonly: return "recvonly";
    case MediaDirection::inactive: return "inactive";
  }
  return "sendrecv";
}

MediaDirection answer_direction(MediaDirection offered) {
  switch (offered) {
    case MediaDirection::sendonly: return MediaDirection::recvonly;
    case MediaDirection::recvonly: return MediaDirection::sendonly;
    case MediaDirection::inactive: return MediaDirection::inactive;
    case MediaDirection::sendrecv: return MediaDirection::sendrecv;
  }
  return MediaDirection::sendrecv;
}

std::string_view SessionDescription::media_address(std::size_t index) const {
  if (index < media.size() && !media[index].connection_address.empty()) return media[index].connection_address;
  return connection_address;
}

MediaDirection SessionDescription::media_direction(std::size_t index) const {
  if (index < media.size() && media[index].direction) return *media[index].direction;
  return direction.value_or(MediaDirection::sendrecv);
}

const MediaDescription* SessionDescription::first_audio() const {
  for (const MediaDescription& m : media)
    if (m.media == "audio" && m.port != 0) return &m;
  return nullptr;
}

bool parse_sdp(std::string_view text, SessionDescription& out, std::string* error) {
  out = SessionDescription{};
  bool seen_version = false, seen_origin = false;
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.size() < 2 || line[1] != '=') return fail(error, "line is not <type>=<value>");
    const char type = line[0];
    const std::string_view value = line.substr(2);
    MediaDescription* media = out.media.empty() ? nullptr : &out.media.back();
    switch (type) {
      case 'v':
        if (value != "0") return fail(error, "v= is not 0");
        seen_version = true;
        break;
      case 'o': {
        split_words(value, words);
        if (words.size() != 6 || !parse_u64(words[1], out.session_id) ||
            !parse_u64(words[2], out.session_version))
          return fail(error, "o= needs username sess-id sess-version nettype addrtype address");
        out.origin_user = words[0];
        out.origin_address = words[5];
        seen_origin = true;
        break;
      }
      case 's':
        out.session_name = value;
        break;
      case 'c': {
        split_words(value, words);
        if (words.size() != 3 || words[0] != "IN" || (words[1] != "IP4" && words[1] != "IP6"))
          return fail(error, "c= needs IN IP4|IP6 address");
        std::string_view address = words[2];
        address = address.substr(0, address.find('/'));  // multicast TTL / count
        if (media) media->connection_address = address;
        else {
          out.connection_address = address;
          out.ipv6 = words[1] == "IP6";
        }
        break;
      }
      case 't':
        out.timing = value;
        break;
      case 'm': {
        split_words(value, words);
        std::uint64_t port = 0;
        if (words.size() < 3) return fail(error, "m= needs media port proto [formats]");
        const std::string_view port_text = words[1].substr(0, words[1].find('/'));
        if (!parse_u64(port_text, port) || port > 65535) return fail(error, "m= port is not 0-65535");
        MediaDescription m;
        m.media = words[0];
        m.port = std::uint16_t(port);
        m.protocol = words[2];
        m.formats.clear();
        for (std::size_t i = 3; i < words.size(); ++i) m.formats.emplace_back(words[i]);
        out.media.push_back(std::move(m));
        break;
      }
      case 'a': {
        if (const auto d = direction_of(value)) {
          if (media) media->direction = d;
          else out.direction = d;
        } else if (media && value.substr(0, 7) == "rtpmap:") {
          // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
          const std::string_view rest = value.substr(7);
          const std::size_t sp = rest.find(' ');
          RtpMap r;
          const auto pt = rest.substr(0, sp);
          if (sp == std::string_view::npos ||
              std::from_chars(pt.data(), pt.data() + pt.size(), r.payload_type).ec != std::errc{})
            return fail(error, "a=rtpmap needs <payload type> <encoding>/<clock rate>");
          const std::string_view enc = rest.substr(sp + 1);
          const std::size_t slash = enc.find('/');
          r.encoding = enc.substr(0, slash);
          if (slash != std::string_view::npos) {
            std::string_view rate = enc.substr(slash + 1);
            const std::size_t slash2 = rate.find('/');
            if (slash2 != std::string_view::npos) {
              r.parameters = rate.substr(slash2 + 1);
              rate = rate.substr(0, slash2);
            }
            std::from_chars(rate.data(), rate.data() + rate.size(), r.clock_rate);
          }
          media->rtpmaps.push_back(std::move(r));
        } else if (media) {
          media->attributes.emplace_back(value);
        } else {
          out.attributes.emplace_back(value);
        }
        break;
      }
      default:
        break;  // b=, i=, e=, k=, … are not needed by the B2BUA
    }
  }
  if (!seen_version || !seen_origin) return fail(error, "v= and o= are required");
  return true;
}

void serialize_sdp(const SessionDescription& s, std::string& out) {
  out.clear();
  const std::string_view ip = s.ipv6 ? "IP6" : "IP4";
  out += "v=0\r\no=";
  out += s.origin_user;
  out += ' ';
  out += std::to_string(s.session_id);
  out += ' ';
  out += std::to_string(s.session_version);
  out += " IN ";
  out += ip;
  out += ' ';
  out += s.origin_address;
  out += "\r\ns=";
  out += s.session_name.empty() ? std::string_view("-") : std::string_view(s.session_name);
  out += "\r\n";
  if (!s.connection_address.empty()) {
    out += "c=IN ";
    out += ip;
    out += ' ';
    out += s.connection_address;
    out += "\r\n";
  }
  out += "t=";
  out += s.timing;
  out += "\r\n";
  for (const std::string& a : s.attributes) {
    out += "a=";
    out += a;
    out += "\r\n";
  }
  if (s.direction) {
    out += "a=";
    out += direction_name(*s.direction);
    out += "\r\n";
  }
  for (const MediaDescription& m : s.media) {
    out += "m=";
    out += m.media;
    out += ' ';
    out += std::to_string(m.port);
    out += ' ';
    out += m.protocol;
    for (const std::string& f : m.formats) {
      out += ' ';
      out += f;
    }
    out += "\r\n";
    if (!m.connection_address.empty()) {
      out += "c=IN ";
      out += ip;
      out += ' ';
      out += m.connection_address;
      out += "\r\n";
    }
    for (const RtpMap& r : m.rtpmaps) {
      out += "a=rtpmap:";
      out += std::to_string(r.payload_type);
      out += ' ';
      out += r.encoding;
      out += '/';
      out += std::to_string(r.clock_rate);
      if (!r.parameters.empty()) {
        out += '/';
        out += r.parameters;
      }
      out += "\r\n";
    }
    for (const std::string& a : m.attributes) {
      out += "a=";
      out += a;
      out += "\r\n";
    }
    if (m.direction) {
      out += "a=";
      out += direction_name(*m.direction);
      out += "\r\n";
    }
  }
}

bool make_answer(const SessionDescription& offer, const MediaEndpoint& local, const Origin& origin,
                 SessionDescription& answer) {
  answer = SessionDescription{};
  answer.origin_user = origin.user;
  answer.session_id = origin.session_id;
  answer.session_version = origin.version;
  answer.origin_address = local.address;
  answer.connection_address = local.address;
  answer.ipv6 = local.ipv6;
  bool accepted_any = false;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& o = offer.media[i];
    MediaDescription a;
    a.media = o.media;
    a.protocol = o.protocol;
    a.port = 0;
    std::string chosen_name;
    std::string chosen;
    if (o.media == "audio" && o.port != 0 && o.protocol == "RTP/AVP") {
      for (const std::string& f : o.formats) {
        std::string name;
        if (is_supported_codec(o, f, name)) {
          chosen = f;
          chosen_name = name;
          break;
        }
      }
    }
    if (chosen.empty()) {
      // §6: a refused stream keeps its m-line with port 0 and one of the offered formats.
      a.formats = o.formats.empty() ? std::vector<std::string>{"0"}
                                    : std::vector<std::string>{o.formats.front()};
      answer.media.push_back(std::move(a));
      continue;
    }
    accepted_any = true;
    a.port = local.port;
    a.formats = {chosen};
    a.rtpmaps = {{std::stoi(chosen), chosen_name, 8000, {}}};
    // telephone-event (RFC 4733) is kept when offered.
    for (const RtpMap& r : o.rtpmaps)
      if (detail::iequals(r.encoding, "telephone-event") && r.clock_rate == 8000) {
        a.formats.push_back(std::to_string(r.payload_type));
        a.rtpmaps.push_back(r);
      }
    a.direction = answer_direction(offer.media_direction(i));
    answer.media.push_back(std::move(a));
  }
  return accepted_any;
}

SessionDescription make_offer(const MediaEndpoint& local, const Origin& origin, MediaDirection direction) {
  SessionDescription s;
  s.origin_user = origin.user;
  s.session_id = origin.session_id;
  s.session_version = origin.version;
  s.origin_address = local.address;
  s.connection_address = local.address;
  s.ipv6 = local.ipv6;
  MediaDescription m;
  m.port = local.port;
  add_audio_codecs(m);
  m.direction = direction;
  s.media.push_back(std::move(m));
  return s;
}

SessionDescription make_hold_offer(const SessionDescription& previous_local) {
  SessionDescription s = previous_local;
  ++s.session_version;
  for (std::size_t i = 0; i < s.media.size(); ++i) {
    if (s.media[i].port == 0) continue;
    // §8.4: sendrecv becomes sendonly; recvonly becomes inactive.
    const MediaDirection d = previous_local.media_direction(i);
    s.media[i].direction = (d == MediaDirection::recvonly || d == MediaDirection::inactive)
                               ? MediaDirection::inactive
                               : MediaDirection::sendonly;
  }
  s.direction.reset();
  return s;
}

SessionDescription make_music_on_hold_offer(const MediaEndpoint& music, Origin& origin) {
  ++origin.version;
  return make_offer(music, origin, MediaDirection::sendonly);
}

SessionDescription make_connect_offer(const SessionDescription& other_leg, Origin& origin) {
  ++origin.version;
  SessionDescription s = other_leg;
  s.origin_user = origin.user;
  s.session_id = origin.session_id;
  s.session_version = origin.version;
  // The other party's address stays as the connection address, so RTP flows end to end.
  s.direction.reset();
  for (MediaDescription& m : s.media)
    if (m.port != 0) m.direction = MediaDirection::sendrecv;
  return s;
}

}  // namespace cpark::sip
