// PG zone. ValuePath: the ERROR context that says which value of a call an error is
// about, and the encoding conversions made under it.
#include "type_codec.h"

namespace pgwasm {

namespace {

void pathContext(void* arg) {
  const ValuePath* p = static_cast<const ValuePath*>(arg);
  if (p->depth == 0 && p->note == ValuePath::None) return;  // the message says it all
  StringInfoData s;
  initStringInfo(&s);
  int named = p->depth < 8 ? p->depth : 8;
  if (p->depth > named) appendStringInfoString(&s, "... of ");
  for (int i = named - 1; i >= 0; i--) {
    const ValuePath::Level& l = p->levels[i];
    if (l.field)
      appendStringInfo(&s, "field \"%s\" of ", l.field);
    else
      appendStringInfo(&s, "element %u of ", l.element);
  }
  if (p->argument > 0)
    appendStringInfo(&s, "argument %d of wasm function %s", p->argument, p->functionName);
  else
    appendStringInfo(&s, "%sresult of wasm function %s", p->depth ? "the " : "", p->functionName);
  switch (p->note) {
    case ValuePath::ToUtf8:
      appendStringInfo(&s, ", converted from the database encoding %s to UTF-8", GetDatabaseEncodingName());
      break;
    case ValuePath::FromUtf8:
      appendStringInfo(&s, ", converted from UTF-8 to the database encoding %s", GetDatabaseEncodingName());
      break;
    case ValuePath::ReadAs: appendStringInfo(&s, ", read as %s", p->readAs); break;
    case ValuePath::None: break;
  }
  errcontext("%s", s.data);
}

}  // namespace

void ValuePath::begin(int arg) {
  argument = arg;
  depth = 0;
  note = None;
  cb.callback = pathContext;
  cb.arg = this;
  cb.previous = error_context_stack;
  error_context_stack = &cb;
}

void ValuePath::end() { error_context_stack = cb.previous; }

const char* toUtf8(ValuePath* path, const char* s, size_t n, uint32_t* outLen) {
  path->note = ValuePath::ToUtf8;
  char* u = pg_server_to_any(s, int(n), PG_UTF8);
  path->note = ValuePath::None;
  *outLen = uint32_t(u == s ? n : strlen(u));
  return u;
}

char* fromUtf8(ValuePath* path, const char* s, size_t n) {
  path->note = ValuePath::FromUtf8;
  char* out = pg_any_to_server(s, int(n), PG_UTF8);
  path->note = ValuePath::None;
  return out;
}

}  // namespace pgwasm
