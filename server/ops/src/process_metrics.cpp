// process_* metrics from /proc/self (Linux), as the Prometheus client libraries name them.
#include "ops/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace taskcore::server {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            double value) {
    char number[64];
    std::snprintf(number, sizeof number, "%.15g", value);
    const std::string n(name);
    out += "# HELP " + n + " " + std::string(help) + "\n# TYPE " + n + " " + std::string(type) +
           "\n" + n + " " + number + "\n";
}

// The fields of /proc/self/stat after the command name (which may contain spaces).
std::vector<std::string> stat_fields() {
    std::ifstream in("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    std::vector<std::string> fields;
    if (close == std::string::npos) return fields;
    std::istringstream rest(text.substr(close + 1));
    for (std::string f; rest >> f;) fields.push_back(f);
    return fields;  // fields[0] is field 3 (state) of proc(5)
}

double boot_time_seconds() {
    std::ifstream in("/proc/stat");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("btime ")) return std::stod(line.substr(6));
    }
    return 0;
}

}  // namespace

void append_process_metrics(std::string& out) {
    const auto fields = stat_fields();
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    // proc(5): utime 14, stime 15, starttime 22, vsize 23, rss 24 (fields[n - 3]).
    if (fields.size() > 21 && ticks > 0) {
        family(out, "process_cpu_seconds_total", "counter",
               "Total user and system CPU time spent in seconds.",
               (std::stod(fields[11]) + std::stod(fields[12])) / ticks);
        family(out, "process_start_time_seconds", "gauge",
               "Start time of the process since unix epoch in seconds.",
               boot_time_seconds() + std::stod(fields[19]) / ticks);
        family(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
               std::stod(fields[20]));
        family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
               std::stod(fields[21]) * page);
    }
    std::error_code ec;
    std::size_t fds = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec)) {
        ++fds;
    }
    if (!ec) {
        family(out, "process_open_fds", "gauge", "Number of open file descriptors.",
               static_cast<double>(fds > 0 ? fds - 1 : 0));  // minus the one being listed
    }
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        family(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
               static_cast<double>(limit.rlim_cur));
    }
}

}  // namespace taskcore::server
