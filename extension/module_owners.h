// PG zone. Role statements and module ownership (module_owners.cpp).
#pragma once

#include "pg.h"

namespace pgwasm {

// Around every utility statement (statement.cpp's ProcessUtility hook).
void beforeUtility(Node* stmt);
void afterUtility(Node* stmt);

}  // namespace pgwasm
