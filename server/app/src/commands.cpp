// The one-shot commands: token, migrate, seed; and the .env report.
#include "app/commands.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <iostream>

#include "app/startup.hpp"
#include "ops/logger.hpp"
#include "ops/seed.hpp"
#include "taskcore/auth/jwt_signer.hpp"

namespace taskcore::server {

void report_dotenv(const std::filesystem::path& path, const Environment& dotenv, bool announce) {
    std::error_code ec;
    const auto where = std::filesystem::absolute(path, ec).string();
    if (!std::filesystem::exists(path, ec)) {
        if (announce) {
            log::info("no .env file at " + where +
                      "; configuration comes from the process environment only");
        }
        return;
    }
    if (announce) log::info("configuration: " + where + ", overridden by the process environment");
    for (const auto& warning : unknown_dotenv_keys(dotenv)) {
        log::warning(warning);
    }
}

int print_token(const Config& config, const std::vector<std::string>& args) {
    if (!config.better_auth_secret)
        throw ConfigError("BETTER_AUTH_SECRET: required to sign tokens");
    const long long ttl = args.size() == 3 ? std::stoll(args[2]) : 3600;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    boost::json::object claims{{"sub", args[1]}, {"iat", now}, {"exp", now + ttl}};
    if (config.jwt_issuer) claims["iss"] = *config.jwt_issuer;
    if (config.jwt_audience) claims["aud"] = *config.jwt_audience;
    std::cout << sign_hs256(claims, *config.better_auth_secret) << "\n";
    return 0;
}

int migrate_and_seed(const Config& config, bool seed, bool reset) {
    auto store = open_and_migrate(config);
    if (seed) run_seed(*store, config, reset, std::cout);
    return 0;
}

}  // namespace taskcore::server
