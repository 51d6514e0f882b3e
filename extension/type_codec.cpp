// PG zone. Resolving declared types into codecs, and the dispatch between leaves, arrays
// and rows (array_codec.cpp, row_codec.cpp) for values in guest memory.
#include "type_codec.h"

#include "codec_parts.h"

PGWASM_PG_HEADERS_BEGIN
#include "parser/parse_coerce.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {

[[noreturn]] void unsupported(const ResolveSite& site, Oid type) {
  const char* t = format_type_be(type);
  char* detail;
  if (site.chain)
    detail = site.argument
                 ? psprintf("It is the type of %s, in argument %d of function %s.", site.chain, site.argument,
                             site.fname)
                 : psprintf("It is the type of %s, in the result of function %s.", site.chain, site.fname);
  else
    detail = site.argument ? psprintf("Argument %d of function %s has that type.", site.argument, site.fname)
                           : psprintf("Function %s is declared to return it.", site.fname);
  ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                  errmsg(site.argument ? "wasm functions cannot take type %s" : "wasm functions cannot return type %s",
                         t),
                  errdetail_internal("%s", detail), errhint("Supported types: %s.", supportedTypesText())));
}

[[noreturn]] void tooComplex(const ResolveSite& site) {
  ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                  errmsg("the types of wasm function %s hold more than %u values", site.fname, kMaxCodecs),
                  errdetail("Each scalar, array, row and field of the arguments and the result counts; %s.",
                            site.chain ? psprintf("the limit was reached at %s", site.chain)
                                       : "the limit was reached at the top of a type"),
                  errhint("Pass the parts of such values separately (udf-sdk/ABI.md, \"Limits\").")));
}

// Results: the coercion of the base type to its typmod, as an assignment applies it.
void resolveTypmod(ValueCodec* c, const ResolveSite& site) {
  Oid fn;
  if (c->typmod < 0 || site.argument || find_typmod_coercion_function(c->base, &fn) != COERCION_PATH_FUNC) return;
  c->typmodFn = static_cast<FmgrInfo*>(MemoryContextAlloc(site.cxt, sizeof(FmgrInfo)));
  fmgr_info_cxt(fn, c->typmodFn, site.cxt);
  c->typmodArgs = get_func_nargs(fn);
}

}  // namespace

Datum conformTypmod(ValueCodec* c, Datum d, GuestReader* r) {
  Datum v = c->typmodArgs >= 3 ? FunctionCall3(c->typmodFn, d, Int32GetDatum(c->typmod), BoolGetDatum(false))
                               : FunctionCall2(c->typmodFn, d, Int32GetDatum(c->typmod));
  if (r && c->form == Form::Bytes) {  // varlena: what it became counts (and may take long)
    r->charge(VARSIZE_ANY(DatumGetPointer(v)));
    pollInterrupts();
  }
  return v;
}

void resolveAt(ValueCodec* c, Oid type, int32 typmod, TupleDesc desc, const ResolveSite& site, int depth) {
  check_stack_depth();
  CHECK_FOR_INTERRUPTS();
  if (*site.codecsLeft == 0) tooComplex(site);
  --*site.codecsLeft;
  memset(c, 0, sizeof *c);
  c->type = type;
  c->cxt = site.cxt;
  int32 baseTypmod = -1;
  c->base = getBaseTypeAndTypmod(type, &baseTypmod);
  c->typmod = baseTypmod >= 0 ? baseTypmod : typmod;  // a domain's own typmod applies to its base
  c->domain = c->base != type;
  MemoryContext old = MemoryContextSwitchTo(site.cxt);
  c->typeName = format_type_be(type);
  MemoryContextSwitchTo(old);
  c->abi = 1;
  char typtype = get_typtype(c->base);
  if (c->base == VOIDOID) {
    if (site.argument || depth) unsupported(site, type);
    c->shape = Shape::Leaf;
    c->form = Form::None;
    return;
  }
  if (c->base == RECORDOID || typtype == TYPTYPE_COMPOSITE) {
    resolveRow(c, desc, site, depth);
    return;
  }
  // A true array: the array type of its element type (int2vector and oidvector are not).
  Oid elem = get_element_type(c->base);
  if (elem != InvalidOid && get_array_type(elem) == c->base) {
    resolveArray(c, elem, site, depth);
    return;
  }
  if (c->base == stateTypeOid() && c->base != InvalidOid) {
    // A handle, as an i32 (agg_state.cpp turns state values into handles and back).
    if (depth) unsupported(site, type);
    c->shape = Shape::Leaf;
    c->rule = findTypeRule(INT4OID, TYPTYPE_BASE);
    c->form = Form::I32;
    c->abi = 2;
    c->slot = c->rule->slot;
    c->bitsMask = 0xffffffffu;
    c->state = true;
    return;
  }
  c->rule = c->base == JSONBOID && site.jsonbCompact && site.argument ? compactJsonbRule()
                                                                     : findTypeRule(c->base, typtype);
  if (!c->rule) unsupported(site, type);
  c->shape = Shape::Leaf;
  c->form = c->rule->form;
  c->abi = c->rule->abi;
  c->slot = c->rule->slot;
  c->split = site.argument && depth == 0 ? c->rule->split : 0;
  if (c->rule->datumBits) c->bitsMask = c->form == Form::I32 || c->form == Form::F32 ? 0xffffffffu : ~uint64_t(0);
  c->nested = typtype == TYPTYPE_ENUM;
  resolveTypmod(c, site);
}

void resolveCodec(ValueCodec* c, Oid type, TupleDesc desc, int argument, const char* fname, MemoryContext cxt,
                  uint32_t* codecsLeft, bool jsonbCompact) {
  ResolveSite site{fname, argument, nullptr, cxt, jsonbCompact, codecsLeft};
  resolveAt(c, type, -1, desc, site, 0);
}

// --- encoding ------------------------------------------------------------------------------
Encoded encodeValue(ValueCodec* c, Datum d, GuestWriter* w, ValuePath* path) {
  switch (c->shape) {
    case Shape::Array: return encodeArray(c, d, w, path);
    case Shape::Row: return encodeRow(c, d, w, path);
    case Shape::Leaf: break;
  }
  if (c->rule->minBytes) w->require(c->rule->minBytes(d));
  GuestBytes b = c->rule->toBytes(d, *c, path);
  return Encoded{w->external(b.data, b.len, c->rule->align), b.len};
}

void writeElement(ValueCodec* c, Datum d, Spot slot, GuestWriter* w, ValuePath* path) {
  if (c->shape == Shape::Leaf && c->form != Form::Bytes) {
    if (c->form == Form::Block) {
      GuestBytes b = c->rule->toBytes(d, *c, path);
      memcpy(w->staged(slot.staged), b.data, c->slot);
    } else {
      uint64_t bits = c->rule->toBits(d, path);
      memcpy(w->staged(slot.staged), &bits, c->slot);  // little-endian: the low bytes
    }
    return;
  }
  Encoded e = encodeValue(c, d, w, path);
  w->pointer(slot, e.at);
  if (c->form == Form::Bytes) storeU32(w->staged(slot.staged + 4), e.len);
}

// --- decoding ------------------------------------------------------------------------------
Datum decodeValue(ValueCodec* c, uint32_t ptr, uint32_t len, GuestReader* r, ValuePath* path) {
  Datum v;
  switch (c->shape) {
    case Shape::Array: v = decodeArray(c, ptr, r, path); break;
    case Shape::Row: v = decodeRow(c, ptr, r, path); break;
    case Shape::Leaf:
    default:
      if (c->form == Form::Block) len = c->slot;
      if (len > MaxAllocSize - VARHDRSZ)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("wasm function %s returned %u bytes, more than a value can hold", path->functionName,
                               len)));
      {
        const uint8_t* p = r->range(ptr, len, "a result");
        r->charge(c->rule->buildCost ? c->rule->buildCost(reinterpret_cast<const char*>(p), len) : len);
        v = c->rule->fromBytes(reinterpret_cast<const char*>(p), len, *c, path);
      }
      break;
  }
  return v;
}

Datum scalarFromBits(ValueCodec* c, uint64_t bits, ValuePath* path) { return c->rule->fromBits(bits, *c, path); }

Datum readElement(ValueCodec* c, const uint8_t* slot, GuestReader* r, ValuePath* path) {
  Datum v;
  if (c->shape == Shape::Leaf && c->form == Form::Block) {
    v = c->rule->fromBytes(reinterpret_cast<const char*>(slot), c->slot, *c, path);
  } else if (c->shape == Shape::Leaf && c->form != Form::Bytes) {
    uint64_t bits = 0;
    memcpy(&bits, slot, c->slot);
    if (c->slot == 2) bits = uint32_t(int32(int16(uint16_t(bits))));  // smallint: sign-extended
    v = c->rule->fromBits(bits, *c, path);
  } else {
    uint32_t ptr = loadU32(slot);
    uint32_t len = c->form == Form::Bytes ? loadU32(slot + 4) : 0;
    v = decodeValue(c, ptr, len, r, path);
  }
  return conformValue(c, v, false, r);
}

}  // namespace pgwasm
