// Spec harness. Reading wast2json output with RapidJSON, checking every field we use so a
// garbled file gives a message instead of undefined behaviour.
#include "script.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace spec {
namespace {

using rapidjson::Value;
using wasm::ValType;

struct Loader {
  std::string path;
  std::string dir;  // with a trailing '/', or empty
  std::string error;

  bool fail(int line, const std::string& what) {
    error = path + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + what;
    return false;
  }

  static const Value* member(const Value& obj, const char* key) {
    if (!obj.IsObject()) return nullptr;
    auto it = obj.FindMember(key);
    return it == obj.MemberEnd() ? nullptr : &it->value;
  }

  bool string(const Value& obj, const char* key, int line, std::string* out, bool optional = false) {
    const Value* v = member(obj, key);
    if (!v) {
      if (optional) return true;
      return fail(line, std::string("missing string \"") + key + "\"");
    }
    if (!v->IsString()) return fail(line, std::string("\"") + key + "\" is not a string");
    out->assign(v->GetString(), v->GetStringLength());
    return true;
  }

  bool valType(const std::string& s, int line, ValType* out) {
    static const struct { const char* name; ValType type; } kTypes[] = {
        {"i32", ValType::I32},         {"i64", ValType::I64},         {"f32", ValType::F32},
        {"f64", ValType::F64},         {"v128", ValType::V128},       {"funcref", ValType::FuncRef},
        {"externref", ValType::ExternRef},
    };
    for (const auto& t : kTypes) {
      if (s == t.name) {
        *out = t.type;
        return true;
      }
    }
    return fail(line, "unknown value type \"" + s + "\"");
  }

  bool number(const std::string& s, uint64_t max, int line, uint64_t* out) {
    if (s.empty() || s[0] < '0' || s[0] > '9') return fail(line, "bad number \"" + s + "\"");
    errno = 0;
    char* end = nullptr;
    unsigned long long v = strtoull(s.c_str(), &end, 10);
    if (errno || *end || v > max) return fail(line, "bad number \"" + s + "\"");
    *out = v;
    return true;
  }

  bool value(const Value& j, int line, SpecValue* out) {
    std::string type;
    if (!string(j, "type", line, &type) || !valType(type, line, &out->type)) return false;
    const Value* v = member(j, "value");
    if (!v) {
      out->kind = SpecValue::Kind::AnyValue;
      return true;
    }
    if (out->type == ValType::V128) {
      if (!v->IsArray()) return fail(line, "v128 value is not a list of lanes");
      out->kind = SpecValue::Kind::Lanes;
      return true;
    }
    if (!v->IsString()) return fail(line, "value is not a string");
    std::string s(v->GetString(), v->GetStringLength());
    switch (out->type) {
      case ValType::I32: return number(s, UINT32_MAX, line, &out->bits);
      case ValType::I64: return number(s, UINT64_MAX, line, &out->bits);
      case ValType::F32:
      case ValType::F64:
        if (s == "nan:canonical") {
          out->kind = SpecValue::Kind::CanonicalNan;
          return true;
        }
        if (s == "nan:arithmetic") {
          out->kind = SpecValue::Kind::ArithmeticNan;
          return true;
        }
        return number(s, out->type == ValType::F32 ? UINT32_MAX : UINT64_MAX, line, &out->bits);
      case ValType::FuncRef:
      case ValType::ExternRef:
        if (s == "null") {
          out->bits = 0;
          return true;
        }
        if (out->type == ValType::FuncRef) {  // names a function: we can only check non-null
          out->kind = SpecValue::Kind::NonNullRef;
          return true;
        }
        if (!number(s, UINT64_MAX - 1, line, &out->bits)) return false;
        out->bits += 1;  // externref N is host word N + 1, so that 0 stays null
        return true;
      case ValType::V128: break;
    }
    return fail(line, "unexpected value");
  }

  bool values(const Value& obj, const char* key, int line, std::vector<SpecValue>* out,
              bool optional) {
    const Value* arr = member(obj, key);
    if (!arr) return optional ? true : fail(line, std::string("missing list \"") + key + "\"");
    if (!arr->IsArray()) return fail(line, std::string("\"") + key + "\" is not a list");
    for (const Value& j : arr->GetArray()) {
      SpecValue v;
      if (!value(j, line, &v)) return false;
      out->push_back(v);
    }
    return true;
  }

  bool action(const Value& cmd, int line, Action* out) {
    const Value* a = member(cmd, "action");
    if (!a || !a->IsObject()) return fail(line, "missing \"action\"");
    std::string type;
    if (!string(*a, "type", line, &type)) return false;
    if (type == "invoke") out->type = Action::Type::Invoke;
    else if (type == "get") out->type = Action::Type::Get;
    else return fail(line, "unknown action type \"" + type + "\"");
    return string(*a, "module", line, &out->module, true) && string(*a, "field", line, &out->field) &&
           values(*a, "args", line, &out->args, out->type == Action::Type::Get);
  }

  bool command(const Value& j, Command* out) {
    const Value* lineV = member(j, "line");
    if (!lineV || !lineV->IsInt()) return fail(0, "a command has no \"line\"");
    int line = out->line = lineV->GetInt();
    std::string type;
    if (!string(j, "type", line, &type)) return false;
    static const struct { const char* name; Command::Type type; } kTypes[] = {
        {"module", Command::Type::Module},
        {"register", Command::Type::Register},
        {"action", Command::Type::Action},
        {"assert_return", Command::Type::AssertReturn},
        {"assert_trap", Command::Type::AssertTrap},
        {"assert_exhaustion", Command::Type::AssertExhaustion},
        {"assert_malformed", Command::Type::AssertMalformed},
        {"assert_invalid", Command::Type::AssertInvalid},
        {"assert_unlinkable", Command::Type::AssertUnlinkable},
        {"assert_uninstantiable", Command::Type::AssertUninstantiable},
    };
    bool known = false;
    for (const auto& t : kTypes) {
      if (type == t.name) {
        out->type = t.type;
        known = true;
      }
    }
    if (!known) return fail(line, "unknown command type \"" + type + "\"");

    switch (out->type) {
      case Command::Type::Module:
        if (!string(j, "name", line, &out->name, true)) return false;
        break;
      case Command::Type::Register:
        return string(j, "as", line, &out->as) && string(j, "name", line, &out->name, true);
      case Command::Type::Action:
      case Command::Type::AssertReturn:
        return action(j, line, &out->action) &&
               values(j, "expected", line, &out->expected, out->type == Command::Type::Action);
      case Command::Type::AssertTrap:
      case Command::Type::AssertExhaustion:
        return action(j, line, &out->action) && string(j, "text", line, &out->text) &&
               values(j, "expected", line, &out->expected, true);
      default: {  // module asserts
        std::string moduleType;
        if (!string(j, "text", line, &out->text) ||
            !string(j, "module_type", line, &moduleType, true))
          return false;
        out->textFormat = moduleType == "text";
        if (!moduleType.empty() && moduleType != "text" && moduleType != "binary")
          return fail(line, "unknown module_type \"" + moduleType + "\"");
        break;
      }
    }
    std::string file;
    if (!string(j, "filename", line, &file)) return false;
    out->filename = file.empty() || file[0] == '/' ? file : dir + file;
    return true;
  }
};

bool readFile(const std::string& path, std::string* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return false;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  bool ok = !ferror(f);
  fclose(f);
  return ok;
}

}  // namespace

bool Command::usesV128() const {
  for (const SpecValue& v : action.args)
    if (v.type == wasm::ValType::V128) return true;
  for (const SpecValue& v : expected)
    if (v.type == wasm::ValType::V128) return true;
  return false;
}

const char* commandTypeName(Command::Type t) {
  switch (t) {
    case Command::Type::Module: return "module";
    case Command::Type::Register: return "register";
    case Command::Type::Action: return "action";
    case Command::Type::AssertReturn: return "assert_return";
    case Command::Type::AssertTrap: return "assert_trap";
    case Command::Type::AssertExhaustion: return "assert_exhaustion";
    case Command::Type::AssertMalformed: return "assert_malformed";
    case Command::Type::AssertInvalid: return "assert_invalid";
    case Command::Type::AssertUnlinkable: return "assert_unlinkable";
    case Command::Type::AssertUninstantiable: return "assert_uninstantiable";
  }
  return "?";
}

bool loadScript(const std::string& path, Script* out, std::string* error) {
  Loader l;
  l.path = path;
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) l.dir = path.substr(0, slash + 1);
  out->path = path;
  out->commands.clear();

  std::string text;
  if (!readFile(path, &text)) {
    *error = path + ": cannot read: " + strerror(errno);
    return false;
  }
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) {
    *error = path + ": not valid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " +
             rapidjson::GetParseError_En(doc.GetParseError());
    return false;
  }
  const Value* cmds = Loader::member(doc, "commands");
  if (!cmds || !cmds->IsArray()) {
    *error = path + ": no \"commands\" list (is this wast2json output?)";
    return false;
  }
  for (const Value& j : cmds->GetArray()) {
    Command c;
    if (!l.command(j, &c)) {
      *error = l.error;
      return false;
    }
    out->commands.push_back(std::move(c));
  }
  return true;
}

}  // namespace spec
