// Keys of this process only, for what has no configured key (log hashes, event-stream tickets).
#pragma once

#include <cstddef>
#include <string>

namespace taskcore::server {

// `bytes` random bytes from OpenSSL; throws std::runtime_error when there are none.
std::string random_key(std::size_t bytes = 32);

}  // namespace taskcore::server
