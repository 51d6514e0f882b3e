// PG zone. The one place that includes PostgreSQL's headers, as C, for the extension's
// C++ files. Nothing under engine/ includes this.
#pragma once

// PostgreSQL's headers are C; as C++ they trip a few warnings that are not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wregister"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/event_trigger.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
}
#pragma GCC diagnostic pop

// For a file's own PostgreSQL headers, beyond these:
//   PGWASM_PG_HEADERS_BEGIN
//   #include "access/genam.h"
//   PGWASM_PG_HEADERS_END
#define PGWASM_PG_HEADERS_BEGIN                                        \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wunused-parameter\"") \
      _Pragma("GCC diagnostic ignored \"-Wregister\"") extern "C" {
#define PGWASM_PG_HEADERS_END } _Pragma("GCC diagnostic pop")
