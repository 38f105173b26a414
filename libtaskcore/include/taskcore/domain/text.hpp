// UTF-8 text helpers: validation, code point counting, trimming and Unicode case folding.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace taskcore {

// Strict UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD: safe to echo back in JSON.
std::string to_valid_utf8(std::string_view text);

// Number of code points of valid UTF-8 text.
std::size_t count_code_points(std::string_view text);

// Removes leading and trailing Unicode white space (ASCII space/controls, NBSP, U+2000..U+200A,
// U+2028/2029, U+202F, U+205F, U+3000, U+0085, U+1680).
std::string_view trim(std::string_view text);

// Simple Unicode case folding of valid UTF-8 (so "ÜBER" and "über" compare equal). Used for
// case-insensitive search identically by every storage backend.
std::string fold_case(std::string_view text);

}  // namespace taskcore
