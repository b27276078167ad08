#include "tools/certs/certs_command.hpp"

#include <iostream>
#include <system_error>

namespace rg::certs {

namespace {

std::string join(std::vector<std::string> const& words) {
  std::string out;
  for (std::string const& w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

}  // namespace

std::string_view certs_usage() {
  return "usage: gatewayctl certs init [--dir DIR] [--force]\n"
         "  Makes a development CA, a server certificate for localhost/127.0.0.1/::1 and\n"
         "  client certificates (practice-a, practice-b, msk-clinic, platform, and gateway:\n"
         "  the gateway's own for delivering feedback) as PEM files in DIR (default\n"
         "  certs/dev). Existing files are kept unless --force is given.\n";
}

result<init_options> parse_certs_args(std::vector<std::string> const& args) {
  if (args.empty()) return error{"missing subcommand"};
  if (args[0] != "init") return error{"unknown subcommand '" + args[0] + "'"};
  init_options options;
  bool have_dir = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string const& arg = args[i];
    std::string dir;
    if (arg == "--force") {
      options.force = true;
      continue;
    }
    if (arg == "--dir") {
      if (i + 1 == args.size()) return error{"--dir needs a directory"};
      dir = args[++i];
    } else if (arg.starts_with("--dir=")) {
      dir = arg.substr(6);
    } else {
      return error{"unknown argument '" + arg + "'"};
    }
    if (dir.empty()) return error{"--dir needs a directory"};
    if (have_dir) return error{"--dir given twice"};
    have_dir = true;
    options.dir = dir;
  }
  return options;
}

init_decision decide_init(std::size_t present, std::size_t total, bool force) {
  if (force || present == 0) return init_decision::write_all;
  return present == total ? init_decision::already_done : init_decision::refuse_partial;
}

int run_certs_command(std::vector<std::string> const& args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && (args[0] == "help" || args[0] == "--help" || args[0] == "-h")) {
    out << certs_usage();
    return 0;
  }
  auto options = parse_certs_args(args);
  if (!options) {
    err << "gatewayctl certs: " << options.error().message << "\n" << certs_usage();
    return 2;
  }
  std::filesystem::path const& dir = options->dir;

  std::vector<std::string> const files = dev_file_names();
  std::vector<std::string> present;
  for (std::string const& name : files) {
    std::error_code ec;
    // symlink_status: a dangling link is still something we would overwrite.
    auto const st = std::filesystem::symlink_status(dir / name, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      err << "gatewayctl certs init: cannot check " << (dir / name).string() << ": " << ec.message() << "\n";
      return 1;
    }
    if (st.type() != std::filesystem::file_type::not_found && st.type() != std::filesystem::file_type::none)
      present.push_back(name);
  }

  switch (decide_init(present.size(), files.size(), options->force)) {
    case init_decision::already_done:
      out << "certificates already present in " << dir.string() << " (use --force to replace)\n";
      return 0;
    case init_decision::refuse_partial:
      err << "gatewayctl certs init: refusing to write into " << dir.string()
          << ": some certificate files already exist (" << join(present)
          << "); use --force to replace them all with a fresh set\n";
      return 1;
    case init_decision::write_all:
      break;
  }

  if (auto r = write_dev_set(dir); !r) {
    err << "gatewayctl certs init: " << r.error().message << "\n";
    return 1;
  }
  out << "wrote development certificates to " << dir.string() << ": " << join(files) << "\n";
  return 0;
}

int run_certs_command(std::vector<std::string> const& args) {
  return run_certs_command(args, std::cout, std::cerr);
}

}  // namespace rg::certs
