// The standard Prometheus process metrics (resident memory, CPU seconds, open file descriptors,
// start time), read from /proc at scrape time.
#pragma once

#include <string>

namespace taskcore::server {

// Appends the process_* families (HELP, TYPE and one sample each) to `out`; a family whose
// /proc file cannot be read is left out rather than reported as zero.
void append_process_metrics(std::string& out);

}  // namespace taskcore::server
