// PG zone. Text that comes from a module or a guest, made fit for the database: every
// message, row and log line PostgreSQL sends must be valid in the database encoding.
#pragma once

#include <cstddef>

#include "pg.h"

namespace pgwasm {

// A valid UTF-8 string (a module's names) in the database encoding, each character that
// encoding lacks written as \uXXXX (as in JSON). palloc'd.
char* serverText(const char* utf8);

// Bytes a guest wrote (meant as UTF-8, but anything): each byte that does not begin a
// valid UTF-8 character, and NUL, becomes '?', then as serverText. palloc'd.
char* guestText(const char* bytes, size_t len);

}  // namespace pgwasm
