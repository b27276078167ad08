#pragma once
// The operations page's files, compiled into the binary (CMakeLists.txt beside this file): the
// page's HTML, CSS and JavaScript and Debian's Chart.js. Read-only data; any thread.
#include <optional>
#include <string_view>

namespace gateway::api {

struct page_asset {
  std::string_view name;  // "index.html", "ops-page.js", ...
  std::string_view content_type;
  std::string_view body;
};

// The asset of that name, or nullopt.
std::optional<page_asset> find_page_asset(std::string_view name);

}  // namespace gateway::api
