// The `cpark serve` running for the CLI's store (S11), found through the discovery file
// `<store>.serve.json` (server/control/serve_file.h) or named with --server: reading its
// parked calls and state, asking it about admin changes before they commit (O7/O8 for
// live parks) and telling it to apply them at once after.
#pragma once
#include <optional>
#include <string>

#include "cli/cli_context.h"
#include "server/control/serve_file.h"

namespace cpark::cli {

// The server running for `store_path`, or nullopt (no discovery file, or a stale one).
std::optional<server::ServeFile> running_server(const std::string& store_path);

// The control address to read from: `server_option` when given, else the discovery
// file's. No server: CommandError(kIoFailure) saying so and how to start one.
std::string control_address(const Context& ctx, const std::string& server_option);

// GET `target` from the control endpoint at `address`; the body of a 200 answer, or
// CommandError(kIoFailure) naming the server and what went wrong.
std::string get_from_server(const std::string& address, const std::string& target);

// O7/O8: a store guard that shows the proposed deployment to the running server before
// it commits (POST /admin/check). A refusal (409) refuses the change, unless `force`:
// then it is printed as a warning and the change goes ahead. A server that cannot be
// reached is warned about and does not stop the change (it reads the store itself). No
// server: no guard.
Store::Guard live_park_guard(const std::string& store_path, bool force, bool offers_force);

// After a commit: POST /admin/reload?force=0|1 so the running server applies the change
// now (and knows it was forced). Problems are warnings: the change is already saved.
void tell_server_to_reload(const std::string& store_path, bool force);

}  // namespace cpark::cli
