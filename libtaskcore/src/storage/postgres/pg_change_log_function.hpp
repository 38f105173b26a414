// The text of the change log's trigger function (PostgreSQL migrations 5, 6 and 7).
#pragma once

#include <string_view>

namespace taskcore::postgres {

// Which change-log writes NOTIFY the LISTENing instances at commit (change_listener.hpp):
// migration 5 none, migration 6 every session but those with taskcore.notify = 'off', and from
// migration 7 only sessions that ask with taskcore.notify = 'on' (StoreOptions::notify_changes).
// A server announces its own writes after commit instead (ChangeListener::announce), so the
// default stays right behind a transaction pooler, where session settings do not stick, and on
// Citus, where the trigger runs on a worker nobody LISTENs to.
enum class Notify { never, unless_off, when_on };

// CREATE [OR REPLACE] FUNCTION taskcore_log_change() with the given NOTIFY step.
std::string_view log_change_function(Notify notify);

}  // namespace taskcore::postgres
