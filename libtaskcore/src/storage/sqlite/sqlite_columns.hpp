// The SQLite column lists the shared decoders read (storage/row_decoding.hpp), in their order.
#pragma once

namespace taskcore::sqlite {

inline constexpr const char* kTaskColumns =
    "id, user_id, title, description, completed, priority, due_date, tags, completed_at, "
    "created_at, updated_at";
inline constexpr const char* kConversationColumns = "id, user_id, title, created_at, updated_at";
inline constexpr const char* kMessageColumns =
    "id, user_id, conversation_id, role, content, created_at";

}  // namespace taskcore::sqlite
