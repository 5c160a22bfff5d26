// `cpark demo`: the README's first command. Loads an embedded demo deployment into the
// store, prints it, and walks the engine through a park, a retrieve, a ringback and a
// group pickup so a newcomer sees every part work end to end.
#pragma once
#include <string>

#include "cli/cli_context.h"

namespace cpark::cli {

extern const char* const kDemoDeploymentToml;
int run_demo(Context& ctx);

}  // namespace cpark::cli
