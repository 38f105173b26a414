// taskcore-server entry point: reads the command line and the configuration, runs one command
// (serve by default; the rest are in app/).
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/server_lifecycle.hpp"
#include "ops/config.hpp"
#include "ops/logger.hpp"
#include "taskcore/version.hpp"

namespace {

using namespace taskcore;
using namespace taskcore::server;

constexpr const char* kUsage = R"(taskcore-server: task and chat-history REST API

usage: taskcore-server [command]

commands:
  serve           run the HTTP server (default); applies pending migrations first
  migrate         apply pending database migrations and exit
  seed [--reset]  create demo users with tasks and a conversation; print tokens to try the API
                  (--reset deletes the demo users' data first; nobody else's is touched)
  token USER [SECONDS]
                  print an HS256 token for USER signed with BETTER_AUTH_SECRET (default 1 h)
  version         print the version
  --help          this text

Configuration comes from the environment, then .env in the working directory; see .env.example.
)";

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const std::string command = args.empty() ? "serve" : args[0];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return 0;
    }
    if (command == "version" || command == "--version") {
        std::cout << "taskcore-server " << kVersion << "\n";
        return 0;
    }
    const bool known = command == "serve" || command == "migrate" || command == "seed" ||
                       (command == "token" && (args.size() == 2 || args.size() == 3));
    const bool reset = command == "seed" && args.size() == 2 && args[1] == "--reset";
    if (!known || (args.size() > 1 && !reset && command != "token")) {
        std::cerr << "error: unknown command line '";
        for (std::size_t i = 0; i < args.size(); ++i) std::cerr << (i ? " " : "") << args[i];
        std::cerr << "'\n\n" << kUsage;
        return 2;
    }
    Config config;
    const std::filesystem::path dotenv_path = ".env";
    const Environment dotenv = read_dotenv(dotenv_path.string());
    try {
        config = load_config(with_process_environment(dotenv), command == "serve");
    } catch (const ConfigError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
    log::set_level(config.log_level);
    log::set_format(config.log_format);
    try {
        report_dotenv(dotenv_path, dotenv, command == "serve");
        for (const auto& w : config.warnings) log::warning(w);
        if (command == "serve") return ServerLifecycle(config).run();
        if (command == "token") return print_token(config, args);
        return migrate_and_seed(config, command == "seed", reset);
    } catch (const ConfigError& e) {
        log::error(e.what());
        return 2;
    } catch (const std::exception& e) {
        log::error(e.what());
        return 1;
    }
}
