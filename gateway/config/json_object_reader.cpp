#include "gateway/config/json_object_reader.hpp"

#include <limits>

namespace gateway::config {

json_object_reader::json_object_reader(const rapidjson::Value* value, std::string path, config_errors& errors)
    : value_(value), path_(std::move(path)), errors_(errors) {
  if (value_ != nullptr && !value_->IsObject()) {
    errors_.push_back({path_, "must be an object"});
    value_ = nullptr;
  }
}

std::string json_object_reader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void json_object_reader::fail(std::string_view key, std::string message) {
  errors_.push_back({key.empty() ? path_ : path_of(key), std::move(message)});
}

bool json_object_reader::has(std::string_view key) const {
  return value_ != nullptr && value_->HasMember(rapidjson::Value(
                                  rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
}

const rapidjson::Value* json_object_reader::member(std::string_view key) {
  seen_.emplace(key);
  if (value_ == nullptr) return nullptr;
  const auto it = value_->FindMember(
      rapidjson::Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == value_->MemberEnd() ? nullptr : &it->value;
}

void json_object_reader::read(std::string_view key, std::string& out, bool required) {
  const auto* v = member(key);
  if (v == nullptr) {
    if (required) fail(key, "missing");
    return;
  }
  if (!v->IsString()) return fail(key, "must be a string");
  out.assign(v->GetString(), v->GetStringLength());
  if (required && out.empty()) fail(key, "must not be empty");
}

void json_object_reader::read(std::string_view key, bool& out) {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsBool()) return fail(key, "must be true or false");
  out = v->GetBool();
}

void json_object_reader::read(std::string_view key, std::uint16_t& out) {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsUint() || v->GetUint() > 65535) return fail(key, "must be a port number 0-65535");
  out = static_cast<std::uint16_t>(v->GetUint());
}

void json_object_reader::read(std::string_view key, unsigned& out) {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsUint()) return fail(key, "must be a non-negative integer");
  out = v->GetUint();
}

void json_object_reader::read(std::string_view key, std::size_t& out, std::size_t min) {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsUint64()) return fail(key, "must be a non-negative integer");
  if (v->GetUint64() < min) return fail(key, "must be at least " + std::to_string(min));
  out = static_cast<std::size_t>(v->GetUint64());
}

void json_object_reader::read(std::string_view key, std::chrono::milliseconds& out) {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsUint64() || v->GetUint64() == 0 ||
      v->GetUint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
    return fail(key, "must be a positive number of milliseconds");
  }
  out = std::chrono::milliseconds(v->GetUint64());
}

void json_object_reader::read(std::string_view key, double& out) {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsNumber()) return fail(key, "must be a number");
  out = v->GetDouble();
}

void json_object_reader::read(std::string_view key, std::vector<std::string>& out, bool required) {
  const auto* v = member(key);
  if (v == nullptr) {
    if (required) fail(key, "missing");
    return;
  }
  if (!v->IsArray()) return fail(key, "must be an array of strings");
  if (required && v->Empty()) return fail(key, "must have at least one entry");
  out.clear();
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const auto& s = (*v)[i];
    if (!s.IsString() || s.GetStringLength() == 0) {
      return fail(std::string(key) + "[" + std::to_string(i) + "]", "must be a non-empty string");
    }
    out.emplace_back(s.GetString(), s.GetStringLength());
  }
}

std::optional<std::size_t> json_object_reader::choice_index(std::string_view key,
                                                            const std::vector<std::string_view>& names) {
  const auto* v = member(key);
  if (v == nullptr) return std::nullopt;
  std::string allowed;
  for (const auto name : names) {
    if (!allowed.empty()) allowed += ", ";
    allowed += '"';
    allowed += name;
    allowed += '"';
  }
  if (!v->IsString()) {
    fail(key, "must be one of " + allowed);
    return std::nullopt;
  }
  const std::string_view text(v->GetString(), v->GetStringLength());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return i;
  }
  fail(key, "\"" + std::string(text) + "\" is not one of " + allowed);
  return std::nullopt;
}

json_object_reader json_object_reader::object(std::string_view key) {
  const auto* v = member(key);
  return json_object_reader(v, path_of(key), errors_);
}

const rapidjson::Value* json_object_reader::array(std::string_view key) {
  const auto* v = member(key);
  if (v == nullptr) return nullptr;
  if (!v->IsArray()) {
    fail(key, "must be an array");
    return nullptr;
  }
  return v;
}

const rapidjson::Value* json_object_reader::value(std::string_view key) {
  return member(key);
}

void json_object_reader::finish() {
  if (value_ == nullptr) return;
  for (const auto& m : value_->GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (seen_.find(name) == seen_.end()) fail(name, "unknown key");
  }
}

}  // namespace gateway::config
