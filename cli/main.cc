// `cpark`: the administrator's command line (M2), mirroring the Lync cmdlets and SEFAUtil.
#include <iostream>

#include "cli/commands.h"
#include "config/toml_reader.h"
#include "simulator/runner.h"

int main(int argc, char** argv) {
  using namespace cpark::cli;
  Context ctx;
  CLI::App app{"cpark: Call Park and Group Call Pickup — admin, simulation and serving"};
  app.set_version_flag("--version", "cpark " CPARK_VERSION);
  app.add_option("--store", ctx.store_path, "Central store (SQLite) path")->capture_default_str();
  app.add_flag("--json", ctx.json, "Machine-readable output");
  app.require_subcommand(1);
  add_orbit_commands(app, ctx);
  add_settings_commands(app, ctx);
  add_user_commands(app, ctx);
  add_peer_commands(app, ctx);
  add_file_commands(app, ctx);
  add_sim_command(app, ctx);
  add_server_commands(app, ctx);
  add_serve_command(app, ctx);
  add_loadtest_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string given;
    for (int i = 1; i < argc; ++i) given += std::string(i > 1 ? " " : "") + argv[i];
    std::cerr << "cpark: error: " << e.what() << " in \"" << given << "\" (see cpark --help)\n";
    return kUsage;
  } catch (const CommandError& e) {
    std::cerr << "cpark: error: " << e.what() << "\n";
    return e.code;
  } catch (const cpark::StoreError& e) {
    std::cerr << "cpark: error: " << e.what() << "\n";
    return kIoFailure;
  } catch (const cpark::FileError& e) {  // a file the user wrote: it says file:line: key
    std::cerr << "cpark: error: " << e.what() << "\n";
    return kRejected;
  } catch (const cpark::sim::SimulationError& e) {
    std::cerr << "cpark: error: " << e.what() << "\n";
    return kInternal;
  } catch (const std::bad_alloc&) {
    std::cerr << "cpark: error: out of memory\n";
    return kInternal;
  } catch (const std::exception& e) {
    std::cerr << "cpark: internal error: " << e.what() << " (please report it)\n";
    return kInternal;
  }
  return kOk;
}
