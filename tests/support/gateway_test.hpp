#pragma once
// The usual integration test: a fresh gateway per test (port 0, the shared development
// certificates, storage in its own temporary directory) and HTTPS clients for the development
// callers ("practice-a", "practice-b", "msk-clinic", "platform").
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {

class gateway_test : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<child_process>(gateway_args(shared_certs_dir(), dir_));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }
  https_client client(const std::string& who) {
    return https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt", dev_identity(shared_certs_dir(), who));
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

}  // namespace rg::testing
