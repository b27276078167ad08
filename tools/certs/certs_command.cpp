#include "tools/certs/certs_command.hpp"

#include "tools/certs/crl_maker.hpp"

#include <algorithm>
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

int run_revoke(std::filesystem::path const& dir, std::string const& name, std::ostream& out, std::ostream& err) {
  auto r = revoke_dev_certificate(dir, name);
  if (!r) {
    err << "gatewayctl certs revoke: " << r.error().message << "\n";
    return 1;
  }
  out << dev_certificate_file(dir, name).string()
      << (*r == revoke_outcome::revoked ? " revoked in " : " was already revoked in ") << (dir / dev_crl_file).string()
      << "; a running gateway applies it on SIGHUP\n";
  return 0;
}

}  // namespace

std::string_view certs_usage() {
  return "usage: gatewayctl certs init [--dir DIR] [--force]\n"
         "       gatewayctl certs revoke NAME [--dir DIR]\n"
         "  init makes a development CA, a server certificate for localhost/127.0.0.1/::1,\n"
         "  client certificates (practice-a, practice-b, msk-clinic, platform, operator, and gateway:\n"
         "  the gateway's own for delivering feedback) and the CA's revocation list ca.crl\n"
         "  as PEM files in DIR (default certs/dev). Existing files are kept unless --force\n"
         "  is given.\n"
         "  revoke adds the certificate of NAME (client-NAME.crt, or server.crt for \"server\")\n"
         "  to DIR/ca.crl; a running gateway applies it on SIGHUP.\n";
}

result<init_options> parse_certs_args(std::vector<std::string> const& args) {
  if (args.empty()) return error{"missing subcommand"};
  if (args[0] != "init" && args[0] != "revoke") return error{"unknown subcommand '" + args[0] + "'"};
  init_options options;
  options.action = args[0] == "init" ? certs_action::init : certs_action::revoke;
  bool have_dir = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string const& arg = args[i];
    std::string dir;
    if (options.action == certs_action::revoke && !arg.starts_with("-")) {
      if (!options.revoke_name.empty()) return error{"revoke takes one NAME"};
      if (arg.find('/') != std::string::npos || arg == "." || arg == "..") return error{"bad NAME '" + arg + "'"};
      options.revoke_name = arg;
      continue;
    }
    if (arg == "--force" && options.action == certs_action::init) {
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
  if (options.action == certs_action::revoke && options.revoke_name.empty()) return error{"revoke needs a NAME"};
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
  if (options->action == certs_action::revoke) return run_revoke(dir, options->revoke_name, out, err);

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

  // A set made before the development CA had a CRL: add the CRL, keep the rest.
  if (!options->force && present.size() + 1 == files.size() &&
      std::find(present.begin(), present.end(), std::string(dev_crl_file)) == present.end()) {
    if (auto r = write_empty_dev_crl(dir); !r) {
      err << "gatewayctl certs init: " << r.error().message << "\n";
      return 1;
    }
    out << "added an empty revocation list " << (dir / dev_crl_file).string() << " to the certificates there\n";
    return 0;
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
