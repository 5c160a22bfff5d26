// JSON of what a running server reports (server/status.h), shared by the control
// endpoint (GET /parked, GET /status) and the CLI (`cpark parked`, `cpark status`), so
// both sides read and write one shape. Found by nlohmann::json through ADL.
// Reading is lenient about missing keys (a CLI and a server of neighbouring versions
// still understand each other) and strict about types (nlohmann::json::type_error).
#pragma once
#include <nlohmann/json.hpp>

#include "server/status.h"

namespace cpark::server {

void to_json(nlohmann::json& j, const ParkedCallRow& r);
void from_json(const nlohmann::json& j, ParkedCallRow& r);
void to_json(nlohmann::json& j, const ListenAddress& a);
void from_json(const nlohmann::json& j, ListenAddress& a);
void to_json(nlohmann::json& j, const ServerStatus& s);
void from_json(const nlohmann::json& j, ServerStatus& s);

}  // namespace cpark::server
