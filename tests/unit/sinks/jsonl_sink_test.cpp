// The JSON Lines event sink on a real file: one line per event, durable before delivered, exactly
// once by id across a crash between append and record, torn-line repair, one process per file.
#include "adapters/sinks/jsonl_sink.hpp"

#include "adapters/sinks/jsonl_scan.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

namespace gateway::sinks {
namespace {

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "rg-jsonl-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string event(const std::string& id, const std::string& extra = "") {
  return R"({"specversion":"1.0","id":")" + id + R"(","source":"urn:test","type":"referral.received")" + extra + "}";
}

core::outbox_entry entry(const std::string& id, std::string payload = {},
                         std::chrono::system_clock::time_point created = std::chrono::system_clock::now()) {
  core::outbox_entry e;
  e.created_at = created;
  e.item.id = id;
  e.item.channel = "events";
  e.item.destination = "platform";
  e.item.ordering_key = id;
  e.item.content_type = "application/cloudevents+json";
  e.item.payload = payload.empty() ? event(id) : std::move(payload);
  return e;
}

core::delivery_result deliver(core::delivery_port& port, const core::outbox_entry& e) {
  std::promise<core::delivery_result> p;
  auto f = p.get_future();
  port.deliver(e, [&p](core::delivery_result r) { p.set_value(std::move(r)); });
  return f.get();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::unique_ptr<jsonl_sink> open_sink(const std::string& path, std::size_t rotate_bytes = 0) {
  auto opened = jsonl_sink::open({.path = path, .rotate_bytes = rotate_bytes});
  if (auto* e = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *e;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<jsonl_sink>>(opened));
}

TEST(jsonl_sink, appends_each_event_as_one_line_and_reports_it_delivered) {
  temp_dir dir;
  const auto path = dir.file("sub/events.jsonl");  // the folder is made too
  auto sink = open_sink(path);
  ASSERT_TRUE(sink);
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry("11111111-1111-4111-8111-111111111111"))));
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry("22222222-2222-4222-8222-222222222222"))));
  EXPECT_EQ(read_file(path), event("11111111-1111-4111-8111-111111111111") + "\n" +
                                 event("22222222-2222-4222-8222-222222222222") + "\n");
  EXPECT_EQ(sink->lines_written(), 2u);
}

TEST(jsonl_sink, an_event_already_in_the_file_is_not_written_again_after_a_restart) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  const std::string id = "33333333-3333-4333-8333-333333333333";
  {
    auto sink = open_sink(path);
    ASSERT_TRUE(sink);
    ASSERT_TRUE(core::is_delivered(deliver(*sink, entry(id))));
  }  // the gateway dies here, before the outbox records the delivery: the item comes again
  auto sink = open_sink(path);
  ASSERT_TRUE(sink);
  EXPECT_EQ(sink->open_report().lines, 1u);
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry(id)))) << "reported delivered, so the outbox moves on";
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry("not-a-uuid-id", event("not-a-uuid-id")))));
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry("not-a-uuid-id", event("not-a-uuid-id")))));
  EXPECT_EQ(lines_of(read_file(path)).size(), 2u);
  EXPECT_EQ(sink->duplicates_skipped(), 2u);
}

TEST(jsonl_sink, a_torn_last_line_is_removed_and_every_complete_line_kept) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  const std::string torn_id = "55555555-5555-4555-8555-555555555555";
  {
    std::ofstream out(path, std::ios::binary);
    out << event("44444444-4444-4444-8444-444444444444") << "\n"
        << "not json but a complete line\n"
        << event(torn_id).substr(0, 40);  // the crash cut this append short
  }
  auto sink = open_sink(path);
  ASSERT_TRUE(sink);
  EXPECT_EQ(sink->open_report().lines, 2u);
  EXPECT_EQ(sink->open_report().unreadable, 1u);
  EXPECT_EQ(sink->open_report().torn_bytes, 40u);
  // The torn event was never reported delivered, so it comes again and is written whole, once.
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry(torn_id))));
  EXPECT_EQ(read_file(path), event("44444444-4444-4444-8444-444444444444") + "\n" + "not json but a complete line\n" +
                                 event(torn_id) + "\n");
}

TEST(jsonl_sink, an_event_that_is_not_one_json_line_with_the_item_id_is_refused_for_good) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  auto sink = open_sink(path);
  ASSERT_TRUE(sink);
  const auto other_id = deliver(*sink, entry("66666666-6666-4666-8666-666666666666", event("something-else")));
  EXPECT_EQ(other_id.what, core::delivery_result::kind::permanent_failure);
  const auto two_lines = deliver(*sink, entry("a", R"({"id":"a",)"
                                                   "\n"
                                                   R"("x":1})"));
  EXPECT_EQ(two_lines.what, core::delivery_result::kind::permanent_failure);
  EXPECT_EQ(read_file(path), "");
}

TEST(jsonl_sink, a_second_writer_on_the_same_file_is_refused) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  auto first = open_sink(path);
  ASSERT_TRUE(first);
  auto second = jsonl_sink::open({path});
  ASSERT_TRUE(std::holds_alternative<std::string>(second));
  EXPECT_NE(std::get<std::string>(second).find("locked"), std::string::npos) << std::get<std::string>(second);
}

TEST(jsonl_sink, concurrent_deliveries_are_all_written_once_each_on_its_own_line) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  auto sink = open_sink(path);
  ASSERT_TRUE(sink);
  constexpr int threads = 4, per_thread = 200;
  std::vector<std::thread> workers;
  std::atomic<int> delivered{0};
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::string id = "event-" + std::to_string(t) + "-" + std::to_string(i);
        // Every event twice: the second is a duplicate whichever batch it lands in.
        if (core::is_delivered(deliver(*sink, entry(id, event(id, R"(,"data":{"n":)" + std::to_string(i) + "}")))))
          ++delivered;
        if (core::is_delivered(deliver(*sink, entry(id, event(id))))) ++delivered;
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(delivered.load(), 2 * threads * per_thread);
  const auto lines = lines_of(read_file(path));
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads * per_thread));
  std::set<std::string> ids;
  for (const auto& line : lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << line;
    ids.insert(doc["id"].GetString());
  }
  EXPECT_EQ(ids.size(), lines.size());
}

// ---- rotation ----------------------------------------------------------------------------------

std::string uuid(int n) {
  char text[40];
  std::snprintf(text, sizeof text, "%08x-0000-4000-8000-%012x", n, n);
  return text;
}

// The n-th rotated segment of `path`: path.000001, ...
std::string segment(const std::string& path, int n) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, ".%06d", n);
  return path + suffix;
}

// Every event line of the file and its rotated segments (path.000001, ..., then path).
std::vector<std::string> all_lines(const std::string& path) {
  std::vector<std::string> out;
  for (int n = 1; std::filesystem::exists(segment(path, n)); ++n) {
    for (auto& line : lines_of(read_file(segment(path, n)))) out.push_back(std::move(line));
  }
  for (auto& line : lines_of(read_file(path))) out.push_back(std::move(line));
  return out;
}

std::multiset<std::string> ids_of(const std::vector<std::string>& lines) {
  std::multiset<std::string> ids;
  for (const auto& line : lines) ids.insert(event_id_of(line));
  return ids;
}

TEST(jsonl_sink, rotates_by_size_into_numbered_segments_with_whole_lines_and_an_index_each) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  auto sink = open_sink(path, 4096);
  ASSERT_TRUE(sink);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(core::is_delivered(deliver(*sink, entry(uuid(i)))));
  EXPECT_GE(sink->rotations(), 2u);
  for (int n = 1; n <= static_cast<int>(sink->rotations()); ++n) {
    const std::string file = segment(path, n);
    ASSERT_TRUE(std::filesystem::exists(file + ".ids")) << file;
    EXPECT_LE(std::filesystem::file_size(file), 4096u) << file;
    EXPECT_EQ(read_file(file).back(), '\n') << "a segment ends with a whole line";
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::others_all,
              std::filesystem::perms::none);
  }
  const auto ids = ids_of(all_lines(path));
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 100u) << "each event once";
}

TEST(jsonl_sink, an_event_in_a_rotated_segment_is_not_written_again_and_start_up_reads_only_the_active_file) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  const auto created = std::chrono::system_clock::now();
  {
    auto sink = open_sink(path, 4096);
    ASSERT_TRUE(sink);
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(core::is_delivered(deliver(*sink, entry(uuid(i), {}, created))));
    ASSERT_GE(sink->rotations(), 5u);
  }  // a crash before the outbox recorded any of it: everything comes again
  auto sink = open_sink(path, 4096);
  ASSERT_TRUE(sink);
  std::uintmax_t history = 0;
  for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    if (f.path().extension() != ".ids") history += f.file_size();
  EXPECT_EQ(sink->open_report().bytes_read, std::filesystem::file_size(path));
  EXPECT_LT(sink->open_report().bytes_read * 4, history) << "start-up does not read the rotated events";
  EXPECT_GE(sink->open_report().segments, 5u);

  for (int i = 0; i < 200; ++i) EXPECT_TRUE(core::is_delivered(deliver(*sink, entry(uuid(i), {}, created))));
  EXPECT_EQ(sink->duplicates_skipped(), 200u);
  EXPECT_EQ(sink->lines_written(), 0u);
  EXPECT_EQ(ids_of(all_lines(path)).size(), 200u);
}

TEST(jsonl_sink, an_old_event_requeued_long_after_is_found_in_its_segment_and_new_ones_are_written) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  const auto long_ago = std::chrono::system_clock::now() - std::chrono::hours(24 * 90);
  auto sink = open_sink(path, 4096);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(core::is_delivered(deliver(*sink, entry(uuid(0), {}, long_ago))));
  for (int i = 1; i < 300; ++i) ASSERT_TRUE(core::is_delivered(deliver(*sink, entry(uuid(i)))));
  ASSERT_GE(sink->rotations(), 5u);
  // The webhook behind the file failed, the item went dead, an operator retried it months later.
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry(uuid(0), {}, long_ago))));
  EXPECT_EQ(sink->duplicates_skipped(), 1u);
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry("not-a-uuid", event("not-a-uuid")))));
  for (int i = 0; i < 100; ++i) deliver(*sink, entry(uuid(1000 + i)));  // rotate it away
  EXPECT_TRUE(core::is_delivered(deliver(*sink, entry("not-a-uuid", event("not-a-uuid"), long_ago))));
  EXPECT_EQ(sink->duplicates_skipped(), 2u) << "ids that are not UUIDs are indexed too";
  const auto ids = ids_of(all_lines(path));
  EXPECT_EQ(ids.count(uuid(0)), 1u);
  EXPECT_EQ(ids.count("not-a-uuid"), 1u);
}

TEST(jsonl_sink, a_rotation_cut_short_by_a_crash_is_completed_at_the_next_start) {
  temp_dir dir;
  const auto path = dir.file("events.jsonl");
  {
    auto sink = open_sink(path, 4096);
    ASSERT_TRUE(sink);
    for (int i = 0; i < 60; ++i) ASSERT_TRUE(core::is_delivered(deliver(*sink, entry(uuid(i)))));
    ASSERT_GE(sink->rotations(), 1u);
  }
  // As if the crash came after renaming segment 1 and the new file, before its index was written
  // (an older layout), and a new file was being made for the next rotation.
  std::filesystem::remove(path + ".000001.ids");
  std::filesystem::rename(path, path + ".next");
  auto sink = open_sink(path, 4096);
  ASSERT_TRUE(sink);
  EXPECT_TRUE(std::filesystem::exists(path + ".000001.ids")) << "rebuilt from its segment";
  EXPECT_FALSE(std::filesystem::exists(path + ".next"));
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(core::is_delivered(deliver(*sink, entry(uuid(i)))));
  EXPECT_EQ(sink->lines_written(), 0u);
  EXPECT_EQ(ids_of(all_lines(path)).size(), 60u);
}

}  // namespace
}  // namespace gateway::sinks
