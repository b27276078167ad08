#pragma once
// Internal: the evaluator's machine. Collections come from a pool that keeps its capacity between
// evaluations (stack discipline through scoped_collection), so a warm evaluator allocates
// nothing for the usual invariant. Evaluation errors unwind as eval_failure to evaluate().

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fhir/fhirpath/ast.hpp"
#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/member_table.hpp"

namespace fhir::fhirpath::detail {

using collection = std::vector<item>;

struct eval_failure {
  std::string message;
};

class machine;

class scoped_collection {
 public:
  explicit scoped_collection(machine& m);
  ~scoped_collection();
  scoped_collection(const scoped_collection&) = delete;
  scoped_collection& operator=(const scoped_collection&) = delete;
  collection& operator*() { return *c_; }
  collection* operator->() { return c_; }

 private:
  machine& m_;
  collection* c_;
};

class machine {
 public:
  // Per evaluation.
  void begin(const expression& e, const environment& env, const item& context);

  // Evaluates node `n` with the current frame's $this as focus; appends to `out`.
  void eval(std::uint32_t n, collection& out);
  // Applies an invocation node (member or call) to `input`.
  void invoke(const node& n, std::span<const item> input, collection& out);
  void call(const node& n, std::span<const item> input, collection& out);

  // Members named `name` of every input item (choice types, "_name" twins, arrays flattened).
  void members(std::span<const item> input, std::string_view name, collection& out);
  void children(const item& i, collection& out);
  // members() when `name` is a property of the object's type (`slot`); false when the object
  // repeats the property, which the general path handles.
  bool direct_member(const rapidjson::Value& obj, std::string_view name, const member_slot& slot, collection& out);
  void push_member_value(const rapidjson::Value& v, type_index t, const rapidjson::Value* twin, collection& out);
  void push_value_less(const rapidjson::Value& twin, type_index t, collection& out);
  void descendants(std::span<const item> input, collection& out);

  // Singleton helpers: the one item, nullptr for empty; error for more than one.
  const item* single(std::span<const item> c, const char* what);
  // Boolean of a collection (singleton evaluation): nullopt when empty.
  std::optional<bool> truth(std::span<const item> c, const char* what);
  std::optional<std::string_view> single_string(std::span<const item> c, const char* what);
  std::optional<std::int64_t> single_integer(std::span<const item> c, const char* what);

  // Evaluates argument `k` of call `n` with `focus` as $this (index `index`).
  void eval_arg(const node& n, std::uint32_t k, collection& out);
  void eval_arg_on(const node& n, std::uint32_t k, const item& focus, std::int64_t index, collection& out);
  // The type name given as an argument (ofType(X), is(X), as(X)).
  std::string_view type_arg(const node& n, std::uint32_t k);

  std::string& scratch_string();
  [[noreturn]] void fail(std::string message);

  const model& m() const { return *env_->m; }
  const environment& env() const { return *env_; }
  const expression& expr() const { return *e_; }

  // The current iteration frame ($this, $index, $total).
  struct frame {
    std::span<const item> this_;
    std::int64_t index = 0;
    const collection* total = nullptr;
  };
  frame& current() { return frame_; }

  collection result;

 private:
  friend class scoped_collection;
  void binary(const node& n, collection& out);
  void resolve_type(item& i) const;

  const expression* e_ = nullptr;
  const environment* env_ = nullptr;
  item context_;
  frame frame_;
  std::vector<std::unique_ptr<collection>> pool_;
  std::size_t pool_used_ = 0;
  std::vector<std::unique_ptr<std::string>> strings_;
  std::size_t strings_used_ = 0;
  std::size_t steps_ = 0;
  // Values of focus-free subexpressions met inside iterations, by node index (see ast.hpp).
  struct cached_value {
    std::uint32_t node;
    collection items;
  };
  std::vector<cached_value> hoisted_;
  std::size_t hoisted_used_ = 0;
  int iteration_depth_ = 0;
  // %resource.descendants() is what dom-3 asks for four times per contained resource.
  const rapidjson::Value* descendants_of_ = nullptr;
  collection descendants_cache_;
};

inline scoped_collection::scoped_collection(machine& m) : m_(m) {
  if (m.pool_used_ == m.pool_.size()) m.pool_.push_back(std::make_unique<collection>());
  c_ = m.pool_[m.pool_used_++].get();
  c_->clear();
}
inline scoped_collection::~scoped_collection() {
  --m_.pool_used_;
}

}  // namespace fhir::fhirpath::detail
