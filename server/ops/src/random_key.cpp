// Random keys from OpenSSL's CSPRNG.
#include "ops/random_key.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace taskcore::server {

std::string random_key(std::size_t bytes) {
    std::string key(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(bytes)) != 1) {
        throw std::runtime_error("no random bytes for a key");
    }
    return key;
}

}  // namespace taskcore::server
