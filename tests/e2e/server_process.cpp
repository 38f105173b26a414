// Process control (fork/exec, signals) and a blocking HTTP client for the end-to-end tests.
#include "server_process.hpp"

#include <pwd.h>
#include <sys/resource.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/test_database.hpp"
#include "taskcore/auth/jwt_signer.hpp"
#include "taskcore/domain/uuid.hpp"

extern char** environ;  // NOLINT: POSIX

namespace taskcore::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;

ServerProcess::ServerProcess(std::map<std::string, std::string> env,
                             std::optional<std::string> database_url) {
    // The build passes the binary's path; TASKCORE_SERVER_BIN overrides it (e.g. an installed one).
    const char* bin = std::getenv("TASKCORE_SERVER_BIN");
    if (bin == nullptr) bin = TASKCORE_SERVER_BIN;
    dir_ =
        std::filesystem::temp_directory_path() / ("taskcore-e2e-" + generate_uuid_v7().to_string());
    std::filesystem::create_directories(dir_);

    if (database_url) {
        database_url_ = *database_url;
    } else {
        const char* url = std::getenv("TASKCORE_TEST_DATABASE_URL");
        database_url_ = url != nullptr && std::string(url) == "sqlite-temp-file"
                            ? "sqlite:///" + (dir_ / "e2e.db").string()
                            : resolve_test_database_url();
    }

    std::map<std::string, std::string> vars;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        const auto eq = entry.find('=');
        if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    vars["HOST"] = "127.0.0.1";
    vars["PORT"] = "0";
    vars["DATABASE_URL"] = database_url_;
    vars["THREADS"] = "2";
    for (auto& [k, v] : env) vars[k] = v;
    // Not the server's: the OS user to run it as (tests of file permissions, which root ignores).
    std::optional<passwd> run_as;
    if (const auto it = vars.find("TASKCORE_TEST_RUN_AS"); it != vars.end()) {
        const passwd* pw = getpwnam(it->second.c_str());
        if (pw == nullptr) throw std::runtime_error("no such user: " + it->second);
        run_as = *pw;
        vars.erase(it);
        std::filesystem::permissions(dir_, std::filesystem::perms::all);
    }
    // Not the server's either: a file-descriptor limit for the server process.
    std::optional<rlim_t> nofile;
    if (const auto it = vars.find("TASKCORE_TEST_NOFILE"); it != vars.end()) {
        nofile = static_cast<rlim_t>(std::stoul(it->second));
        vars.erase(it);
    }
    std::vector<std::string> storage;
    for (const auto& [k, v] : vars) storage.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : storage) envp.push_back(s.data());
    envp.push_back(nullptr);

    const auto log_path = (dir_ / "server.log").string();
    const auto dir = dir_.string();
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        if (chdir(dir.c_str()) != 0) _exit(126);
        FILE* log = std::fopen(log_path.c_str(), "w");
        if (log == nullptr) _exit(126);
        dup2(fileno(log), STDERR_FILENO);
        dup2(fileno(log), STDOUT_FILENO);
        if (run_as && (setgid(run_as->pw_gid) != 0 || setuid(run_as->pw_uid) != 0)) _exit(125);
        if (nofile) {
            const rlimit limit{*nofile, *nofile};
            if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(125);
        }
        std::string program = bin;
        char* argv[] = {program.data(), const_cast<char*>("serve"), nullptr};
        execve(bin, argv, envp.data());
        _exit(127);
    }
    const std::regex listening(R"(listening on http://[0-9.]+:([0-9]+))");
    // Start-up migrates; on Citus that is 8 distributed tables (32 shards each), which takes over
    // 20 s while a neighbouring test saturates the 2-core CI box. Not a start-up speed check.
    constexpr std::chrono::seconds kStartWithin{60};
    const auto deadline = std::chrono::steady_clock::now() + kStartWithin;
    while (std::chrono::steady_clock::now() < deadline) {
        std::smatch m;
        const auto text = log();
        if (std::regex_search(text, m, listening)) {
            port_ = static_cast<unsigned short>(std::stoi(m[1].str()));
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("server exited during start-up:\n" + text);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    throw std::runtime_error("server did not start within " + std::to_string(kStartWithin.count()) +
                             " s:\n" + log());
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) stop(SIGKILL);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

int ServerProcess::stop(int signal, std::chrono::seconds wait) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return -1;
}

long resident_kb(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    }
    return -1;
}

std::string test_token(const std::string& user, const std::string& secret) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return sign_hs256({{"sub", user}, {"exp", now + 600}}, secret);
}

std::string ServerProcess::log() const {
    std::ifstream in(dir_ / "server.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

HttpClient::HttpClient(unsigned short port, std::chrono::milliseconds timeout)
    : stream_(io_), timeout_(timeout) {
    stream_.expires_after(timeout_);
    stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

void HttpClient::send_raw(const std::string& bytes) {
    stream_.expires_after(timeout_);
    beast::error_code ec;
    asio::async_write(stream_, asio::buffer(bytes),
                      [&](beast::error_code e, std::size_t) { ec = e; });
    io_.restart();
    io_.run();
    if (ec) throw beast::system_error(ec);
}

HttpResponse HttpClient::read_response() {
    HttpResponse res;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code ec;
    stream_.expires_after(timeout_);
    http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    io_.restart();
    io_.run();
    if (ec) throw beast::system_error(ec);
    return parser.release();
}

HttpResponse HttpClient::request(http::verb method, const std::string& target,
                                 const std::string& token, const std::string& body) {
    return request(method, target, token, body, {});
}

HttpResponse HttpClient::request(http::verb method, const std::string& target,
                                 const std::string& token, const std::string& body,
                                 const Headers& headers) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = body;
    }
    req.prepare_payload();
    std::ostringstream raw;
    raw << req;
    send_raw(raw.str());
    return read_response();
}

std::string HttpClient::read_raw(std::chrono::milliseconds within, const std::string& until) {
    std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    const auto deadline = std::chrono::steady_clock::now() + within;
    std::array<char, 4096> scratch{};
    for (;;) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) return out;
        beast::error_code ec;
        std::size_t n = 0;
        stream_.expires_after(left);
        stream_.async_read_some(asio::buffer(scratch), [&](beast::error_code e, std::size_t got) {
            ec = e;
            n = got;
        });
        io_.restart();
        io_.run();
        out.append(scratch.data(), n);
        if (ec || (!until.empty() && out.find(until) != std::string::npos)) return out;
    }
}

bool HttpClient::closed_by_peer(std::chrono::milliseconds within) {
    std::array<char, 256> scratch{};
    beast::error_code ec;
    stream_.expires_after(within);
    stream_.async_read_some(asio::buffer(scratch),
                            [&](beast::error_code e, std::size_t) { ec = e; });
    io_.restart();
    io_.run();
    return ec == asio::error::eof || ec == asio::error::connection_reset;
}

}  // namespace taskcore::testing
