// UTF-8 validation, counting, trimming and case folding.
#include "taskcore/domain/text.hpp"

#include <locale.h>
#include <wctype.h>

#include <cstdint>
#include <stdexcept>

namespace taskcore {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one code point at `pos` and advances it; kInvalid on malformed input.
char32_t decode(std::string_view s, std::size_t& pos) {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b0 < 0x80) {
        ++pos;
        return b0;
    } else if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1Fu, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0Fu, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4, cp = b0 & 0x07u, min = 0x10000;
    } else {
        return kInvalid;
    }
    if (pos + len > s.size()) return kInvalid;
    for (std::size_t i = 1; i < len; ++i) {
        const auto b = static_cast<unsigned char>(s[pos + i]);
        if ((b & 0xC0) != 0x80) return kInvalid;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
    pos += len;
    return cp;
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool is_space(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

// glibc's built-in C.UTF-8 locale carries the Unicode case tables, independent of the
// process locale and of any installed locale packages.
locale_t unicode_ctype() {
    static const locale_t loc = [] {
        locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
        if (l == static_cast<locale_t>(nullptr)) throw std::runtime_error("C.UTF-8 locale missing");
        return l;
    }();
    return loc;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        if (decode(text, pos) == kInvalid) return false;
    }
    return true;
}

std::string to_valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t start = pos;
        if (decode(text, pos) == kInvalid) {
            out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
            pos = start + 1;
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    return out;
}

std::size_t count_code_points(std::string_view text) {
    std::size_t n = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::string_view trim(std::string_view text) {
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t next = begin;
        const char32_t cp = decode(text, next);
        if (cp == kInvalid || !is_space(cp)) break;
        begin = next;
    }
    std::size_t end = begin;  // end of the last non-space code point
    for (std::size_t pos = begin; pos < text.size();) {
        const char32_t cp = decode(text, pos);
        if (cp == kInvalid) return text.substr(begin);
        if (!is_space(cp)) end = pos;
    }
    return text.substr(begin, end - begin);
}

std::string fold_case(std::string_view text) {
    const locale_t loc = unicode_ctype();
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const char32_t cp = decode(text, pos);
        if (cp == kInvalid) {
            ++pos;  // callers pass validated text; skip stray bytes defensively
            continue;
        }
        // lower(upper(c)) also folds characters like U+017F (long s) that have no lower form.
        const auto up = towupper_l(static_cast<wint_t>(cp), loc);
        encode(static_cast<char32_t>(towlower_l(up, loc)), out);
    }
    return out;
}

}  // namespace taskcore
