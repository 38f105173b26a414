// The change log's trigger function, in the versions the PostgreSQL migrations created.
#include "pg_change_log_function.hpp"

#include <string>

namespace taskcore::postgres {
namespace {

// The wake-up: the user and seq only, never the data.
std::string notify_step(Notify notify) {
    if (notify == Notify::never) return {};
    const std::string test = notify == Notify::unless_off ? "IS DISTINCT FROM 'off'" : "= 'on'";
    return "    IF current_setting('taskcore.notify', true) " + test +
           " THEN\n"
           "        PERFORM pg_notify('taskcore_changes', next_seq::text || ' ' || row_user);\n"
           "    END IF;\n";
}

}  // namespace

// The change log's trigger function: one text, so the versions differ only in the NOTIFY step.
// Every value the INSERT sends is a plain variable: Citus ships the trigger's statements to
// the shard as deparsed SQL, and deparses a simple CASE over TG_OP into `text = boolean`.
std::string_view log_change_function(Notify notify) {
    static const auto text = [](Notify with) {
        return std::string(with == Notify::never ? "CREATE" : "CREATE OR REPLACE") +
               R"sql( FUNCTION taskcore_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_user  text;
    row_id    uuid;
    parent    uuid;
    next_seq  bigint;
    change_op text;
    row_kind  text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_user := OLD.user_id;
        row_id := OLD.id;
        change_op := 'deleted';
    ELSE
        row_user := NEW.user_id;
        row_id := NEW.id;
        change_op := CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END;
    END IF;
    IF row_kind = 'message' THEN
        parent := NEW.conversation_id;
    END IF;
    INSERT INTO change_counters AS c (user_id, seq) VALUES (row_user, 1)
        ON CONFLICT (user_id) DO UPDATE SET seq = c.seq + 1
        RETURNING c.seq INTO next_seq;
    INSERT INTO changes (user_id, seq, kind, op, resource_id, conversation_id, changed_at)
        VALUES (row_user, next_seq, row_kind, change_op, row_id, parent, clock_timestamp());
)sql" + notify_step(with) +
               R"sql(    RETURN NULL;
END
$$)sql";
    };
    static const std::string never = text(Notify::never);
    static const std::string unless_off = text(Notify::unless_off);
    static const std::string when_on = text(Notify::when_on);
    switch (notify) {
        case Notify::never:
            return never;
        case Notify::unless_off:
            return unless_off;
        case Notify::when_on:
            break;
    }
    return when_on;
}

}  // namespace taskcore::postgres
