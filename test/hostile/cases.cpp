// The hostile cases (see cases.h). Names: <limit>_at and <limit>_past for the
// implementation limits of engine/include/wasm/limits.h; the others name the shape they
// try. Issue-numbered shapes reproduce reported findings exactly.
#include "cases.h"

#include "wasm/limits.h"

namespace wasm::hostile {

namespace {

using namespace op;
namespace L = wasm::limits;

// () -> () as type 0 and one function of it with `code` (which must end with end).
Bytes oneFunc(const Bytes& code, const std::vector<std::pair<uint32_t, uint8_t>>& locals = {}) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  uint32_t f = mb.func(t, locals, code);
  mb.exportFunc("f", f);
  return mb.build();
}

// An exported () -> i32 function `f` with `code` (which must end with end).
Bytes i32Func(const Bytes& code, const std::vector<std::pair<uint32_t, uint8_t>>& locals = {}) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {kI32});
  mb.exportFunc("f", mb.func(t, locals, code));
  return mb.build();
}

Bytes typesModule(uint32_t n) {
  ModuleBuilder mb;
  for (uint32_t i = 0; i < n; i++) mb.type({}, {});
  return mb.build();
}

// n functions; the first, exported as f, returns 5.
Bytes functionsModule(uint32_t n) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {kI32});
  mb.exportFunc("f", mb.func(t, {}, {kI32Const, 0x05, kEnd}));
  for (uint32_t i = 1; i < n; i++) mb.func(t, {}, {kI32Const, 0x00, kEnd});
  return mb.build();
}

Bytes importsModule(uint32_t n) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  for (uint32_t i = 0; i < n; i++) mb.importFunc("m", "f", t);
  return mb.build();
}

Bytes exportsModule(uint32_t n) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  uint32_t f = mb.func(t, {}, {kEnd});
  for (uint32_t i = 0; i < n; i++) mb.exportFunc("e" + std::to_string(i), f);
  return mb.build();
}

Bytes globalsModule(uint32_t n) {
  ModuleBuilder mb;
  for (uint32_t i = 0; i < n; i++) mb.rawGlobal({kI32, 0x00, kI32Const, 0x00, kEnd});
  return mb.build();
}

Bytes tablesModule(uint32_t n) {
  ModuleBuilder mb;
  for (uint32_t i = 0; i < n; i++) mb.table(kFuncRef, 0);
  return mb.build();
}

Bytes tableSizeModule(uint32_t min) {
  ModuleBuilder mb;
  mb.table(kFuncRef, min);
  return mb.build();
}

Bytes dataSegmentsModule(uint32_t n) {
  ModuleBuilder mb;
  mb.memory(1);
  for (uint32_t i = 0; i < n; i++) mb.rawData({0x01, 0x00});  // passive, empty
  return mb.build();
}

Bytes elemSegmentsModule(uint32_t n) {
  ModuleBuilder mb;
  for (uint32_t i = 0; i < n; i++) mb.rawElem({0x01, 0x00, 0x00});  // passive funcref, empty
  return mb.build();
}

// Passive segments of funcidx 0, of these sizes.
Bytes elemItemsModule(std::vector<uint32_t> sizes) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  mb.func(t, {}, {kEnd});
  for (uint32_t n : sizes) {
    Bytes e{0x01, 0x00};
    putU(e, n);
    e.resize(e.size() + n, 0x00);
    mb.rawElem(std::move(e));
  }
  return mb.build();
}

// A body of exactly `size` bytes (the size field's value): no locals, nops, end.
Bytes functionSizeModule(uint32_t size) {
  Bytes code(size - 2, kNop);  // size = locals vector (1) + nops + end (1)
  code.push_back(kEnd);
  return oneFunc(code);
}

Bytes localsModule(uint32_t n) { return oneFunc({kEnd}, {{n, kI32}}); }

Bytes paramsModule(uint32_t n) {
  ModuleBuilder mb;
  uint32_t t = mb.type(Bytes(n, kI32), {});
  uint32_t f = mb.func(t, {}, {kEnd});
  mb.exportFunc("f", f);
  return mb.build();
}

// A function returning n i32 zeros; `f` calls it and returns their sum's first... the
// first result (0), dropping the rest.
Bytes resultsModule(uint32_t n) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, Bytes(n, kI32));
  Bytes code;
  for (uint32_t i = 0; i < n; i++) put(code, {kI32Const, uint8_t(i & 0x3F)});
  code.push_back(kEnd);
  uint32_t g = mb.func(t, {}, code);
  uint32_t tf = mb.type({}, {kI32});
  Bytes fc{kCall};
  putU(fc, g);
  for (uint32_t i = 1; i < n; i++) fc.push_back(kDrop);
  fc.push_back(kEnd);
  uint32_t f = mb.func(tf, {}, fc);
  mb.exportFunc("f", f);
  return mb.build();
}

// br_table of n labels, all to the block around it; f returns 7.
Bytes brTableModule(uint32_t n) {
  Bytes code{kBlock, kVoid, kI32Const, 0x00, kBrTable};
  putU(code, n);
  code.resize(code.size() + n + 1, 0x00);
  put(code, {kEnd, kI32Const, 0x07, kEnd});
  return i32Func(code);
}

Bytes stringModule(uint32_t n) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  uint32_t f = mb.func(t, {}, {kEnd});
  mb.exportFunc(std::string(n, 'x'), f);
  return mb.build();
}

// n values on the operand stack at once: n i32.const 1, n-1 i32.add; f returns n.
Bytes stackHeightModule(uint32_t n) {
  Bytes code;
  code.reserve(3 * size_t(n) + 2);
  for (uint32_t i = 0; i < n; i++) put(code, {kI32Const, 0x01});
  for (uint32_t i = 1; i < n; i++) code.push_back(kI32Add);
  code.push_back(kEnd);
  return i32Func(code);
}

// Blocks nested n deep inside the function's own block (n + 1 frames); f returns 3.
Bytes nestingModule(uint32_t n) {
  Bytes code;
  code.reserve(3 * size_t(n) + 4);
  for (uint32_t i = 0; i < n; i++) put(code, {kBlock, kVoid});
  code.insert(code.end(), n, kEnd);
  put(code, {kI32Const, 0x03, kEnd});
  return i32Func(code);
}

Bytes memoryModule(uint64_t min, int64_t max) {
  ModuleBuilder mb;
  mb.memory(min, max);
  return mb.build();
}

// --- findings of the security review (issue 9) -------------------------------------------

// Finding 1: multi-value blocks whose body is `unreachable` raise the operand stack by
// 1000 values for 4 bytes, up to 2^29, where the frame size wrapped.
Bytes stackSmashModule() {
  ModuleBuilder mb;
  uint32_t tf = mb.type({kI64}, {kI64});
  uint32_t t1000 = mb.type({}, Bytes(1000, kI32));
  uint32_t t912 = mb.type({}, Bytes(912, kI32));
  Bytes code{kBlock, kVoid, kI32Const, 0x01, kBrIf, 0x00};
  Bytes blk{kBlock};
  putU(blk, t1000);
  put(blk, {kUnreachable, kEnd});
  repeat(code, blk, 536870);
  code.push_back(kBlock);
  putU(code, t912);
  put(code, {kUnreachable, kEnd, kUnreachable, kEnd});
  put(code, {kLocalGet, 0, kLocalGet, 0, kLocalGet, 0, kLocalGet, 0, kBlock, kVoid, kEnd, kI64Add, kI64Add,
             kI64Add, kEnd});
  mb.exportFunc("f", mb.func(tf, {}, code));
  return mb.build();
}

// Finding 2: `calls` calls of a function taking and returning 1000 i64s: 2 bytes of Wasm,
// about 30 kB of machine code each.
Bytes codeBombModule(uint32_t calls) {
  ModuleBuilder mb;
  uint32_t tid = mb.type(Bytes(1000, kI64), Bytes(1000, kI64));
  uint32_t tf = mb.type({}, {kI64});
  Bytes id;
  for (uint32_t i = 0; i < 1000; i++) {
    id.push_back(kLocalGet);
    putU(id, i);
  }
  id.push_back(kEnd);
  uint32_t fid = mb.func(tid, {}, id);
  Bytes code;
  for (uint32_t i = 0; i < 1000; i++) put(code, {kI64Const, uint8_t(i & 0x3F)});
  Bytes call{kCall};
  putU(call, fid);
  repeat(code, call, calls);
  for (uint32_t i = 0; i < 999; i++) code.push_back(kDrop);
  code.push_back(kEnd);
  mb.exportFunc("f", mb.func(tf, {}, code));
  return mb.build();
}

// Finding 5: `height` constants stay on the stack while `blocks` empty blocks follow (the
// compiler spilled the whole stack at every block). f returns height.
Bytes spillQuadraticModule(uint32_t height, uint32_t blocks) {
  Bytes code;
  for (uint32_t i = 0; i < height; i++) put(code, {kI32Const, 0x01});
  for (uint32_t i = 0; i < blocks; i++) put(code, {kBlock, kVoid, kEnd});
  for (uint32_t i = 1; i < height; i++) code.push_back(kI32Add);
  code.push_back(kEnd);
  return i32Func(code);
}

// Finding 5: f64.convert_i64_u; i64.trunc_f64_u, 2 bytes with slow paths and traps each,
// filling `funcs` functions of the largest body size.
Bytes convertBombModule(uint32_t funcs) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {kI64});
  for (uint32_t f = 0; f < funcs; f++) {
    Bytes code{kI64Const, 0x05};
    uint32_t pairs = (L::kMaxFunctionSize - 8) / 2;
    code.reserve(code.size() + 2 * size_t(pairs) + 1);
    for (uint32_t i = 0; i < pairs; i++) put(code, {0xBA, 0xB1});
    code.push_back(kEnd);
    uint32_t idx = mb.func(t, {}, code);
    if (f == 0) mb.exportFunc("f", idx);
  }
  return mb.build();
}

// Finding 5: br_tables in unreachable code aimed at a block of 1000 results, each
// checking 1000 values for 4 bytes.
Bytes brTableArityModule(uint32_t tables) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  uint32_t t1000 = mb.type({}, Bytes(1000, kI32));
  Bytes code{kBlock};
  putU(code, t1000);
  code.push_back(kUnreachable);
  Bytes bt{kBrTable, 0x01, 0x00, 0x00};
  repeat(code, bt, tables);
  put(code, {kEnd, kDrop});
  for (int i = 1; i < 1000; i++) code.push_back(kDrop);
  code.push_back(kEnd);
  mb.exportFunc("f", mb.func(t, {}, code));
  return mb.build();
}

// The same with distinct targets: `depth` nested blocks of 1000 results, and br_tables
// naming every one of them.
Bytes brTableDistinctModule(uint32_t depth, uint32_t tables) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  uint32_t t1000 = mb.type({}, Bytes(1000, kI32));
  Bytes code;
  for (uint32_t i = 0; i < depth; i++) {
    code.push_back(kBlock);
    putU(code, t1000);
  }
  code.push_back(kUnreachable);
  Bytes bt{kBrTable};
  putU(bt, depth - 1);
  for (uint32_t i = 0; i < depth; i++) putU(bt, i);
  repeat(code, bt, tables);
  for (uint32_t i = 0; i < depth; i++) {
    code.push_back(kEnd);
    code.insert(code.end(), 1000, kDrop);
    if (i + 1 < depth) code.push_back(kUnreachable);
  }
  code.push_back(kEnd);
  mb.exportFunc("f", mb.func(t, {}, code));
  return mb.build();
}

// Finding 5: br_tables deep inside `depth` nested blocks (the compiler allocated vectors
// of the nesting depth per br_table). Each sits in a block of its own and takes its
// default, to the end of that block, so all of them run. f returns 9.
Bytes brTableDeepModule(uint32_t depth, uint32_t tables) {
  Bytes code{kI32Const, 0x05, kLocalSet, 0x00};
  for (uint32_t i = 0; i < depth; i++) put(code, {kBlock, kVoid});
  Bytes bt{kBlock, kVoid, kLocalGet, 0x00, kBrTable, 0x02, 0x00, 0x01, 0x00, kEnd};
  repeat(code, bt, tables);
  code.insert(code.end(), depth, kEnd);
  put(code, {kI32Const, 0x09, kEnd});
  return i32Func(code, {{1, kI32}});
}

// One function, and a name section with `names` function names of `length` bytes each
// (decoded and kept for backtraces, whether or not the functions exist).
Bytes namesModule(uint32_t names, uint32_t length) {
  Bytes out = oneFunc({kEnd});
  Bytes entries;
  putU(entries, names);
  std::string name(length, 'n');
  for (uint32_t i = 0; i < names; i++) {
    putU(entries, i);
    putName(entries, name);
  }
  Bytes payload;
  putName(payload, "name");
  payload.push_back(1);  // function names
  putU(payload, entries.size());
  putBytes(payload, entries);
  out.push_back(0);  // a custom section
  putU(out, payload.size());
  putBytes(out, payload);
  return out;
}

// Function 0 (exported, () -> i32, returns 7) calls the last of `funcs` functions
// `calls` times: every call is a fixup that waits for that function's code, and the
// functions in between must not look at the waiting ones again.
Bytes forwardCallsModule(uint32_t funcs, uint32_t calls) {
  ModuleBuilder mb;
  uint32_t tv = mb.type({}, {});
  uint32_t ti = mb.type({}, {kI32});
  Bytes code;
  code.reserve(size_t(calls) * 4 + 3);
  for (uint32_t i = 0; i < calls; i++) {
    code.push_back(kCall);
    putU(code, funcs - 1);
  }
  put(code, {kI32Const, 0x07, kEnd});
  mb.exportFunc("f", mb.func(ti, {}, code));
  for (uint32_t i = 1; i < funcs; i++) mb.func(tv, {}, {kEnd});
  return mb.build();
}

// Functions of 6 bytes declaring the most locals each: the locals are set up per function.
Bytes localsBombModule(uint32_t funcs) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  for (uint32_t i = 0; i < funcs; i++) mb.func(t, {{L::kMaxFunctionLocals, kI64}}, {kEnd});
  return mb.build();
}

// Lazy local references deep in a tall stack, then writes to those locals (the compiler
// scanned the whole stack for references at each write). f returns the sum.
Bytes lazyLocalsModule(uint32_t locals, uint32_t height, uint32_t writes) {
  Bytes code;
  for (uint32_t i = 0; i < locals; i++) {
    code.push_back(kLocalGet);
    putU(code, i);
  }
  for (uint32_t i = 0; i < height; i++) put(code, {kI32Const, 0x00});
  for (uint32_t w = 0; w < writes; w++) {
    uint32_t x = w % locals;
    put(code, {kI32Const, 0x01, kLocalSet});
    putU(code, x);
  }
  for (uint32_t i = 1; i < locals + height; i++) code.push_back(kI32Add);
  code.push_back(kEnd);
  return i32Func(code, {{locals, kI32}});
}

// The most machine code per byte without arity: locals so hot (in loops nested 4 deep)
// that they get every register home, the 8 that calls clobber included, and a function
// that calls another `calls` times outside the loops, saving and reloading those 8
// around each call.
Bytes callHomesModule(uint32_t calls) {
  ModuleBuilder mb;
  uint32_t tv = mb.type({}, {});
  uint32_t fe = mb.func(tv, {}, {kEnd});
  uint32_t t = mb.type({}, {kI32});
  Bytes code;
  for (int d = 0; d < 4; d++) put(code, {kLoop, kVoid});
  uint32_t uses = calls / 2048 + 2;
  for (uint32_t k = 0; k < uses; k++) {
    for (uint8_t i = 0; i < 8; i++) put(code, {kLocalGet, i, kI32Const, 0x01, kI32Add, kLocalSet, i});
    for (uint8_t i = 8; i < 19; i++) put(code, {kLocalGet, i, kLocalGet, i, 0xA0, kLocalSet, i});  // f64.add
  }
  code.insert(code.end(), 4, kEnd);
  Bytes call{kCall};
  putU(call, fe);
  repeat(code, call, calls);
  put(code, {kLocalGet, 0x00, kEnd});
  mb.exportFunc("f", mb.func(t, {{8, kI32}, {11, kF64}}, code));
  return mb.build();
}

// memory.copy of zero bytes, the most helper calls per byte.
Bytes bulkCallsModule(uint32_t copies) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {kI32});
  mb.memory(1);
  Bytes code;
  Bytes copy{kI32Const, 0x00, kI32Const, 0x00, kI32Const, 0x00, 0xFC, 0x0A, 0x00, 0x00};
  repeat(code, copy, copies);
  put(code, {kI32Const, 0x04, kEnd});
  mb.exportFunc("f", mb.func(t, {}, code));
  return mb.build();
}

Bytes recursionModule() {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {kI32});
  // f: call f; i32.const 1; i32.add
  mb.exportFunc("f", mb.func(t, {}, {kCall, 0x00, kI32Const, 0x01, kI32Add, kEnd}));
  return mb.build();
}

Bytes endlessLoopModule() {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  mb.exportFunc("f", mb.func(t, {}, {kLoop, kVoid, kBr, 0x00, kEnd, kEnd}));
  return mb.build();
}

// One table of `min` elements filled by table.fill, instantiation under a memory limit.
Bytes bigTableModule(uint32_t min) { return tableSizeModule(min); }

// A first function that does not validate, then `bodies` bodies of the largest size:
// malformed bytes in a later body win over the validation error, so every byte after it
// is scanned (that scan did not poll the interrupt).
Bytes scanAfterErrorModule(uint32_t bodies) {
  ModuleBuilder mb;
  uint32_t t = mb.type({}, {});
  mb.func(t, {}, {kI32Const, 0x00, kEnd});  // leaves a value: type mismatch
  Bytes nops(L::kMaxFunctionSize - 8, kNop);
  nops.push_back(kEnd);
  for (uint32_t i = 0; i < bodies; i++) mb.func(t, {}, nops);
  return mb.build();
}

std::vector<Case> makeCases() {
  std::vector<Case> c;
  auto ok = [&](std::string name, std::string what, std::function<Bytes()> build) -> Case& {
    Case k;
    k.name = std::move(name);
    k.what = std::move(what);
    k.build = std::move(build);
    c.push_back(std::move(k));
    return c.back();
  };
  auto fails = [&](std::string name, std::string what, ErrorKind kind, std::string text,
                   std::function<Bytes()> build) -> Case& {
    Case& k = ok(std::move(name), std::move(what), std::move(build));
    k.compiles = false;
    k.errorKind = kind;
    k.errorText = std::move(text);
    return k;
  };
  auto runs = [&](Case& k, uint64_t result) {
    k.invoke = "f";
    k.result = result;
  };

  // --- every implementation limit, at the limit and one past it -------------------------
  ok("types_at", "1M function types", [] { return typesModule(L::kMaxTypes); });
  fails("types_past", "1M+1 function types", ErrorKind::Limit, "too many type",
        [] { return typesModule(L::kMaxTypes + 1); });
  ok("functions_at", "1M functions", [] { return functionsModule(L::kMaxFunctions); });
  fails("functions_past", "1M+1 functions", ErrorKind::Limit, "too many function",
        [] { return functionsModule(L::kMaxFunctions + 1); });
  ok("imports_at", "100k imports", [] { return importsModule(L::kMaxImports); });
  fails("imports_past", "100k+1 imports", ErrorKind::Limit, "too many import",
        [] { return importsModule(L::kMaxImports + 1); });
  ok("exports_at", "100k exports", [] { return exportsModule(L::kMaxExports); });
  fails("exports_past", "100k+1 exports", ErrorKind::Limit, "too many export",
        [] { return exportsModule(L::kMaxExports + 1); });
  ok("globals_at", "1M globals", [] { return globalsModule(L::kMaxGlobals); }).instantiate = true;
  fails("globals_past", "1M+1 globals", ErrorKind::Limit, "too many global",
        [] { return globalsModule(L::kMaxGlobals + 1); });
  ok("tables_at", "100k tables", [] { return tablesModule(L::kMaxTables); }).instantiate = true;
  fails("tables_past", "100k+1 tables", ErrorKind::Limit, "too many table",
        [] { return tablesModule(L::kMaxTables + 1); });
  ok("table_size_at", "a table of 10M elements", [] { return tableSizeModule(L::kMaxTableSize); })
      .instantiate = true;
  fails("table_size_past", "a table of 10M+1 elements", ErrorKind::Limit, "table of 10000001 elements",
        [] { return tableSizeModule(L::kMaxTableSize + 1); });
  ok("data_segments_at", "100k data segments", [] { return dataSegmentsModule(L::kMaxDataSegments); })
      .instantiate = true;
  fails("data_segments_past", "100k+1 data segments", ErrorKind::Limit, "too many data segment",
        [] { return dataSegmentsModule(L::kMaxDataSegments + 1); });
  ok("elem_segments_at", "100k element segments", [] { return elemSegmentsModule(L::kMaxElemSegments); })
      .instantiate = true;
  fails("elem_segments_past", "100k+1 element segments", ErrorKind::Limit, "too many element segment",
        [] { return elemSegmentsModule(L::kMaxElemSegments + 1); });
  ok("elem_segment_size_at", "a segment of 10M elements",
     [] { return elemItemsModule({L::kMaxElemSegmentSize}); })
      .instantiate = true;
  fails("elem_segment_size_past", "a segment of 10M+1 elements", ErrorKind::Limit, "too many element",
        [] { return elemItemsModule({L::kMaxElemSegmentSize + 1}); });
  fails("elem_items_past", "10M+1 elements in two segments", ErrorKind::Limit, "too many element",
        [] { return elemItemsModule({L::kMaxElemItems / 2, L::kMaxElemItems / 2 + 1}); });
  ok("function_size_at", "a body of 7,654,321 bytes", [] { return functionSizeModule(L::kMaxFunctionSize); });
  fails("function_size_past", "a body of 7,654,322 bytes", ErrorKind::Limit, "exceeds the limit",
        [] { return functionSizeModule(L::kMaxFunctionSize + 1); });
  ok("locals_at", "50,000 locals", [] { return localsModule(L::kMaxFunctionLocals); });
  fails("locals_past", "50,001 locals", ErrorKind::Limit, "locals, the limit",
        [] { return localsModule(L::kMaxFunctionLocals + 1); });
  ok("params_at", "1,000 parameters", [] { return paramsModule(L::kMaxFunctionParams); });
  fails("params_past", "1,001 parameters", ErrorKind::Limit, "too many parameter",
        [] { return paramsModule(L::kMaxFunctionParams + 1); });
  runs(ok("results_at", "1,000 results", [] { return resultsModule(L::kMaxFunctionResults); }), 0);
  fails("results_past", "1,001 results", ErrorKind::Limit, "too many result",
        [] { return resultsModule(L::kMaxFunctionResults + 1); });
  runs(ok("br_table_at", "a br_table of 65,520 labels", [] { return brTableModule(L::kMaxBrTableSize); }), 7);
  fails("br_table_past", "a br_table of 65,521 labels", ErrorKind::Limit, "br_table of 65521 labels",
        [] { return brTableModule(L::kMaxBrTableSize + 1); });
  ok("string_at", "a name of 100,000 bytes", [] { return stringModule(L::kMaxStringSize); });
  fails("string_past", "a name of 100,001 bytes", ErrorKind::Limit, "100001",
        [] { return stringModule(L::kMaxStringSize + 1); });
  runs(ok("stack_height_at", "50,000 values on the operand stack",
          [] { return stackHeightModule(L::kMaxOperandStackHeight); }),
       L::kMaxOperandStackHeight);
  fails("stack_height_past", "50,001 values on the operand stack", ErrorKind::Limit, "operand stack",
        [] { return stackHeightModule(L::kMaxOperandStackHeight + 1); });
  runs(ok("nesting_at", "blocks nested 50,000 deep", [] { return nestingModule(L::kMaxControlDepth - 1); }), 3);
  fails("nesting_past", "blocks nested 50,001 deep", ErrorKind::Limit, "nest deeper",
        [] { return nestingModule(L::kMaxControlDepth); });
  {
    Case& k = ok("memory_pages_at", "a memory of 65,536 pages (4 GiB), over the store's limit",
                 [] { return memoryModule(L::kMaxMemoryPages, -1); });
    k.instantiate = true;
    k.storeMemory = uint64_t(128) << 20;
    k.instantiateError = "exceeds the memory limit";
  }
  fails("memory_pages_past", "a memory of at most 65,537 pages", ErrorKind::Invalid, "at most 65536 pages",
        [] { return memoryModule(0, L::kMaxMemoryPages + 1); });
  fails("code_bytes_past", "3M calls, each saving and reloading 8 register homes: more machine code "
        "than the module may make", ErrorKind::Limit, "machine code", [] { return callHomesModule(3000000); });
  runs(ok("code_bytes_within", "the same with 10,000 calls, within the code budget",
          [] { return callHomesModule(10000); }),
       10000 / 2048 + 2);

  // --- findings and shapes ----------------------------------------------------------------
  fails("f1_stack_smash", "finding 1: unreachable multi-value blocks raising the stack to 2^29",
        ErrorKind::Limit, "operand stack", stackSmashModule);
  fails("f2_code_bomb", "finding 2: 70,000 calls of a 1000-value function (2.2 GB of code)", ErrorKind::Limit,
        "compile work", [] { return codeBombModule(70000); });
  runs(ok("f2_code_bomb_small", "finding 2 at a size within the budget: 20 such calls",
          [] { return codeBombModule(20); }),
       0);
  runs(ok("f5_spill_quadratic", "finding 5: 49,000 values on the stack, 100,000 blocks after them",
          [] { return spillQuadraticModule(49000, 100000); }),
       49000);
  fails("f5_convert_bomb", "finding 5: f64.convert_i64_u; i64.trunc_f64_u over 15 MB (64 bytes of code each)",
        ErrorKind::Limit, "machine code", [] { return convertBombModule(2); });
  fails("f5_br_table_arity", "finding 5: 1.7M br_tables at a block of 1000 results", ErrorKind::Limit,
        "compile work", [] { return brTableArityModule(1700000); });
  fails("br_table_distinct", "br_tables naming 1000 distinct blocks of 1000 results", ErrorKind::Limit,
        "compile work", [] { return brTableDistinctModule(1000, 2000); });
  runs(ok("f5_br_table_deep", "finding 5: 100,000 br_tables 49,000 blocks deep",
          [] { return brTableDeepModule(49000, 100000); }),
       9);
  fails("locals_bomb", "100,000 functions of 6 bytes with 50,000 locals each", ErrorKind::Limit,
        "compile work", [] { return localsBombModule(100000); });
  fails("scan_after_error", "a validation error, then eight bodies of 7.6 MB scanned for malformed bytes",
        ErrorKind::Invalid, "type mismatch", [] { return scanAfterErrorModule(8); });
  ok("names_at", "1M function names of 16 bytes", [] { return namesModule(L::kMaxFunctions, 16); });
  ok("names_past", "1M+1 function names: the name section is ignored",
     [] { return namesModule(L::kMaxFunctions + 1, 16); });
  runs(ok("forward_calls", "1M calls to the last of 1M functions, compiled after all the others",
          [] { return forwardCallsModule(L::kMaxFunctions, 1000000); }),
       7);
  runs(ok("lazy_locals", "1,000 lazy local references under 40,000 values, then 1M writes",
          [] { return lazyLocalsModule(1000, 40000, 1000000); }),
       0);
  runs(ok("bulk_calls", "700,000 memory.copy calls into the runtime", [] { return bulkCallsModule(700000); }),
       4);
  {
    Case& k = ok("deep_recursion", "endless recursion", recursionModule);
    k.invoke = "f";
    k.trap = TrapKind::StackExhausted;
  }
  {
    Case& k = ok("endless_loop", "an endless loop, metered", endlessLoopModule);
    k.invoke = "f";
    k.trap = TrapKind::FuelExhausted;
    k.fuel = true;
  }
  {
    Case& k = ok("table_memory", "a table of 10M elements (80 MB) under a 64 MB memory limit",
                 [] { return bigTableModule(L::kMaxTableSize); });
    k.instantiate = true;
    k.storeMemory = uint64_t(64) << 20;
    k.instantiateError = "memory limit";
  }
  return c;
}

}  // namespace

const std::vector<Case>& cases() {
  static const std::vector<Case> all = makeCases();
  return all;
}

const Case* findCase(const std::string& name) {
  for (const Case& c : cases())
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace wasm::hostile
