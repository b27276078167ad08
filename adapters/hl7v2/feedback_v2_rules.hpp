#pragma once
// The FHIR -> v2 tables for feedback: RRI^I12 (status) and ORU^R01 (outcomes). Each row writes
// one v2 field from one FHIR element of the feedback message; the same rows render README.md.
//
// Thread safety: immutable data and pure functions.
#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/er7_writer.hpp"
#include "adapters/hl7v2/feedback_v2.hpp"

namespace gateway::hl7v2::feedback {

// The parts of a feedback message Bundle the rows read.
struct message_view {
  const rapidjson::Value* header = nullptr;  // MessageHeader
  const rapidjson::Value* task = nullptr;
  const rapidjson::Value* service_request = nullptr;  // may be absent
  const rapidjson::Value* patient = nullptr;          // may be absent
  const rapidjson::Value* narrative = nullptr;        // the summary Communication, if any
  std::vector<const rapidjson::Value*> scores;        // Observations with a number and a code
  std::vector<const rapidjson::Value*> documents;     // DocumentReferences
  std::string timestamp;                              // Bundle.timestamp
  std::string control_id;                             // MSH-10 of the message being written
  std::string_view kind;                              // "RRI^I12" or "ORU^R01"
  const v2_feedback_settings* settings = nullptr;
};

// Writes one field; returns why it cannot (a permanent problem with the Bundle).
using write_fn = std::optional<std::string> (*)(const message_view& m, const rapidjson::Value* item,
                                                segment_builder& out);

struct row {
  std::string_view segment;    // "RF1"; "OBX" rows run once per score
  std::size_t occurrence = 1;  // for segments written more than once (PRD)
  std::size_t field = 0;
  std::string_view v2;    // README: "RF1-6 originating referral identifier"
  std::string_view fhir;  // README: "ServiceRequest.identifier[0] (the referrer's own id)"
  write_fn write = nullptr;
};

std::span<const row> header_rows();  // MSH (either message; MSH-9 by kind)
std::span<const row> rri_rows();     // RF1, PRD, PID, NTE
std::span<const row> oru_rows();     // PID, OBR, NTE, OBX (per score)

}  // namespace gateway::hl7v2::feedback
