// Opaque keyset cursors of the list use cases: where the next page starts and, for tasks, the
// filters and sort the list was asked with, so a cursor only ever continues the list it came
// from. URL-safe base64 of a versioned binary record with a SHA-256 check value: a cursor
// changed by even one character no longer decodes. Not secret (it holds the sort value of the
// last item the client was shown) and not needing to be: every list is scoped by the user.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/page.hpp"
#include "taskcore/domain/task.hpp"

namespace taskcore {

// The position just after `last` in the order `query` sorts by.
TaskPosition task_position(const TaskListQuery& query, const Task& last);

// The cursor of the page after `page`: nullopt when no rows follow it (page.has_more false).
std::optional<std::string> next_task_cursor(const TaskListQuery& query, const Page<Task>& page);
std::optional<std::string> next_conversation_cursor(const Page<Conversation>& page);
std::optional<std::string> next_message_cursor(const Uuid& conversation_id,
                                               const Page<Message>& page);

// nullopt when `cursor` is not a cursor of that list: tampered, cut short, of another list or
// (messages) of another conversation. A task cursor gives back the filters, the sort and
// `after`; its limit and offset are the defaults.
std::optional<TaskListQuery> decode_task_cursor(std::string_view cursor);
std::optional<KeysetPosition> decode_conversation_cursor(std::string_view cursor);
std::optional<KeysetPosition> decode_message_cursor(std::string_view cursor,
                                                    const Uuid& conversation_id);

}  // namespace taskcore
