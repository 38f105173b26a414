// Text parameters for libpqxx statements, with SQL NULLs (Debian's libpqxx 6 lacks std::optional).
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taskcore/domain/errors.hpp"
#include "taskcore/domain/time.hpp"

namespace taskcore::postgres {

// Every value is sent as text and cast in SQL ($1::uuid, $2::timestamptz, ...), so one
// parameter type covers all statements and null is simply a null pointer.
class Params {
  public:
    // libpq sends text parameters as C strings, which end at U+0000: a value holding one would
    // be stored cut short. The services refuse such input; this refuses it again right where the
    // truncation would happen, so no path can store a value other than the one acknowledged.
    Params& text(std::string_view value) {
        if (value.find('\0') != std::string_view::npos) {
            throw StorageError("a text parameter contains U+0000; refusing to truncate it");
        }
        values_.emplace_back(std::string(value));
        return *this;
    }
    Params& null() {
        values_.emplace_back(std::nullopt);
        return *this;
    }
    Params& nullable_text(const std::optional<std::string>& value) {
        return value ? text(*value) : null();
    }
    Params& integer(std::int64_t value) { return text(std::to_string(value)); }
    Params& boolean(bool value) { return text(value ? "true" : "false"); }
    Params& time(Timestamp value) { return text(format_rfc3339(value)); }
    Params& nullable_time(const std::optional<Timestamp>& value) {
        return value ? time(*value) : null();
    }

    [[nodiscard]] std::size_t size() const { return values_.size(); }

    // The C strings libpqxx sends (null pointer = SQL NULL); valid while this object lives
    // unchanged.
    [[nodiscard]] std::vector<const char*> pointers() const {
        std::vector<const char*> out;
        out.reserve(values_.size());
        for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
        return out;
    }

  private:
    std::vector<std::optional<std::string>> values_;
};

}  // namespace taskcore::postgres
