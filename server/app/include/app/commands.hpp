// The binary's commands other than `serve`, and how it reports where configuration came from.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ops/config.hpp"

namespace taskcore::server {

// The .env file looked for (by its absolute path, so a server started in the wrong directory
// says so) and any key in it the server does not read.
void report_dotenv(const std::filesystem::path& path, const Environment& dotenv, bool announce);

// `token USER [SECONDS]`: an HS256 token signed with BETTER_AUTH_SECRET (default 1 h).
int print_token(const Config& config, const std::vector<std::string>& args);

// `migrate`, and `seed [--reset]`: both migrate first.
int migrate_and_seed(const Config& config, bool seed, bool reset);

}  // namespace taskcore::server
