#include "store/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "engine/user_fields.h"

namespace cpark {

namespace {

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK)
      throw StoreError(std::string("store: cannot prepare statement: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(st_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.data(), int(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Statement& bind_blob(int i, const std::string& s) {
    sqlite3_bind_blob(st_, i, s.data(), int(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(std::string("store: ") + sqlite3_errmsg(db_));
  }
  void run() {
    step();
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::string text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, std::size_t(sqlite3_column_bytes(st_, col))) : std::string();
  }
  std::string blob(int col) const {
    auto* p = static_cast<const char*>(sqlite3_column_blob(st_, col));
    return p ? std::string(p, std::size_t(sqlite3_column_bytes(st_, col))) : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(st_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

std::string to_json(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }
std::vector<std::string> from_json(const std::string& s) {
  if (s.empty()) return {};
  return nlohmann::json::parse(s).get<std::vector<std::string>>();
}

const char* kSchema = R"SQL(
CREATE TABLE pools (name TEXT PRIMARY KEY, site TEXT NOT NULL, call_park_enabled INTEGER NOT NULL,
                    orbit_choice TEXT NOT NULL, address TEXT NOT NULL DEFAULT '');
CREATE TABLE orbit_ranges (name TEXT PRIMARY KEY, start TEXT NOT NULL, end TEXT NOT NULL,
                           type TEXT NOT NULL, pool TEXT NOT NULL);
CREATE TABLE call_park_settings (scope TEXT PRIMARY KEY, timeout_seconds INTEGER NOT NULL,
                                 max_attempts INTEGER NOT NULL, fallback_uri TEXT NOT NULL,
                                 music_on_hold INTEGER NOT NULL, ring_seconds INTEGER NOT NULL);
CREATE TABLE voice_policies (name TEXT PRIMARY KEY, enable_call_park INTEGER NOT NULL);
CREATE TABLE music (pool TEXT PRIMARY KEY, file_name TEXT NOT NULL, checksum TEXT NOT NULL,
                    size_bytes INTEGER NOT NULL, bytes BLOB NOT NULL);
)SQL";

// Schema 2: one row whose value every committed change increments.
const char* kRevisionTable =
    "CREATE TABLE revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);"
    "INSERT INTO revision VALUES (1, 1);";

// Schema 3: S8 trusted peers. (Schema 3 also added pools.address and the users' digest
// columns, which upgrade() adds to older tables.)
const char* kTrustedPeersTable = "CREATE TABLE IF NOT EXISTS trusted_peers (name TEXT PRIMARY KEY, address TEXT NOT NULL);";

// The users table, its column list and its placeholders, from the one field list.
template <class M> constexpr const char* sql_type() {
  return std::is_same_v<M, std::int64_t> || std::is_same_v<M, bool> ? "INTEGER" : "TEXT";
}
template <class M> constexpr const char* sql_default() {
  return std::is_same_v<M, std::int64_t> || std::is_same_v<M, bool> ? "0" : "''";
}
// One column's definition. Every column but the key has a default, so a column added to
// an existing table (ALTER TABLE ... ADD COLUMN) gives the rows already there that value.
template <class M> std::string user_column_sql(const UserField& f, bool key) {
  return std::string(f.column) + " " + sql_type<M>() +
         (key ? " PRIMARY KEY" : std::string(" NOT NULL DEFAULT ") + sql_default<M>());
}
std::string users_table_sql() {
  std::string cols;
  for_each_user_field([&](const UserField& f, auto member) {
    using M = std::remove_cvref_t<decltype(std::declval<User>().*member)>;
    const bool key = cols.empty();
    cols += (key ? "" : ", ") + user_column_sql<M>(f, key);
  });
  return "CREATE TABLE users (" + cols + ");";
}
std::string users_columns() {
  std::string cols;
  for_each_user_field([&](const UserField& f, auto) { cols += (cols.empty() ? "" : ", ") + std::string(f.column); });
  return cols;
}
std::string users_placeholders() {
  std::string q;
  for_each_user_field([&](const UserField&, auto) { q += q.empty() ? "?" : ",?"; });
  return q;
}

std::string fnv1a_hex(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

// BEGIN (IMMEDIATE for writes, so two writers never deadlock) on construction; ROLLBACK
// unless commit() ran. Every write path holds one, so an exception or an early return
// can never leave a transaction open.
class Store::Transaction {
 public:
  enum Mode { Read, Write };
  explicit Transaction(const Store& s, Mode m = Write) : s_(s) { s_.exec(m == Write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(s_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    s_.exec("COMMIT");
    done_ = true;
  }

 private:
  const Store& s_;
  bool done_ = false;
};

Store::Store(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("store \"" + path + "\": cannot open: " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    std::int64_t version = 0, objects = 0;
    {
      Statement v(db_, "PRAGMA user_version");
      v.step();
      version = v.integer(0);
      Statement t(db_, "SELECT count(*) FROM sqlite_master");
      t.step();
      objects = t.integer(0);
    }  // statements finalized: no read transaction stays open
    if (version == 0) {
      if (objects != 0)
        throw StoreError("store \"" + path + "\": is an SQLite database but not a cpark store");
      create_schema();
    } else if (version > kStoreSchemaVersion) {
      throw StoreError("store \"" + path + "\": schema version " + std::to_string(version) +
                       " is newer than this cpark understands (" + std::to_string(kStoreSchemaVersion) + ")");
    } else if (version < kStoreSchemaVersion) {
      upgrade(version);
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() { sqlite3_close(db_); }

void Store::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("store \"" + path_ + "\": " + why);
  }
}

void Store::create_schema() {
  exec("PRAGMA journal_mode=WAL");
  Transaction t(*this);
  exec(kSchema);
  exec(users_table_sql().c_str());
  exec(kRevisionTable);
  exec(kTrustedPeersTable);
  // C5: the global scope always exists; V1: the global policy exists, call park off.
  exec("INSERT INTO call_park_settings VALUES ('global', 90, 1, '', 1, 30)");
  exec("INSERT INTO voice_policies VALUES ('global', 0)");
  exec(("PRAGMA user_version=" + std::to_string(kStoreSchemaVersion)).c_str());
  t.commit();
}

void Store::upgrade(std::int64_t from_version) {
  Transaction t(*this);
  auto columns = [&](const char* table) {
    std::vector<std::string> have;
    Statement info(db_, (std::string("SELECT name FROM pragma_table_info('") + table + "')").c_str());
    while (info.step()) have.push_back(info.text(0));
    return have;
  };
  auto has = [](const std::vector<std::string>& v, std::string_view name) {
    return std::find(v.begin(), v.end(), name) != v.end();
  };
  if (from_version < 2) exec(kRevisionTable);
  if (from_version < 3) {
    if (!has(columns("pools"), "address")) exec("ALTER TABLE pools ADD COLUMN address TEXT NOT NULL DEFAULT ''");
    exec(kTrustedPeersTable);
  }
  // Fields added to the one user field list since the table was made (schema 3: the
  // digest credentials) become columns, with their defaults for the users already there.
  const std::vector<std::string> user_columns = columns("users");
  for_each_user_field([&](const UserField& f, auto member) {
    using M = std::remove_cvref_t<decltype(std::declval<User>().*member)>;
    if (!has(user_columns, f.column)) exec(("ALTER TABLE users ADD COLUMN " + user_column_sql<M>(f, false)).c_str());
  });
  exec(("PRAGMA user_version=" + std::to_string(kStoreSchemaVersion)).c_str());
  t.commit();
}

std::int64_t Store::revision() const {
  Statement s(db_, "SELECT value FROM revision WHERE id = 1");
  return s.step() ? s.integer(0) : 0;
}

void Store::bump_revision() { exec("UPDATE revision SET value = value + 1 WHERE id = 1"); }

Deployment Store::load() const {
  Deployment d;
  {
    Statement s(db_, "SELECT name, site, call_park_enabled, orbit_choice, address FROM pools ORDER BY name");
    while (s.step())
      d.pools.push_back({s.text(0), s.text(1), s.integer(2) != 0,
                         parse_orbit_choice(s.text(3)).value_or(OrbitChoice::Next), s.text(4)});
  }
  {
    Statement s(db_, "SELECT name, start, end, type, pool FROM orbit_ranges ORDER BY name");
    while (s.step()) {
      OrbitRange r;
      r.name = s.text(0);
      r.start = s.text(1);
      r.end = s.text(2);
      r.type = parse_range_type(s.text(3)).value_or(RangeType::CallPark);
      r.pool = s.text(4);
      d.ranges.push_back(std::move(r));
    }
  }
  {
    Statement s(db_, "SELECT scope, timeout_seconds, max_attempts, fallback_uri, music_on_hold, ring_seconds "
                     "FROM call_park_settings ORDER BY scope");
    while (s.step())
      d.settings.push_back({s.text(0), s.integer(1), int(s.integer(2)), s.text(3), s.integer(4) != 0, s.integer(5)});
  }
  {
    Statement s(db_, "SELECT name, enable_call_park FROM voice_policies ORDER BY name");
    while (s.step()) d.policies.push_back({s.text(0), s.integer(1) != 0});
  }
  {
    Statement s(db_, ("SELECT " + users_columns() + " FROM users ORDER BY name").c_str());
    while (s.step()) {
      User u;
      int col = 0;
      for_each_user_field([&](const UserField&, auto member) {
        auto& field = u.*member;
        using M = std::remove_cvref_t<decltype(field)>;
        if constexpr (std::is_same_v<M, std::string>) field = s.text(col);
        else if constexpr (std::is_same_v<M, std::vector<std::string>>) field = from_json(s.text(col));
        else if constexpr (std::is_same_v<M, bool>) field = s.integer(col) != 0;
        else field = s.integer(col);
        ++col;
      });
      d.users.push_back(std::move(u));
    }
  }
  {
    Statement s(db_, "SELECT pool, file_name, checksum, size_bytes FROM music ORDER BY pool");
    while (s.step()) d.music.push_back({s.text(0), s.text(1), s.text(2), s.integer(3)});
  }
  {
    Statement s(db_, "SELECT name, address FROM trusted_peers ORDER BY name");
    while (s.step()) d.trusted_peers.push_back({s.text(0), s.text(1)});
  }
  return d;
}

Result<DeploymentPtr> Store::load_validated() const {
  Transaction t(*this, Transaction::Read);  // one consistent snapshot of the deployment
  Result<DeploymentPtr> r = validate_deployment(load());
  t.commit();
  return r;
}

void Store::save(const Deployment& d) {
  exec("DELETE FROM pools; DELETE FROM orbit_ranges; DELETE FROM call_park_settings; "
       "DELETE FROM voice_policies; DELETE FROM users; DELETE FROM trusted_peers;");
  Statement pools(db_, "INSERT INTO pools (name, site, call_park_enabled, orbit_choice, address) VALUES (?,?,?,?,?)");
  for (auto& p : d.pools)
    pools.bind(1, p.name).bind(2, p.site).bind(3, std::int64_t(p.call_park_enabled))
        .bind(4, std::string(to_string(p.orbit_choice))).bind(5, p.address).run();
  Statement peers(db_, "INSERT INTO trusted_peers (name, address) VALUES (?,?)");
  for (auto& p : d.trusted_peers) peers.bind(1, p.name).bind(2, p.address).run();
  Statement ranges(db_, "INSERT INTO orbit_ranges VALUES (?,?,?,?,?)");
  for (auto& r : d.ranges)
    ranges.bind(1, r.name).bind(2, r.start).bind(3, r.end).bind(4, std::string(to_string(r.type)))
        .bind(5, r.pool).run();
  Statement settings(db_, "INSERT INTO call_park_settings VALUES (?,?,?,?,?,?)");
  for (auto& s : d.settings)
    settings.bind(1, s.scope).bind(2, s.timeout_seconds).bind(3, std::int64_t(s.max_attempts))
        .bind(4, s.fallback_uri).bind(5, std::int64_t(s.music_on_hold)).bind(6, s.ring_seconds).run();
  Statement policies(db_, "INSERT INTO voice_policies VALUES (?,?)");
  for (auto& p : d.policies) policies.bind(1, p.name).bind(2, std::int64_t(p.enable_call_park)).run();
  Statement users(db_, ("INSERT INTO users (" + users_columns() + ") VALUES (" + users_placeholders() + ")").c_str());
  for (auto& u : d.users) {
    int col = 1;
    for_each_user_field([&](const UserField&, auto member) {
      const auto& field = u.*member;
      using M = std::remove_cvref_t<decltype(field)>;
      if constexpr (std::is_same_v<M, std::string>) users.bind(col, field);
      else if constexpr (std::is_same_v<M, std::vector<std::string>>) users.bind(col, to_json(field));
      else users.bind(col, std::int64_t(field));
      ++col;
    });
    users.run();
  }
  // Music rows whose pool left the deployment go with it; bytes are written by set_music.
  Statement keep(db_, "SELECT pool FROM music");
  std::vector<std::string> stale;
  while (keep.step())
    if (!d.find_music(keep.text(0))) stale.push_back(keep.text(0));
  Statement drop(db_, "DELETE FROM music WHERE pool = ?");
  for (auto& p : stale) drop.bind(1, p).run();
}

Result<Warnings> Store::update(const Change& change, const Guard& before_commit) {
  Transaction t(*this);
  Deployment d = load();
  if (Status s = change(d); !s) return s.error();  // the transaction rolls back
  auto v = validate_deployment(d);
  if (!v) return v.error();
  if (before_commit)
    if (Status s = before_commit(d); !s) return s.error();
  save(d);
  bump_revision();
  t.commit();
  return (*v)->warnings();
}

Result<Warnings> Store::set_music(const std::string& pool, const std::string& file_name, const std::string& bytes) {
  MusicFile m{pool, file_name, fnv1a_hex(bytes), std::int64_t(bytes.size())};
  Transaction t(*this);
  Deployment d = load();
  if (!d.find_pool(pool))
    return fail("music: pool \"" + pool + "\" is not a known pool (C4: music is set per Call Park service)");
  Statement s(db_, "INSERT OR REPLACE INTO music VALUES (?,?,?,?,?)");
  s.bind(1, m.pool).bind(2, m.file_name).bind(3, m.checksum).bind(4, m.size_bytes).bind_blob(5, bytes).run();
  bump_revision();
  t.commit();
  return Warnings{};
}

Result<Warnings> Store::replace(Deployment d, const std::vector<MusicBytes>& music, const Guard& before_commit) {
  d.music.clear();
  for (auto& m : music) d.music.push_back({m.pool, m.file_name, fnv1a_hex(m.bytes), std::int64_t(m.bytes.size())});
  auto v = validate_deployment(d);
  if (!v) return v.error();  // nothing was written
  Transaction t(*this);
  if (before_commit)
    if (Status s = before_commit(d); !s) return s.error();
  save(d);
  exec("DELETE FROM music");
  Statement s(db_, "INSERT INTO music VALUES (?,?,?,?,?)");
  for (std::size_t i = 0; i < music.size(); ++i)
    s.bind(1, d.music[i].pool).bind(2, d.music[i].file_name).bind(3, d.music[i].checksum)
        .bind(4, d.music[i].size_bytes).bind_blob(5, music[i].bytes).run();
  bump_revision();
  t.commit();
  return (*v)->warnings();
}

std::optional<std::string> Store::music_bytes(const std::string& pool) const {
  Statement s(db_, "SELECT bytes FROM music WHERE pool = ?");
  s.bind(1, pool);
  if (!s.step()) return std::nullopt;
  return s.blob(0);
}

}  // namespace cpark
