// PG zone. Trigger functions.
//
// The export is (i32 event) -> i32 row (udf-sdk/ABI.md, "Triggers"). The event is one row
// argument, laid out by the row codec like any other:
//   (event int, name text, table_name text, table_schema text, args text[],
//    new <the table's row type>, old <the table's row type>, columns text[])
// event = operation (1 INSERT, 2 UPDATE, 4 DELETE, 8 TRUNCATE) | timing (16 BEFORE,
// 32 AFTER, 64 INSTEAD OF) | 128 for FOR EACH ROW; new and old are NULL where the event
// has none; columns names the row's fields (the table's live columns, in order). The result is read with the table's row codec: the row a BEFORE or INSTEAD OF
// row trigger returns for the operation (0, or pgwasm.return_null: none, so the operation
// is skipped for that row); other triggers' results are ignored. The codecs are the
// table's, resolved at the call site's first call in each statement (a trigger function
// can serve several tables, each with a call site of its own).
#include "trigger_function.h"

#include "call_site.h"

PGWASM_PG_HEADERS_BEGIN
#include "commands/trigger.h"
#include "utils/lsyscache.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

struct TriggerShape {
  Oid relid;
  uint64_t generation;
  MemoryContext cxt;
  TupleDesc eventDesc;  // the event row's columns (blessed)
  Datum columns;        // text[] of the table's live columns' names
  ValueCodec event;     // the argument
  ValueCodec row;       // the result: the table's row type
};

namespace {

constexpr int32 kInsert = 1, kUpdate = 2, kDelete = 4, kTruncate = 8;
constexpr int32 kBefore = 16, kAfter = 32, kInstead = 64, kRow = 128;
constexpr int kEventFields = 8;


// The call site's codecs for this table and statement: its shape's one argument is the
// event, its result the table's row.
void resolveTriggerShape(CallSite* fc, Relation rel, FmgrInfo* flinfo) {
  TriggerShape* t = fc->trigger;
  if (!t) {
    t = static_cast<TriggerShape*>(MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(TriggerShape)));
    t->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "wasm trigger shape", ALLOCSET_SMALL_SIZES);
    fc->trigger = t;
  }
  if (t->relid == RelationGetRelid(rel) && t->generation == fc->generation) return;
  t->relid = InvalidOid;  // until the end: a half-made shape is never used
  MemoryContextReset(t->cxt);
  MemoryContext old = MemoryContextSwitchTo(t->cxt);
  Oid rowType = rel->rd_rel->reltype;
  TupleDesc d = CreateTemplateTupleDesc(kEventFields);
  TupleDescInitEntry(d, 1, "event", INT4OID, -1, 0);
  TupleDescInitEntry(d, 2, "name", TEXTOID, -1, 0);
  TupleDescInitEntry(d, 3, "table_name", TEXTOID, -1, 0);
  TupleDescInitEntry(d, 4, "table_schema", TEXTOID, -1, 0);
  TupleDescInitEntry(d, 5, "args", TEXTARRAYOID, -1, 0);
  TupleDescInitEntry(d, 6, "new", rowType, -1, 0);
  TupleDescInitEntry(d, 7, "old", rowType, -1, 0);
  TupleDescInitEntry(d, 8, "columns", TEXTARRAYOID, -1, 0);
  t->eventDesc = BlessTupleDesc(d);
  uint32_t codecsLeft = kMaxCodecs;
  resolveCodec(&t->event, RECORDOID, t->eventDesc, 1, fc->name, t->cxt, &codecsLeft);
  resolveCodec(&t->row, rowType, nullptr, 0, fc->name, t->cxt, &codecsLeft);
  TupleDesc rd = RelationGetDescr(rel);
  Datum* names = static_cast<Datum*>(palloc(sizeof(Datum) * (rd->natts + 1)));
  int n = 0;
  for (int i = 0; i < rd->natts; i++)
    if (!TupleDescAttr(rd, i)->attisdropped) names[n++] = CStringGetTextDatum(NameStr(TupleDescAttr(rd, i)->attname));
  t->columns = PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
  MemoryContextSwitchTo(old);
  fc->shape.nargs = 1;
  fc->shape.args = &t->event;
  fc->shape.result = t->row;
  t->generation = fc->generation;
  t->relid = RelationGetRelid(rel);
}

Datum rowDatum(HeapTuple tuple, TupleDesc desc) { return heap_copy_tuple_as_datum(tuple, desc); }

// The event row of this firing.
Datum eventDatum(CallSite* fc, TriggerData* td) {
  TriggerEvent ev = td->tg_event;
  int32 code = TRIGGER_FIRED_BY_INSERT(ev)   ? kInsert
               : TRIGGER_FIRED_BY_UPDATE(ev) ? kUpdate
               : TRIGGER_FIRED_BY_DELETE(ev) ? kDelete
                                             : kTruncate;
  code |= TRIGGER_FIRED_BEFORE(ev) ? kBefore : TRIGGER_FIRED_AFTER(ev) ? kAfter : kInstead;
  if (TRIGGER_FIRED_FOR_ROW(ev)) code |= kRow;
  Relation rel = td->tg_relation;
  TupleDesc rd = RelationGetDescr(rel);
  Datum values[kEventFields];
  bool nulls[kEventFields] = {false, false, false, false, false, true, true, false};
  values[7] = fc->trigger->columns;
  values[0] = Int32GetDatum(code);
  values[1] = CStringGetTextDatum(td->tg_trigger->tgname);
  values[2] = CStringGetTextDatum(RelationGetRelationName(rel));
  char* schema = get_namespace_name(RelationGetNamespace(rel));
  values[3] = CStringGetTextDatum(schema ? schema : "");
  int nargs = td->tg_trigger->tgnargs;
  Datum* argv = static_cast<Datum*>(palloc(sizeof(Datum) * (nargs + 1)));
  for (int i = 0; i < nargs; i++) argv[i] = CStringGetTextDatum(td->tg_trigger->tgargs[i]);
  values[4] = PointerGetDatum(construct_array(argv, nargs, TEXTOID, -1, false, TYPALIGN_INT));
  if (TRIGGER_FIRED_FOR_ROW(ev)) {
    if (TRIGGER_FIRED_BY_INSERT(ev)) {
      values[5] = rowDatum(td->tg_trigtuple, rd);
      nulls[5] = false;
    } else if (TRIGGER_FIRED_BY_UPDATE(ev)) {
      values[5] = rowDatum(td->tg_newtuple, rd);
      values[6] = rowDatum(td->tg_trigtuple, rd);
      nulls[5] = nulls[6] = false;
    } else if (TRIGGER_FIRED_BY_DELETE(ev)) {
      values[6] = rowDatum(td->tg_trigtuple, rd);
      nulls[6] = false;
    }
  }
  HeapTuple t = heap_form_tuple(fc->trigger->eventDesc, values, nulls);
  return HeapTupleGetDatum(t);
}

}  // namespace

Datum callTrigger(FunctionCallInfo fcinfo) {
  TriggerData* td = reinterpret_cast<TriggerData*>(fcinfo->context);
  CallSite* fc = getCallSite(fcinfo);
  resolveTriggerShape(fc, td->tg_relation, fcinfo->flinfo);
  NullableDatum event{eventDatum(fc, td), false};
  ExportResult r = callExport(fc, &event);
  TriggerEvent ev = td->tg_event;
  bool rowResult = TRIGGER_FIRED_FOR_ROW(ev) && !TRIGGER_FIRED_AFTER(ev);
  if (!rowResult || fc->own->state.returnNull || uint32_t(r.bits) == 0) return PointerGetDatum(nullptr);
  Datum row = resultDatum(fc, fc->own, r.bits, r.fuelLeft, r.byCallLimit);  // checked: fields, domains
  HeapTupleHeader h = DatumGetHeapTupleHeader(row);
  HeapTupleData tuple;
  tuple.t_len = HeapTupleHeaderGetDatumLength(h);
  ItemPointerSetInvalid(&tuple.t_self);
  tuple.t_tableOid = RelationGetRelid(td->tg_relation);
  tuple.t_data = h;
  return PointerGetDatum(heap_copytuple(&tuple));
}

}  // namespace pgwasm
