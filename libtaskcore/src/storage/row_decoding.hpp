// Rows -> domain values, shared by both backends. Each backend supplies a row adaptor with
// is_null(i), text(i), int64(i) and boolean(i); both select the columns in the order below
// (timestamps as Unix milliseconds, tags as JSON text). text(i) is a view into the row, valid
// while the row is: ids, enums and tags are read from it without a string of their own.
#pragma once

#include "storage/task_columns.hpp"
#include "taskcore/domain/change.hpp"
#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore::storage {

template <typename Row>
std::optional<Timestamp> optional_time(const Row& row, int i) {
    if (row.is_null(i)) return std::nullopt;
    return from_unix_ms(row.int64(i));
}

// id, user_id, title, description, completed, priority, due_date, tags, completed_at,
// created_at, updated_at
template <typename Row>
Task decode_task(const Row& r) {
    Task t;
    t.id = parse_uuid(r.text(0)).value();
    t.user_id = std::string(r.text(1));
    t.title = std::string(r.text(2));
    if (!r.is_null(3)) t.description = std::string(r.text(3));
    t.completed = r.boolean(4);
    t.priority = parse_priority(r.text(5)).value_or(Priority::medium);
    t.due_date = optional_time(r, 6);
    t.tags = tags_from_json(r.text(7));
    t.completed_at = optional_time(r, 8);
    t.created_at = from_unix_ms(r.int64(9));
    t.updated_at = from_unix_ms(r.int64(10));
    return t;
}

// id, user_id, title, created_at, updated_at
template <typename Row>
Conversation decode_conversation(const Row& r) {
    Conversation c;
    c.id = parse_uuid(r.text(0)).value();
    c.user_id = std::string(r.text(1));
    if (!r.is_null(2)) c.title = std::string(r.text(2));
    c.created_at = from_unix_ms(r.int64(3));
    c.updated_at = from_unix_ms(r.int64(4));
    return c;
}

// id, user_id, conversation_id, role, content, created_at
template <typename Row>
Message decode_message(const Row& r) {
    Message m;
    m.id = parse_uuid(r.text(0)).value();
    m.user_id = std::string(r.text(1));
    m.conversation_id = parse_uuid(r.text(2)).value();
    m.role = parse_message_role(r.text(3)).value_or(MessageRole::user);
    m.content = std::string(r.text(4));
    m.created_at = from_unix_ms(r.int64(5));
    return m;
}

// A row read from column `offset` on, so a decoder above can read its columns out of a join.
template <typename Row>
struct ShiftedRow {
    const Row& row;
    int offset;
    [[nodiscard]] bool is_null(int i) const { return row.is_null(i + offset); }
    [[nodiscard]] std::string_view text(int i) const { return row.text(i + offset); }
    [[nodiscard]] std::int64_t int64(int i) const { return row.int64(i + offset); }
    [[nodiscard]] bool boolean(int i) const { return row.boolean(i + offset); }
};

// A change-log row joined with its objects (both backends' "changes after" statement):
// seq, kind, op, resource_id, conversation_id, changed_at, then for each of tasks,
// conversations and messages its key (NULL when the object is gone or of another kind) and the
// columns of its decoder above.
inline constexpr int kChangeTaskKey = 6;
inline constexpr int kChangeConversationKey = kChangeTaskKey + 12;
inline constexpr int kChangeMessageKey = kChangeConversationKey + 6;

template <typename Row>
Change decode_change(const Row& r) {
    Change c;
    c.seq = r.int64(0);
    c.kind = parse_change_kind(r.text(1)).value_or(ChangeKind::task);
    c.op = parse_change_op(r.text(2)).value_or(ChangeOp::updated);
    c.id = parse_uuid(r.text(3)).value();
    if (!r.is_null(4)) c.conversation_id = parse_uuid(r.text(4)).value();
    c.at = from_unix_ms(r.int64(5));
    if (c.kind == ChangeKind::task && !r.is_null(kChangeTaskKey)) {
        c.current = decode_task(ShiftedRow<Row>{r, kChangeTaskKey + 1});
    } else if (c.kind == ChangeKind::conversation && !r.is_null(kChangeConversationKey)) {
        c.current = decode_conversation(ShiftedRow<Row>{r, kChangeConversationKey + 1});
    } else if (c.kind == ChangeKind::message && !r.is_null(kChangeMessageKey)) {
        c.current = decode_message(ShiftedRow<Row>{r, kChangeMessageKey + 1});
    }
    return c;
}

}  // namespace taskcore::storage
