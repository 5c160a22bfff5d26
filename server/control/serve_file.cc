#include "server/control/serve_file.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cpark::server {

namespace fs = std::filesystem;

namespace {

// kill(pid, 0) asks whether the process exists without signalling it; EPERM means it
// exists but belongs to someone else.
bool process_alive(std::int64_t pid) {
  if (pid <= 0 || pid > std::int64_t(INT32_MAX)) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

Result<ServeFile> parse(const std::string& text, const std::string& path) {
  try {
    const auto j = nlohmann::json::parse(text);
    ServeFile f;
    f.pid = j.at("pid").get<std::int64_t>();
    f.control = j.at("control").get<std::string>();
    f.domain = j.value("domain", "");
    f.version = j.value("version", "");
    f.started = j.value("started", "");
    return f;
  } catch (const nlohmann::json::exception&) {
    return fail("the server discovery file " + path + " is not valid (it needs pid and control); remove it "
                "if no server is running");
  }
}

}  // namespace

std::string serve_file_path(const std::string& store_path) { return store_path + ".serve.json"; }

Status write_serve_file(const std::string& store_path, const ServeFile& f) {
  const std::string path = serve_file_path(store_path), tmp = path + ".tmp";
  const nlohmann::ordered_json j{{"pid", f.pid},          {"control", f.control}, {"domain", f.domain},
                                 {"version", f.version}, {"started", f.started}};
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump() << "\n";
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return fail("cannot write the server discovery file " + path);
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail("cannot write the server discovery file " + path + " (" + ec.message() + ")");
  }
  return {};
}

void remove_serve_file(const std::string& store_path, std::int64_t pid) {
  const std::string path = serve_file_path(store_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  std::ostringstream text;
  text << in.rdbuf();
  auto f = parse(text.str(), path);
  if (f && f->pid != pid) return;  // another server's file now
  std::error_code ec;
  fs::remove(path, ec);
}

Result<ServeFile> read_serve_file(const std::string& store_path) {
  const std::string path = serve_file_path(store_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (fs::exists(path, ec)) return fail("cannot read the server discovery file " + path);
    return fail("no server running for store " + store_path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto f = parse(text.str(), path);
  if (!f) return f;
  if (!process_alive(f->pid))
    return fail("no server running for store " + store_path + " (stale file from pid " + std::to_string(f->pid) + ")");
  return f;
}

}  // namespace cpark::server
