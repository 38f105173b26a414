// .env files -> the parser -> the whole configuration. Invariants: only ConfigError escapes.
#include "ops/config.hpp"

using namespace taskcore::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)load_config(parse_dotenv(text), false);
    } catch (const ConfigError&) {
    }
    return 0;
}
