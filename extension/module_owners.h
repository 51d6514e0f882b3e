// PG zone. Role statements and module ownership (module_owners.cpp).
#pragma once

#include "pg.h"

namespace pgwasm {

// Before every utility statement (statement.cpp's ProcessUtility hook): DROP ROLE and
// REASSIGN OWNED of module owners.
void beforeUtility(Node* stmt);

}  // namespace pgwasm
