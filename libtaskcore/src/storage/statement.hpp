// A SQL statement with the name the code gave it; each backend prepares it once per connection
// under that name (no hashing of SQL text, so no two shapes can share a name by accident).
#pragma once

#include <string>

namespace taskcore::storage {

struct Statement {
    std::string name;  // unique per distinct SQL text; the list shapes put their shape in it
    std::string sql;
};

}  // namespace taskcore::storage
