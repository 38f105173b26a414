// Every SQL text of the PostgreSQL backend, shared by the blocking repositories (libpqxx) and the
// pipelined reads (libpq on an event loop), so both paths run the very same statements.
#pragma once

#include <string>
#include <string_view>

#include "pg_params.hpp"
#include "storage/statement.hpp"
#include "taskcore/domain/page.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore::postgres::sql {

using storage::Statement;

// Tasks. Rows are in the column order of storage/row_decoding.hpp.
extern const Statement kTaskInsert;
extern const Statement kTaskFind;  // $1 user, $2 id
extern const Statement kTaskUpdate;
extern const Statement kTaskSetCompleted;
extern const Statement kTaskDelete;
extern const Statement kTaskCounts;  // $1 user -> total, completed
// The column after the task columns where list_with_counts puts total and completed.
inline constexpr int kCountsColumn = 11;

// The statements of one task list query, with their parameters.
struct TaskList {
    // With only a status filter the trigger-maintained counts give the total, and one statement
    // (one snapshot, one round trip) returns the page together with them; an empty page falls
    // back to the snapshot path.
    bool counts_answer = false;
    Statement rows_with_counts;  // page params
    Statement count;             // filter params
    Statement rows;              // page params
    Params filters;
    Params page;
    Params user_only;
};
TaskList task_list(std::string_view user_id, const TaskListQuery& query);

// Conversations and messages.
extern const Statement kConversationInsert;
extern const Statement kConversationFind;   // $1 user, $2 id
extern const Statement kConversationCount;  // $1 user
extern const Statement kConversationDelete;
extern const Statement kMessageAppend;
extern const Statement kConversationExists;  // $1 user, $2 conversation
extern const Statement kMessageCount;        // $1 user, $2 conversation

// A page of conversations (newest first) or of one conversation's messages (oldest first), by
// offset or after a keyset position; reads one row more than the page (storage::finish_page).
struct ListStatement {
    Statement statement;
    Params params;
};
ListStatement conversation_list(std::string_view user_id, const PageRequest& page);
ListStatement message_list(std::string_view user_id, const Uuid& conversation_id,
                           const PageRequest& page);

// A read-only REPEATABLE READ snapshot around several reads (the pipeline's BEGIN/COMMIT; the
// blocking path lets libpqxx's transaction class send the same).
// Idempotency keys (pg_idempotency_repository.cpp).
extern const Statement kIdempotencyFind;    // $1 user, $2 key, $3 not_before
extern const Statement kIdempotencyInsert;  // ... $9 not_before: replaces only an expired row
extern const Statement kIdempotencyPrune;   // $1 before

extern const Statement kChangesAfter;   // $1 user, $2 since, $3 rows (decode_change)
extern const Statement kChangesLatest;  // $1 user -> seq (no row before the first write)
extern const Statement kChangesPrune;   // $1 before

extern const Statement kTicketUse;    // $1 user, $2 ticket id, $3 expires_at: 0 rows if used
extern const Statement kTicketPrune;  // $1 before

extern const Statement kBeginSnapshot;
extern const Statement kCommit;
extern const Statement kPing;

}  // namespace taskcore::postgres::sql
