#pragma once

// `gatewayctl certs ...`: argument parsing, the decision whether to write (pure, tested on its
// own), and the thin layer that looks at the directory and calls write_dev_set.

#include "tools/certs/cert_maker.hpp"

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace rg::certs {

enum class certs_action { init, revoke };

struct init_options {
  certs_action action = certs_action::init;
  std::filesystem::path dir{default_dev_dir};
  bool force = false;       // init only
  std::string revoke_name;  // revoke only: practice-a, platform, gateway, server, ...
};

// Parses the words after `gatewayctl certs`: `init [--dir D | --dir=D] [--force]` or
// `revoke NAME [--dir D]`. The error says which word was wrong.
result<init_options> parse_certs_args(std::vector<std::string> const& args);

enum class init_decision {
  write_all,       // nothing there yet, or --force
  already_done,    // every file present, no --force: succeed without touching anything
  refuse_partial,  // some files present, no --force: refuse rather than mix two CAs
};

// `present` is how many of the `total` target files already exist.
init_decision decide_init(std::size_t present, std::size_t total, bool force);

std::string_view certs_usage();

// Runs `gatewayctl certs ARGS...`. Exit codes: 0 written, already complete, or revoked (also when
// it already was), 1 partial set present without --force or a failure to make/write/revoke, 2 bad
// arguments (usage printed on `err`). A complete set made before CRLs existed gets its ca.crl.
int run_certs_command(std::vector<std::string> const& args, std::ostream& out, std::ostream& err);

// The same, on std::cout / std::cerr.
int run_certs_command(std::vector<std::string> const& args);

}  // namespace rg::certs
