// FHIRPath evaluation: terms, paths over the JSON with FHIR types, operators with the empty-
// collection and three-valued-logic rules of the specification. Functions: functions.cpp.

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "fhir/fhirpath/machine.hpp"
#include "fhir/fhirpath/values.hpp"
#include "fhir/model.hpp"

namespace fhir::fhirpath {

using detail::collection;
using detail::machine;
using detail::scoped_collection;

void throw_exception_from_error(const eval_error& e, const boost::source_location&) {
  throw std::runtime_error("FHIRPath evaluation error: " + e.message);
}

struct evaluator::state {
  machine mach;
};

evaluator::evaluator() : s_(std::make_unique<state>()) {}
evaluator::~evaluator() = default;

boost::system::result<std::span<const item>, eval_error> evaluator::evaluate(const expression& e,
                                                                             const environment& env,
                                                                             const item& context) {
  machine& m = s_->mach;
  m.begin(e, env, context);
  try {
    m.eval(e.root_index(), m.result);
  } catch (const detail::eval_failure& f) {
    return eval_error{f.message};
  }
  return std::span<const item>(m.result);
}

boost::system::result<bool, eval_error> evaluator::check(const expression& e, const environment& env,
                                                         const item& context) {
  auto r = evaluate(e, env, context);
  if (!r) return r.error();
  const auto items = *r;
  if (items.empty()) return true;
  if (items.size() == 1) {
    item v;
    if (system_value(*env.m, items[0], v) && v.kind == item_kind::boolean) return v.boolean;
  }
  return true;
}

evaluator& thread_evaluator() {
  thread_local evaluator e;
  return e;
}

namespace detail {
namespace {

constexpr std::size_t max_steps = 2'000'000;  // items produced by one evaluation

bool starts_upper(std::string_view s) {
  return !s.empty() && s[0] >= 'A' && s[0] <= 'Z';
}

std::string_view key_of(const rapidjson::Value::ConstMemberIterator& it) {
  return std::string_view(it->name.GetString(), it->name.GetStringLength());
}

// The "_key" twin of a primitive member, if the object has one.
const rapidjson::Value* twin_of(const rapidjson::Value& obj, std::string_view key, bool any_underscore) {
  if (!any_underscore) return nullptr;
  for (auto jt = obj.MemberBegin(); jt != obj.MemberEnd(); ++jt) {
    std::string_view k2 = key_of(jt);
    if (k2.size() == key.size() + 1 && k2[0] == '_' && k2.substr(1) == key) return &jt->value;
  }
  return nullptr;
}

bool has_underscore_key(const rapidjson::Value& obj) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (it->name.GetStringLength() > 0 && it->name.GetString()[0] == '_') return true;
  }
  return false;
}

}  // namespace

void machine::begin(const expression& e, const environment& env, const item& context) {
  e_ = &e;
  env_ = &env;
  context_ = context;
  frame_ = frame{std::span<const item>(&context_, 1), 0, nullptr};
  result.clear();
  pool_used_ = 0;
  strings_used_ = 0;
  steps_ = 0;
  descendants_of_ = nullptr;
  hoisted_used_ = 0;

  iteration_depth_ = 0;
}

void machine::fail(std::string message) {
  throw eval_failure{std::move(message)};
}

std::string& machine::scratch_string() {
  if (strings_used_ == strings_.size()) strings_.push_back(std::make_unique<std::string>());
  std::string& s = *strings_[strings_used_++];
  s.clear();
  return s;
}

const item* machine::single(std::span<const item> c, const char* what) {
  if (c.empty()) return nullptr;
  if (c.size() > 1) fail(std::string(what) + " needs a single item, got " + std::to_string(c.size()));
  return &c[0];
}

std::optional<bool> machine::truth(std::span<const item> c, const char* what) {
  const item* i = single(c, what);
  if (!i) return std::nullopt;
  item v;
  if (system_value(m(), *i, v) && v.kind == item_kind::boolean) return v.boolean;
  return true;  // a single non-Boolean item counts as true
}

std::optional<std::string_view> machine::single_string(std::span<const item> c, const char* what) {
  const item* i = single(c, what);
  if (!i) return std::nullopt;
  item v;
  if (!system_value(m(), *i, v)) return std::nullopt;
  if (v.kind == item_kind::string || v.kind == item_kind::date || v.kind == item_kind::date_time ||
      v.kind == item_kind::time) {
    return v.text;
  }
  fail(std::string(what) + " needs a string");
}

std::optional<std::int64_t> machine::single_integer(std::span<const item> c, const char* what) {
  const item* i = single(c, what);
  if (!i) return std::nullopt;
  item v;
  if (!system_value(m(), *i, v)) return std::nullopt;
  if (v.kind != item_kind::integer) fail(std::string(what) + " needs an integer");
  return v.integer;
}

void machine::resolve_type(item& i) const {
  // A node typed as the abstract Resource (contained, Bundle.entry.resource) takes its type
  // from resourceType.
  if (i.type == no_type || i.json == nullptr || !i.json->IsObject()) return;
  const type_def& t = m().type(i.type);
  if (t.kind != type_kind::resource || !t.is_abstract) return;
  auto rt = i.json->FindMember("resourceType");
  if (rt != i.json->MemberEnd() && rt->value.IsString()) {
    const type_index c = m().find_resource_type(std::string_view(rt->value.GetString(), rt->value.GetStringLength()));
    if (c != no_type) i.type = c;
  }
}

void machine::push_member_value(const rapidjson::Value& v, type_index t, const rapidjson::Value* twin,
                                collection& out) {
  if (v.IsArray()) {
    const auto n = v.Size();
    for (rapidjson::SizeType k = 0; k < n; ++k) {
      const rapidjson::Value& x = v[k];
      const rapidjson::Value* tw =
          twin && twin->IsArray() && k < twin->Size() && !(*twin)[k].IsNull() ? &(*twin)[k] : nullptr;
      item c = item::of_node(x.IsNull() ? nullptr : &x, t, tw);
      if (c.json == nullptr && c.twin == nullptr) continue;
      resolve_type(c);
      out.push_back(c);
    }
  } else if (!v.IsNull()) {
    item c = item::of_node(&v, t, twin);
    resolve_type(c);
    out.push_back(c);
  }
}

// Only "_name" without a value: the primitive exists (it has extensions) but has no value.
void machine::push_value_less(const rapidjson::Value& twin, type_index t, collection& out) {
  if (twin.IsArray()) {
    for (const auto& tw : twin.GetArray()) out.push_back(item::of_node(nullptr, t, &tw));
  } else {
    out.push_back(item::of_node(nullptr, t, &twin));
  }
}

bool machine::direct_member(const rapidjson::Value& obj, std::string_view name, const member_slot& slot,
                            collection& out) {
  // One pass finds "name" and its "_name" twin; a repeated key (possible in a document that did
  // not come through parse_json) takes the general path, which keeps every occurrence.
  const rapidjson::Value* value = nullptr;
  const rapidjson::Value* twin = nullptr;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::size_t len = it->name.GetStringLength();
    const char* key = it->name.GetString();
    if (len == name.size() && key[0] == name[0] && std::memcmp(key, name.data(), len) == 0) {
      if (value) return false;
      value = &it->value;
    } else if (len == name.size() + 1 && key[0] == '_' && key[1] == name[0] &&
               std::memcmp(key + 1, name.data(), name.size()) == 0) {
      if (!twin) twin = &it->value;
    }
  }
  const bool primitive = m().type(slot.type).kind == type_kind::primitive;
  if (!primitive) twin = nullptr;  // "_name" is not a member of the type then
  if (value) {
    push_member_value(*value, slot.type, twin, out);
  } else if (twin) {
    push_value_less(*twin, slot.type, out);
  }
  return true;
}

void machine::members(std::span<const item> input, std::string_view name, collection& out) {
  // Items of one collection are mostly of one type: the element `name` selects is looked up once
  // per run of equal types.
  type_index looked_up = no_type;
  const member_slot* direct = nullptr;
  for (const item& in : input) {
    if (in.kind != item_kind::node) continue;
    const rapidjson::Value* obj = in.json;
    type_index t = in.type;
    if (obj == nullptr || !obj->IsObject()) {
      // A primitive's id and extension live in its "_name" twin.
      if (in.twin == nullptr || !in.twin->IsObject() || (name != "extension" && name != "id")) continue;
      obj = in.twin;
      t = m().known().element;
    }
    const type_def* td = t == no_type ? nullptr : &m().type(t);
    if (td && t != looked_up) {
      looked_up = t;
      // The fast path: `name` is a JSON property of the type itself (not a choice stem such as
      // "value", not "_name"), of an element with a single type.
      direct = td->find_member(name);
      if (direct && (direct->primitive_extension || td->elements[direct->element].name != name ||
                     td->elements[direct->element].types.size() != 1)) {
        direct = nullptr;
      }
    }
    if (td && direct && direct_member(*obj, name, *direct, out)) {
      if (out.size() > max_steps || ++steps_ > max_steps) fail("evaluation too large");
      continue;
    }
    int any_underscore = -1;  // computed when first needed
    for (auto it = obj->MemberBegin(); it != obj->MemberEnd(); ++it) {
      std::string_view key = key_of(it);
      const bool underscore = !key.empty() && key[0] == '_';
      std::string_view bare = underscore ? key.substr(1) : key;
      if (bare.size() < name.size() || bare.substr(0, name.size()) != name) continue;
      type_index child_type = no_type;
      if (td) {
        const member_slot* slot = td->find_member(key);
        if (slot == nullptr) continue;
        const element_def& e = td->elements[slot->element];
        if (e.name != name) continue;
        child_type = slot->type;
      } else if (bare.size() != name.size()) {
        continue;
      }
      if (underscore) {
        if (obj->FindMember(rapidjson::Value(bare.data(), static_cast<rapidjson::SizeType>(bare.size()))) ==
            obj->MemberEnd()) {
          push_value_less(it->value, child_type, out);
        }
        continue;
      }
      const rapidjson::Value* twin = nullptr;
      if (child_type != no_type && m().type(child_type).kind == type_kind::primitive) {
        if (any_underscore < 0) any_underscore = has_underscore_key(*obj) ? 1 : 0;
        twin = twin_of(*obj, key, any_underscore == 1);
      }
      push_member_value(it->value, child_type, twin, out);
    }
    if (out.size() > max_steps || ++steps_ > max_steps) fail("evaluation too large");
  }
}

void machine::children(const item& in, collection& out) {
  if (in.kind != item_kind::node) return;
  auto add_all = [&](const rapidjson::Value* obj, type_index t) {
    const type_def* td = t == no_type ? nullptr : &m().type(t);
    const bool any_underscore = has_underscore_key(*obj);
    for (auto it = obj->MemberBegin(); it != obj->MemberEnd(); ++it) {
      std::string_view key = key_of(it);
      if (key.empty() || key[0] == '_' || key == "resourceType") continue;
      type_index ct = no_type;
      if (td) {
        const member_slot* slot = td->find_member(key);
        if (slot) ct = slot->type;
      }
      const rapidjson::Value* twin =
          ct != no_type && m().type(ct).kind == type_kind::primitive ? twin_of(*obj, key, any_underscore) : nullptr;
      if (it->value.IsArray()) {
        for (rapidjson::SizeType k = 0; k < it->value.Size(); ++k) {
          const rapidjson::Value& v = it->value[k];
          if (v.IsNull()) continue;
          const rapidjson::Value* tw = twin && twin->IsArray() && k < twin->Size() ? &(*twin)[k] : nullptr;
          item c = item::of_node(&v, ct, tw && tw->IsObject() ? tw : nullptr);
          resolve_type(c);
          out.push_back(c);
        }
      } else if (!it->value.IsNull()) {
        item c = item::of_node(&it->value, ct, twin && twin->IsObject() ? twin : nullptr);
        resolve_type(c);
        out.push_back(c);
      }
    }
  };
  if (in.json && in.json->IsObject()) add_all(in.json, in.type);
  if (in.twin && in.twin->IsObject()) add_all(in.twin, m().known().element);
  if (out.size() > max_steps || ++steps_ > max_steps) fail("evaluation too large");
}

void machine::descendants(std::span<const item> input, collection& out) {
  // Breadth-first over the tree; `out` doubles as the work list.
  const std::size_t start = out.size();
  for (const item& i : input) children(i, out);
  for (std::size_t k = start; k < out.size(); ++k) {
    const item cur = out[k];
    children(cur, out);
  }
}

void machine::eval_arg(const node& n, std::uint32_t k, collection& out) {
  eval(e_->arg(n, k), out);
}

void machine::eval_arg_on(const node& n, std::uint32_t k, const item& focus, std::int64_t index, collection& out) {
  const frame saved = frame_;
  frame_.this_ = std::span<const item>(&focus, 1);
  frame_.index = index;
  ++iteration_depth_;
  eval(e_->arg(n, k), out);
  --iteration_depth_;
  frame_ = saved;
}

std::string_view machine::type_arg(const node& n, std::uint32_t k) {
  if (k >= n.arg_count) fail("missing type argument");
  const node& a = e_->at(e_->arg(n, k));
  if (a.kind != op::member) fail("expected a type name");
  return a.text;
}

void machine::invoke(const node& n, std::span<const item> input, collection& out) {
  if (n.kind == op::call) {
    call(n, input, out);
    return;
  }
  members(input, n.text, out);
}

void machine::eval(std::uint32_t idx, collection& out) {
  const node& n = e_->at(idx);
  if (++steps_ > max_steps) fail("evaluation too large");
  // Inside an iteration, a subexpression that does not read the focus has the same value for
  // every item ("%resource.type = 'batch'" in bdl-3): compute it once.
  if (iteration_depth_ > 0 && n.focus_free && n.kind != op::empty_literal && n.kind != op::boolean_literal &&
      n.kind != op::string_literal && n.kind != op::integer_literal) {
    for (std::size_t i = 0; i < hoisted_used_; ++i) {
      if (hoisted_[i].node == idx) {
        out.insert(out.end(), hoisted_[i].items.begin(), hoisted_[i].items.end());
        return;
      }
    }
    const int depth = iteration_depth_;
    iteration_depth_ = 0;  // evaluate as at the top, so its parts are not cached one by one
    const std::size_t start = out.size();
    eval(idx, out);
    iteration_depth_ = depth;
    if (hoisted_used_ == hoisted_.size()) hoisted_.emplace_back();
    cached_value& c = hoisted_[hoisted_used_++];
    c.node = idx;
    c.items.assign(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
    return;
  }
  switch (n.kind) {
    case op::empty_literal:
      return;
    case op::boolean_literal:
      out.push_back(item::of_bool(n.boolean));
      return;
    case op::string_literal:
      out.push_back(item::of_string(n.text));
      return;
    case op::integer_literal:
      out.push_back(item::of_integer(n.integer));
      return;
    case op::decimal_literal: {
      item i;
      i.kind = item_kind::decimal;
      i.decimal = n.decimal;
      i.text = n.text;
      out.push_back(i);
      return;
    }
    case op::date_literal:
    case op::date_time_literal:
    case op::time_literal: {
      item i;
      i.kind = n.kind == op::date_literal        ? item_kind::date
               : n.kind == op::date_time_literal ? item_kind::date_time
                                                 : item_kind::time;
      i.text = n.text;
      out.push_back(i);
      return;
    }
    case op::quantity_literal: {
      item i;
      i.kind = item_kind::quantity;
      i.decimal = n.decimal;
      i.text = n.text;
      out.push_back(i);
      return;
    }
    case op::this_: {
      if (n.lhs != no_node) fail("$this cannot follow a path");
      out.insert(out.end(), frame_.this_.begin(), frame_.this_.end());
      return;
    }
    case op::index_:
      out.push_back(item::of_integer(frame_.index));
      return;
    case op::total_:
      if (frame_.total) out.insert(out.end(), frame_.total->begin(), frame_.total->end());
      return;
    case op::constant: {
      const std::string_view c = n.text;
      if (c == "resource") {
        if (env_->resource.json) out.push_back(env_->resource);
      } else if (c == "rootResource") {
        if (env_->root_resource.json) out.push_back(env_->root_resource);
      } else if (c == "context") {
        out.push_back(context_);
      } else if (c == "ucum") {
        out.push_back(item::of_string("http://unitsofmeasure.org"));
      } else if (c == "sct") {
        out.push_back(item::of_string("http://snomed.info/sct"));
      } else if (c == "loinc") {
        out.push_back(item::of_string("http://loinc.org"));
      } else if (c.substr(0, 3) == "vs-") {
        std::string& s = scratch_string();
        s.append("http://hl7.org/fhir/ValueSet/").append(c.substr(3));
        out.push_back(item::of_string(s));
      } else if (c.substr(0, 4) == "ext-") {
        std::string& s = scratch_string();
        s.append("http://hl7.org/fhir/StructureDefinition/").append(c.substr(4));
        out.push_back(item::of_string(s));
      } else {
        fail("unknown constant %" + std::string(c));
      }
      return;
    }
    case op::member:
    case op::call: {
      if (n.lhs == no_node) {
        // A leading type name selects the focus when it is of that type ("Appointment.status").
        if (n.kind == op::member && starts_upper(n.text)) {
          bool all_match = !frame_.this_.empty();
          for (const item& i : frame_.this_) all_match = all_match && detail::is_type(m(), i, n.text);
          if (all_match) {
            out.insert(out.end(), frame_.this_.begin(), frame_.this_.end());
            return;
          }
        }
        invoke(n, frame_.this_, out);
        return;
      }
      scoped_collection input(*this);
      eval(n.lhs, *input);
      invoke(n, *input, out);
      return;
    }
    case op::indexer: {
      scoped_collection input(*this), index(*this);
      eval(n.lhs, *input);
      eval(n.rhs, *index);
      const auto k = single_integer(*index, "an index");
      if (k && *k >= 0 && static_cast<std::size_t>(*k) < input->size()) out.push_back((*input)[*k]);
      return;
    }
    case op::negate: {
      scoped_collection operand(*this);
      eval(n.rhs, *operand);
      const item* i = single(*operand, "unary minus");
      if (!i) return;
      item v;
      if (!system_value(m(), *i, v)) return;
      if (v.kind == item_kind::integer) {
        if (v.integer == INT64_MIN) return;
        v.integer = -v.integer;
      } else if (v.kind == item_kind::decimal || v.kind == item_kind::quantity) {
        v.decimal = -v.decimal;
      } else {
        fail("unary minus needs a number");
      }
      out.push_back(v);
      return;
    }
    case op::is_:
    case op::as_: {
      scoped_collection operand(*this);
      eval(n.lhs, *operand);
      const item* i = single(*operand, n.kind == op::is_ ? "is" : "as");
      if (!i) return;
      const bool match = detail::is_type(m(), *i, n.text);
      if (n.kind == op::is_) {
        out.push_back(item::of_bool(match));
      } else if (match) {
        out.push_back(*i);
      }
      return;
    }
    default:
      binary(n, out);
      return;
  }
}

namespace {

bool contains_item(const model& m, std::span<const item> c, const item& x) {
  for (const item& i : c) {
    if (equal(m, i, x) == tri::yes) return true;
  }
  return false;
}

}  // namespace

void machine::binary(const node& n, collection& out) {
  // Boolean operators first: they short-circuit and follow three-valued logic.
  if (n.kind == op::and_ || n.kind == op::or_ || n.kind == op::xor_ || n.kind == op::implies) {
    std::optional<bool> l, r;
    {
      scoped_collection c(*this);
      eval(n.lhs, *c);
      l = truth(*c, "a boolean operator");
    }
    if (n.kind == op::and_ && l == false) return out.push_back(item::of_bool(false));
    if (n.kind == op::or_ && l == true) return out.push_back(item::of_bool(true));
    if (n.kind == op::implies && l == false) return out.push_back(item::of_bool(true));
    {
      scoped_collection c(*this);
      eval(n.rhs, *c);
      r = truth(*c, "a boolean operator");
    }
    switch (n.kind) {
      case op::and_:
        if (r == false) return out.push_back(item::of_bool(false));
        if (l && r) return out.push_back(item::of_bool(true));
        return;
      case op::or_:
        if (r == true) return out.push_back(item::of_bool(true));
        if (l && r) return out.push_back(item::of_bool(false));
        return;
      case op::xor_:
        if (l && r) out.push_back(item::of_bool(*l != *r));
        return;
      default:  // implies, l is true or empty
        if (r == true) return out.push_back(item::of_bool(true));
        if (l && r) return out.push_back(item::of_bool(false));
        return;
    }
  }
  scoped_collection lc(*this), rc(*this);
  eval(n.lhs, *lc);
  eval(n.rhs, *rc);
  const collection& l = *lc;
  const collection& r = *rc;
  switch (n.kind) {
    case op::union_: {
      for (const item& i : l) {
        if (!contains_item(m(), out, i)) out.push_back(i);
      }
      const std::size_t left_end = out.size();
      for (const item& i : r) {
        if (!contains_item(m(), std::span<const item>(out.data(), out.size()), i)) out.push_back(i);
      }
      (void)left_end;
      return;
    }
    case op::in_:
    case op::contains_: {
      const collection& element = n.kind == op::in_ ? l : r;
      const collection& container = n.kind == op::in_ ? r : l;
      const item* e = single(element, "in/contains");
      if (!e) return;
      out.push_back(item::of_bool(contains_item(m(), container, *e)));
      return;
    }
    case op::eq:
    case op::ne: {
      if (l.empty() || r.empty()) return;
      tri result = l.size() == r.size() ? tri::yes : tri::no;
      for (std::size_t k = 0; k < l.size() && result != tri::no; ++k) {
        const tri t = equal(m(), l[k], r[k]);
        if (t == tri::no)
          result = tri::no;
        else if (t == tri::unknown)
          result = tri::unknown;
      }
      if (result == tri::unknown) return;
      out.push_back(item::of_bool((result == tri::yes) == (n.kind == op::eq)));
      return;
    }
    case op::equiv:
    case op::nequiv: {
      bool same = l.size() == r.size();
      for (std::size_t k = 0; k < l.size() && same; ++k) {
        same = contains_item(m(), r, l[k]) || equivalent(m(), l[k], r[k]);
      }
      out.push_back(item::of_bool(same == (n.kind == op::equiv)));
      return;
    }
    case op::lt:
    case op::le:
    case op::gt:
    case op::ge: {
      const item* a = single(l, "a comparison");
      const item* b = single(r, "a comparison");
      if (!a || !b) return;
      bool incomparable = false;
      const auto c = compare(m(), *a, *b, incomparable);
      if (incomparable) fail("these values cannot be compared");
      if (!c) return;
      const bool v = n.kind == op::lt ? *c < 0 : n.kind == op::le ? *c <= 0 : n.kind == op::gt ? *c > 0 : *c >= 0;
      out.push_back(item::of_bool(v));
      return;
    }
    case op::concat: {
      std::string& s = scratch_string();
      for (const collection* side : {&l, &r}) {
        const item* i = single(*side, "&");
        if (!i) continue;
        item v;
        if (system_value(m(), *i, v) && v.kind == item_kind::string) s.append(v.text);
      }
      out.push_back(item::of_string(s));
      return;
    }
    default:
      break;
  }
  // Arithmetic.
  const item* a = single(l, "arithmetic");
  const item* b = single(r, "arithmetic");
  if (!a || !b) return;
  item x, y;
  if (!system_value(m(), *a, x) || !system_value(m(), *b, y)) return;
  if (n.kind == op::add && x.kind == item_kind::string && y.kind == item_kind::string) {
    std::string& s = scratch_string();
    s.append(x.text).append(y.text);
    out.push_back(item::of_string(s));
    return;
  }
  const bool ints = x.kind == item_kind::integer && y.kind == item_kind::integer;
  auto num = [&](const item& v) -> double {
    if (v.kind == item_kind::integer) return static_cast<double>(v.integer);
    if (v.kind == item_kind::decimal) return v.decimal;
    fail("arithmetic needs numbers");
  };
  const double dx = num(x), dy = num(y);
  item res;
  res.kind = ints ? item_kind::integer : item_kind::decimal;
  switch (n.kind) {
    case op::add:
      if (ints && __builtin_add_overflow(x.integer, y.integer, &res.integer)) return;
      res.decimal = dx + dy;
      break;
    case op::sub:
      if (ints && __builtin_sub_overflow(x.integer, y.integer, &res.integer)) return;
      res.decimal = dx - dy;
      break;
    case op::mul:
      if (ints && __builtin_mul_overflow(x.integer, y.integer, &res.integer)) return;
      res.decimal = dx * dy;
      break;
    case op::div:
      if (dy == 0) return;
      res.kind = item_kind::decimal;
      res.decimal = dx / dy;
      break;
    case op::int_div:
      if (dy == 0) return;
      res.kind = item_kind::integer;
      if (!(std::fabs(dx / dy) < 9.0e18)) return;
      res.integer = static_cast<std::int64_t>(std::trunc(dx / dy));
      break;
    case op::mod:
      if (dy == 0) return;
      if (ints) {
        res.integer = y.integer == -1 ? 0 : x.integer % y.integer;
      } else {
        res.decimal = std::fmod(dx, dy);
      }
      break;
    default:
      fail("unsupported operator");
  }
  out.push_back(res);
}

}  // namespace detail
}  // namespace fhir::fhirpath
