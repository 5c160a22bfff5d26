// Parse, and parse + serialize, one typical ~850-byte INVITE with SDP using cpark::sip,
// libosip2 and sofia-sip, beside a bare CRLF scan (the floor). Run the comparison with
// bench/sip/run-parser-bench.sh, which interleaves the implementations and reports medians.
// The headline is cpark's receive path, what TransactionLayer::receive runs on every
// datagram: parse + full validation, then serialize. An unedited parsed message
// serializes as one copy of its datagram (sofia-sip likewise reuses the text of
// unmodified headers), so BM_Cpark_ReceiveEditSerialize also shows the relay case:
// a new top Via and Max-Forwards decremented before serializing.
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include <osip2/osip.h>
#include <osipparser2/osip_parser.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

#include "sip/parser.h"
#include "sip/serializer.h"

namespace {

// Two Vias, Record-Route, Contact with parameters, Allow, Supported, User-Agent,
// P-Asserted-Identity and an SDP audio offer with several rtpmaps: what SIPp and desk
// phones send through a PBX.
const std::string sdp =
    "v=0\r\n"
    "o=alice 2890844526 2890844527 IN IP4 198.51.100.7\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.7\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=sendrecv\r\n";

const std::string invite =
    "INVITE sip:701@pbx.example.com;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1-a3f9c2e1;rport\r\n"
    "Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK77ef4c23\r\n"
    "Record-Route: <sip:192.0.2.10;lr;ftag=8f5d7c1a>\r\n"
    "Max-Forwards: 69\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=8f5d7c1a\r\n"
    "To: <sip:701@pbx.example.com>\r\n"
    "Call-ID: 3c26700d8f8a-9wvp7uw2nbki@phone17\r\n"
    "CSeq: 102 INVITE\r\n"
    "Contact: <sip:alice@198.51.100.7:5062>;expires=3600\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, REFER, NOTIFY\r\n"
    "Supported: replaces\r\n"
    "User-Agent: DeskPhone/8.1\r\n"
    "P-Asserted-Identity: <sip:+15550100@example.com;user=phone>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: " + std::to_string(sdp.size()) + "\r\n"
    "\r\n" + sdp;

void BM_CrlfScan(benchmark::State& state) {
  for (auto _ : state) {
    std::size_t lines = 0;
    const char* p = invite.data();
    const char* end = p + invite.size();
    while (const void* nl = std::memchr(p, '\n', std::size_t(end - p))) {
      ++lines;
      p = static_cast<const char*>(nl) + 1;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(invite.size()));
}
BENCHMARK(BM_CrlfScan);

void BM_Cpark_Parse(benchmark::State& state) {
  cpark::sip::Message m;
  cpark::sip::ParseError e;
  for (auto _ : state) {
    if (!cpark::sip::parse_message(invite, m, e)) state.SkipWithError(e.reason.c_str());
    benchmark::DoNotOptimize(m.headers().data());
  }
}
BENCHMARK(BM_Cpark_Parse);

void BM_Cpark_ParseSerialize(benchmark::State& state) {
  cpark::sip::Message m;
  cpark::sip::ParseError e;
  std::string out;
  for (auto _ : state) {
    if (!cpark::sip::parse_message(invite, m, e)) state.SkipWithError(e.reason.c_str());
    cpark::sip::serialize(m, out);
    benchmark::DoNotOptimize(out.data());
  }
  if (out.size() != invite.size()) state.SkipWithError("cpark round trip changed the size");
}
BENCHMARK(BM_Cpark_ParseSerialize);

// The transaction layer's receive path: the split plus full syntax of every Via, From,
// To, Contact, Route, Record-Route value and the Request-URI.
void BM_Cpark_ParseValidate(benchmark::State& state) {
  cpark::sip::Message m;
  cpark::sip::ParseError e;
  for (auto _ : state) {
    if (!cpark::sip::parse_and_validate(invite, m, e)) state.SkipWithError(e.reason.c_str());
    benchmark::DoNotOptimize(m.headers().data());
  }
}
BENCHMARK(BM_Cpark_ParseValidate);

void BM_Cpark_ParseValidateSerialize(benchmark::State& state) {
  cpark::sip::Message m;
  cpark::sip::ParseError e;
  std::string out;
  for (auto _ : state) {
    if (!cpark::sip::parse_and_validate(invite, m, e)) state.SkipWithError(e.reason.c_str());
    cpark::sip::serialize(m, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Cpark_ParseValidateSerialize);

// What a B2BUA leg does with a received request it relays: full receive-path parse, a
// new top Via, Max-Forwards decremented, then serialize (the general writer, which copies
// the untouched stretches of the datagram in runs).
void BM_Cpark_ReceiveEditSerialize(benchmark::State& state) {
  cpark::sip::Message m;
  cpark::sip::ParseError e;
  std::string out;
  for (auto _ : state) {
    if (!cpark::sip::parse_and_validate(invite, m, e)) state.SkipWithError(e.reason.c_str());
    m.add_front(cpark::sip::HeaderKind::via, "SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK-b2bua-1;rport");
    m.set(cpark::sip::HeaderKind::max_forwards, "68");
    cpark::sip::serialize(m, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Cpark_ReceiveEditSerialize);

void BM_Osip_Parse(benchmark::State& state) {
  for (auto _ : state) {
    osip_message_t* m = nullptr;
    osip_message_init(&m);
    if (osip_message_parse(m, invite.data(), invite.size()) != 0) state.SkipWithError("osip parse failed");
    osip_message_free(m);
  }
}
BENCHMARK(BM_Osip_Parse);

void BM_Osip_ParseSerialize(benchmark::State& state) {
  std::size_t size = 0;
  for (auto _ : state) {
    osip_message_t* m = nullptr;
    osip_message_init(&m);
    if (osip_message_parse(m, invite.data(), invite.size()) != 0) state.SkipWithError("osip parse failed");
    // Without this osip hands back its copy of the input instead of serializing.
    osip_message_force_update(m);
    char* out = nullptr;
    osip_message_to_str(m, &out, &size);
    benchmark::DoNotOptimize(out);
    osip_free(out);
    osip_message_free(m);
  }
  if (size == 0) state.SkipWithError("osip serialized nothing");
}
BENCHMARK(BM_Osip_ParseSerialize);

void BM_Sofia_Parse(benchmark::State& state) {
  for (auto _ : state) {
    msg_t* m = msg_make(sip_default_mclass(), 0, invite.data(), invite.size());
    if (!m || !sip_object(m) || !sip_object(m)->sip_call_id) state.SkipWithError("sofia parse failed");
    msg_destroy(m);
  }
}
BENCHMARK(BM_Sofia_Parse);

void BM_Sofia_ParseSerialize(benchmark::State& state) {
  std::size_t size = 0;
  for (auto _ : state) {
    msg_t* m = msg_make(sip_default_mclass(), 0, invite.data(), invite.size());
    if (!m || !sip_object(m)) state.SkipWithError("sofia parse failed");
    char* out = msg_as_string(msg_home(m), m, nullptr, 0, &size);
    benchmark::DoNotOptimize(out);
    su_free(msg_home(m), out);
    msg_destroy(m);
  }
  if (size == 0) state.SkipWithError("sofia serialized nothing");
}
BENCHMARK(BM_Sofia_ParseSerialize);

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  parser_init();
  const std::string cpu = cpu_model();
  std::cout << "CPU model: " << cpu << "\nMessage: " << invite.size() << "-byte INVITE with SDP\n";
  benchmark::AddCustomContext("cpu_model", cpu);
  benchmark::AddCustomContext("message_bytes", std::to_string(invite.size()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
