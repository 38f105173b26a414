// Entity tags (RFC 9110 §8.8.3) and the conditional request headers that compare them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_types.hpp"
#include "taskcore/domain/conversation.hpp"
#include "taskcore/domain/task.hpp"
#include "taskcore/domain/version.hpp"

namespace taskcore::server {

// A resource's strong tag, from its version: "\"v<updated_at ms>\"". A task's version changes on
// every write (the library moves updated_at on by 1 ms at least), so equal tags mean equal bytes.
std::string strong_etag(Timestamp version);

inline Timestamp version_of(const Task& t) {
    return t.updated_at;
}
inline Timestamp version_of(const Conversation& c) {
    return c.updated_at;
}
inline Timestamp version_of(const Message& m) {
    return m.created_at;  // messages never change
}

// The version a strong tag of ours names ("\"v1733...\"", quotes optional), or nullopt.
std::optional<Timestamp> version_of_etag(std::string_view tag);

// If-Match as a precondition for the library's conditional writes: no header or "*" is
// unconditional; otherwise the strong tags of ours it lists (weak tags never match If-Match,
// which compares strongly; tags not of ours match nothing).
Precondition if_match(const Request& request);

// True when If-None-Match lists `etag` (weak comparison) or is "*": a GET answers 304.
bool none_match(const Request& request, std::string_view etag);

// A list page's weak tag: a hash of what the page shows (each item's id and version, the total,
// the page bounds), so it changes whenever the page's content would.
class PageTag {
  public:
    template <typename T>
    PageTag(const Page<T>& page, int limit, std::int64_t offset) {
        for (const auto& item : page.items) add(item.id, version_of(item));
        add_number(page.total);
        add_number(page.has_more ? 1 : 0);  // the next_cursor appears or goes
        add_number(limit);
        add_number(offset);
    }
    [[nodiscard]] std::string etag() const;

  private:
    void add(const Uuid& id, Timestamp version);
    void add_number(std::int64_t n);
    void add_word(std::uint64_t word);
    std::uint64_t hash_ = 14695981039346656037ULL;  // FNV-1a offset basis
};

}  // namespace taskcore::server
