// The subcommand families of `cpark`, each in its own file.
#pragma once
#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace cpark::cli {

void add_orbit_commands(CLI::App& app, Context& ctx);     // New/Set/Get/Remove-CsCallParkOrbit
void add_settings_commands(CLI::App& app, Context& ctx);  // *-CsCpsConfiguration, voice policies
void add_user_commands(CLI::App& app, Context& ctx);      // users, pools, SEFAUtil group pickup
void add_peer_commands(CLI::App& app, Context& ctx);      // trusted peers (S8)
void add_file_commands(CLI::App& app, Context& ctx);      // music, import/export, normalization, demo
void add_sim_command(CLI::App& app, Context& ctx);        // the capacity-planning simulator
void add_server_commands(CLI::App& app, Context& ctx);    // parked, status: a running server (S11)
void add_serve_command(CLI::App& app, Context& ctx);      // cpark serve (cli/serve_command.cc)
void add_loadtest_command(CLI::App& app, Context& ctx);   // cpark loadtest: SIPp load profiles (L2-L4)

}  // namespace cpark::cli
