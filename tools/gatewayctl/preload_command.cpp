#include "tools/gatewayctl/preload_command.hpp"

#include <malloc.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "adapters/sqlite/bulk_loader.hpp"
#include "gateway/config/gateway_config.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/triage_rules.hpp"
#include "tools/preload/synthetic_referrals.hpp"

namespace rg::gatewayctl {
namespace {

namespace lite = gateway::sqlite;
using clock = std::chrono::system_clock;

struct preload_args {
  std::string db;
  std::uint64_t referrals = 0;
  std::uint64_t pending = 0;
  std::optional<std::uint64_t> requested;
  std::size_t organisations = 200;
  int days = 365;
  std::string platform_org = gateway::config::platform_settings{}.organization;
  std::string event_source = gateway::config::platform_settings{}.event_source;
  std::string triage_rules;
  bool allow_existing = false;
};

bool parse_count(const std::string& text, std::uint64_t& out) {
  try {
    std::size_t used = 0;
    const auto v = std::stoull(text, &used);
    if (used != text.size()) return false;
    out = v;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// Returns an error message, or empty.
std::string parse(const std::vector<std::string>& args, preload_args& a) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& k = args[i];
    if (k == "--allow-existing") {
      a.allow_existing = true;
      continue;
    }
    if (i + 1 >= args.size()) return k + " needs a value";
    const std::string& v = args[++i];
    std::uint64_t n = 0;
    if (k == "--db") {
      a.db = v;
    } else if (k == "--platform-org") {
      a.platform_org = v;
    } else if (k == "--event-source") {
      a.event_source = v;
    } else if (k == "--triage-rules") {
      a.triage_rules = v;
    } else if (k == "--referrals" || k == "--pending" || k == "--organisations" || k == "--days" ||
               k == "--requested") {
      if (!parse_count(v, n)) return k + " needs a whole number, not \"" + v + "\"";
      if (k == "--requested") a.requested = n;
      if (k == "--referrals") a.referrals = n;
      if (k == "--pending") a.pending = n;
      if (k == "--organisations") a.organisations = static_cast<std::size_t>(n);
      if (k == "--days") a.days = static_cast<int>(n);
    } else {
      return "unknown argument " + k;
    }
  }
  if (a.db.empty() || a.referrals == 0) return "--db and --referrals (at least 1) are required";
  if (a.pending > a.referrals) return "--pending cannot exceed --referrals";
  if (!a.requested) a.requested = a.referrals / 50;
  if (*a.requested > a.referrals) return "--requested cannot exceed --referrals";
  if (a.organisations == 0 || a.organisations > 99999) return "--organisations must be 1..99999";
  if (a.days < 1) return "--days must be at least 1";
  return {};
}

// Units made by the producer thread, waiting to be written; bounded, so memory stays flat.
class made_queue {
 public:
  using item = boost::system::result<preload::synthetic_referral, std::string>;

  // false once closed (the writer gave up).
  bool push(item unit) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || items_.size() < 1024; });
    if (closed_) return false;
    items_.push_back(std::move(unit));
    changed_.notify_all();
    return true;
  }
  item pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !items_.empty(); });
    item unit = std::move(items_.front());
    items_.pop_front();
    changed_.notify_all();
    return unit;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<item> items_;
  bool closed_ = false;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return in ? text.str() : std::string();
}

}  // namespace

int run_preload_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  preload_args a;
  if (const auto why = parse(args, a); !why.empty()) {
    err << "gatewayctl preload: " << why << "\n"
        << "usage: gatewayctl preload --db FILE --referrals N [--requested N] [--pending N] [--organisations 200]\n"
        << "                          [--days 365]\n"
        << "                          [--platform-org ODS] [--event-source URI] [--triage-rules FILE]\n"
        << "                          [--allow-existing]\n";
    return 2;
  }
  // Each referral allocates and frees a few MB-sized JSON pools: without this glibc returns the
  // heap top to the kernel after each (brk), and the TLB flushes took a third of the load's time.
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
  const std::string rules_text =
      a.triage_rules.empty() ? std::string(gateway::core::embedded::triage_rules_json()) : read_file(a.triage_rules);
  auto rules = gateway::core::load_triage_rules(rules_text);
  if (!rules) {
    err << "gatewayctl preload: triage rules " << a.triage_rules << " cannot be read\n";
    return 1;
  }

  auto loader = lite::bulk_loader::open(lite::bulk_options{a.db, 20000, a.allow_existing});
  if (!loader) {
    err << "gatewayctl preload: " << loader.error().message << "\n";
    return 1;
  }
  preload::synthetic_referrals maker(
      preload::synthetic_settings{a.organisations, "A81001", a.platform_org, a.event_source, &*rules, 1});
  using namespace std::chrono;
  const auto started = steady_clock::now();
  // Spread over the last --days days, ending a minute ago; a step of at least 1 ms keeps every
  // referral's time distinct.
  const auto end = time_point_cast<milliseconds>(clock::now()) - minutes(1);
  const milliseconds span = duration_cast<milliseconds>(hours(24) * a.days);
  const milliseconds step = std::max(milliseconds(1), span / static_cast<std::int64_t>(a.referrals));
  const auto begin = end - step * static_cast<std::int64_t>(a.referrals);
  // Two threads: one makes the units (JSON, triage, plan), this one writes them, with a bounded
  // queue between; on a 2-core machine that is about half the time of doing both in turn.
  made_queue queue;
  std::thread producer([&] {
    for (std::uint64_t n = 0; n < a.referrals; ++n) {
      const clock::time_point at = begin + step * static_cast<std::int64_t>(n);
      std::optional<clock::time_point> accept_at;
      if (n < a.referrals - *a.requested) accept_at = at + step / 2;
      if (!queue.push(maker.next(at, accept_at))) return;
    }
  });
  int status = 0;
  for (std::uint64_t n = 0; n < a.referrals; ++n) {
    const clock::time_point at = begin + step * static_cast<std::int64_t>(n);
    auto made = queue.pop();
    if (!made) {
      err << "gatewayctl preload: referral " << n << ": " << made.error() << "\n";
      status = 1;
      break;
    }
    std::optional<clock::time_point> delivered;
    if (n < a.referrals - a.pending) delivered = at + seconds(1);
    auto added = (*loader)->add(std::move(made->create), at, delivered);
    if (added && made->accept) {
      const auto accept_at = at + step / 2;
      added = (*loader)->add(std::move(*made->accept), accept_at, accept_at + seconds(1));
    }
    if (!added) {
      err << "gatewayctl preload: referral " << n << ": " << added.error().detail
          << " (the database is incomplete: delete it)\n";
      status = 1;
      break;
    }
    if ((n + 1) % 100000 == 0)
      err << "gatewayctl preload: " << (n + 1) << " referrals, "
          << duration_cast<milliseconds>(steady_clock::now() - started).count() / 1000.0 << " s\n";
  }
  queue.close();
  producer.join();
  if (status != 0) return status;
  if (const auto why = (*loader)->finish(); !why.empty()) {
    err << "gatewayctl preload: " << why << " (the database is incomplete: delete it)\n";
    return 1;
  }
  const double seconds_taken = duration_cast<milliseconds>(steady_clock::now() - started).count() / 1000.0;
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(a.db, ec);
  out << "preloaded " << a.referrals << " referrals (" << a.organisations << " practices, " << *a.requested
      << " Tasks requested, the others accepted; " << a.pending << " triage events pending) in " << seconds_taken
      << " s: " << static_cast<std::uint64_t>(static_cast<double>(a.referrals) / std::max(seconds_taken, 0.001))
      << " referrals/s; database " << (ec ? 0 : bytes) << " bytes, " << (ec ? 0 : bytes / a.referrals)
      << " bytes per referral\n";
  return 0;
}

}  // namespace rg::gatewayctl
