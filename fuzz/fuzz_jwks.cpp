// JWK sets -> JwkSet::parse (every key type, curve and RSA size check). Invariants: only
// InvalidJwkError escapes; a parsed set's keys are findable.
#include <cstdlib>

#include "taskcore/auth/jwk.hpp"

using namespace taskcore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto set = JwkSet::parse(text);
        if (set.size() == 1 && set.find(std::nullopt) == nullptr) std::abort();
    } catch (const InvalidJwkError&) {
    }
    return 0;
}
