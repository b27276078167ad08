#pragma once
// Test data for the HL7 v2 unit tests: files under tests/data/hl7v2 and small message builders.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace gateway::hl7v2::testdata {

inline std::string data_dir() {
  return std::string(RG_SOURCE_DIR) + "/tests/data/hl7v2";
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string read_data(const std::string& relative) {
  return read_file(data_dir() + "/" + relative);
}

// Every .hl7 file of the corpus, sorted by name.
inline std::vector<std::string> corpus_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(data_dir() + "/corpus")) {
    if (e.path().extension() == ".hl7") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Segments joined with CR (each one ended by it).
inline std::string er7(std::initializer_list<std::string> segments) {
  std::string out;
  for (const auto& s : segments) out += s + "\r";
  return out;
}

}  // namespace gateway::hl7v2::testdata
