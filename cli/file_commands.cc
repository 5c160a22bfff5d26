// `cpark music` (C4), `cpark import/export` (M4), `cpark normalization check` (M3) and
// `cpark demo`.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <toml++/toml.h>

#include "cli/commands.h"
#include "cli/demo.h"
#include "cli/live_server.h"
#include "config/deployment_file.h"
#include "store/music_file.h"
#include "cli/normalization.h"

namespace cpark::cli {

namespace {

// A CSV line split on commas outside double quotes ("" is a literal quote).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') { out.back() += '"'; ++i; }
    else if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) out.emplace_back();
    else if (c != '\r') out.back() += c;
  }
  return out;
}

// Rules from TOML ([[rules]] name/pattern/translation) or from the CSV that
// `Get-CsVoiceNormalizationRule | Export-Csv` writes (Name, Pattern, Translation columns).
std::vector<NormalizationRule> read_rules(const std::string& path) {
  std::vector<NormalizationRule> rules;
  if (std::filesystem::path(path).extension() == ".csv") {
    std::istringstream f;
    try {
      f.str(read_text_file(path));
    } catch (const FileError& e) {
      throw CommandError(kRejected, std::string(e.what()) + " (M3)");
    }
    std::string line;
    std::vector<std::string> header;
    int name_col = -1, pattern_col = -1, translation_col = -1, line_no = 0;
    while (std::getline(f, line)) {
      ++line_no;
      if (line.empty() || line[0] == '#') continue;
      auto fields = csv_fields(line);
      if (header.empty()) {
        header = fields;
        for (int i = 0; i < int(header.size()); ++i) {
          if (header[i] == "Name") name_col = i;
          if (header[i] == "Pattern") pattern_col = i;
          if (header[i] == "Translation") translation_col = i;
        }
        if (pattern_col < 0 || translation_col < 0)
          throw CommandError(kRejected, path + ":" + std::to_string(line_no) + ": header needs Pattern and Translation columns (M3)");
        continue;
      }
      if (int(fields.size()) <= std::max(pattern_col, translation_col))
        throw CommandError(kRejected, path + ":" + std::to_string(line_no) + ": too few fields (M3)");
      rules.push_back({name_col >= 0 && name_col < int(fields.size()) ? fields[std::size_t(name_col)] : "line " + std::to_string(line_no),
                       fields[std::size_t(pattern_col)], fields[std::size_t(translation_col)]});
    }
    return rules;
  }
  try {
    const TomlReader r(path);
    const toml::table root = parse_toml_file(path);
    r.only_keys(root, {"rules"}, "a normalization rules file");
    if (!root.get("rules")) throw FileError(path + ":1: rules: expected [[rules]] tables with pattern and translation");
    r.each(root, "rules", [&](const toml::table& t, const std::string& ctx) {
      r.only_keys(t, {"name", "pattern", "translation"}, ctx);
      rules.push_back({r.str(t, "name", ctx, false, ctx), r.str(t, "pattern", ctx, true),
                       r.str(t, "translation", ctx, true)});
    });
  } catch (const FileError& e) {
    throw CommandError(kRejected, e.what());
  }
  return rules;
}

}  // namespace

void add_file_commands(CLI::App& app, Context& ctx) {
  auto* music = app.add_subcommand("music", "Custom music on hold per pool (Set-CsCallParkServiceMusicOnHoldFile, C4)");
  music->require_subcommand(1);
  {
    auto* cmd = music->add_subcommand("set", "Upload a WAV or WMA file; the store keeps its own copy");
    auto pool = std::make_shared<std::string>(), file = std::make_shared<std::string>();
    cmd->add_option("--service", *pool, "Pool whose Call Park service plays it")->required();
    cmd->add_option("file", *file, "Audio file")->required();
    cmd->callback([=, &ctx] {
      auto bytes = read_music_file(*file);
      if (!bytes) throw CommandError(kRejected, bytes.message());
      auto r = ctx.store().set_music(*pool, std::filesystem::path(*file).filename().string(), *bytes);
      if (!r) throw CommandError(kRejected, r.message());
      ctx.print({{"ok", true}, {"service", *pool}, {"size_bytes", bytes->size()}},
                "music for \"" + *pool + "\" stored (" + std::to_string(bytes->size()) + " bytes)\n");
      tell_server_to_reload(ctx.store_path, false);
    });
  }
  {
    auto* cmd = music->add_subcommand("get", "List stored music files");
    cmd->callback([&ctx] {
      print_listing(ctx, ctx.store().load().music, [](auto& m) { return m.pool; }, "", "");
    });
  }

  {
    auto* cmd = app.add_subcommand("import", "Replace the deployment with the one in a TOML file (M4)");
    auto file = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    cmd->add_option("file", *file, "Deployment file")->required();
    cmd->add_flag("--force", *force, "Import even if a running server has parked calls the new orbit table "
                                     "strands; it ends them by fallback or disconnect (O7/O8)");
    cmd->callback([=, &ctx] {
      DeploymentFile df;
      try {
        df = read_deployment_file(*file);
      } catch (const FileError& e) {
        throw CommandError(kRejected, e.what());
      }
      std::vector<MusicBytes> bytes;
      for (auto& m : df.music) {
        auto b = read_music_file(m.path);
        if (!b) throw CommandError(kRejected, *file + ": " + b.message());
        bytes.push_back({m.pool, std::filesystem::path(m.path).filename().string(), *b});
      }
      auto r = ctx.store().replace(df.deployment, bytes, live_park_guard(ctx.store_path, *force, true));
      if (!r) throw CommandError(kRejected, *file + ": " + r.message());
      for (auto& w : *r) std::cerr << "cpark: warning: " << w << "\n";
      const auto& d = df.deployment;
      ctx.print({{"ok", true}, {"ranges", d.ranges.size()}, {"users", d.users.size()}},
                "imported " + std::to_string(d.pools.size()) + " pool(s), " + std::to_string(d.ranges.size()) +
                    " range(s), " + std::to_string(d.users.size()) + " user(s) from " + *file + "\n");
      tell_server_to_reload(ctx.store_path, *force);
    });
  }
  {
    auto* cmd = app.add_subcommand("export", "Write the deployment to a TOML file (M4)");
    auto file = std::make_shared<std::string>();
    cmd->add_option("file", *file, "Deployment file to write")->required();
    cmd->callback([=, &ctx] {
      Deployment d = ctx.store().load();
      std::vector<MusicBytes> bytes;
      for (auto& m : d.music) bytes.push_back({m.pool, m.file_name, ctx.store().music_bytes(m.pool).value_or("")});
      try {
        write_deployment_file(*file, d, bytes);
      } catch (const FileError& e) {
        throw CommandError(kIoFailure, e.what());
      }
      ctx.print({{"ok", true}, {"file", *file}}, "exported to " + *file + "\n");
    });
  }
  {
    auto* norm = app.add_subcommand("normalization", "Dial plan normalization rules (M3)");
    norm->require_subcommand(1);
    auto* cmd = norm->add_subcommand("check", "Report rules that would rewrite an orbit or group number");
    auto file = std::make_shared<std::string>();
    cmd->add_option("rules_file", *file, "TOML ([[rules]] name/pattern/translation) or Lync Export-Csv file")->required();
    cmd->callback([=, &ctx] {
      auto rules = read_rules(*file);
      auto validated = ctx.store().load_validated();
      if (!validated) throw CommandError(kRejected, "the store's deployment breaks a rule: " + validated.message());
      const Deployment& d = (*validated)->data();
      NormalizationReport rep = check_normalization(rules, **validated);
      nlohmann::ordered_json j{{"findings", nlohmann::ordered_json::array()}, {"errors", rep.errors}};
      std::string human;
      for (auto& e : rep.errors) human += "error: " + e + "\n";
      for (auto& f : rep.findings) {
        j["findings"].push_back({{"range", f.range}, {"rule", f.rule}, {"example", f.example},
                                 {"rewritten_to", f.rewritten_to}, {"numbers_affected", f.numbers_affected},
                                 {"protecting_pattern", f.protecting_pattern},
                                 {"protecting_translation", f.protecting_translation}});
        human += "range \"" + f.range + "\": rule \"" + f.rule + "\" rewrites " + std::to_string(f.numbers_affected) +
                 " number(s), e.g. " + f.example + " -> " + f.rewritten_to + "\n  add before it: pattern " +
                 f.protecting_pattern + "  translation " + f.protecting_translation + "\n";
      }
      if (rep.findings.empty() && rep.errors.empty())
        human = "no rule rewrites an orbit or group number (" + std::to_string(rules.size()) + " rules, " +
                std::to_string(d.ranges.size()) + " ranges checked)\n";
      ctx.print(j, human);
      if (!rep.findings.empty() || !rep.errors.empty()) throw CommandError(kRejected, "normalization rules rewrite orbit numbers (M3)");
    });
  }
  {
    auto* cmd = app.add_subcommand("demo", "Write a demo deployment to the store, print it and run the engine on it");
    cmd->callback([&ctx] { run_demo(ctx); });
  }
}

}  // namespace cpark::cli
