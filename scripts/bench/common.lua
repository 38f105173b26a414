-- Shared by the benchmark scenarios: per-thread data rows, and a result line wrk's done() prints.
-- BENCH_DATA is a file of "user token id" lines (id: a task or conversation id, or "-").
local M = {}

function M.load_rows()
  local rows = {}
  for line in io.lines(os.getenv("BENCH_DATA")) do
    local user, token, id = line:match("^(%S+) (%S+) (%S+)$")
    if user then rows[#rows + 1] = { user = user, token = token, id = id } end
  end
  return rows
end

-- Non-2xx responses and socket errors both count as errors; a run with any is marked failed.
function M.report(name, summary, latency)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local rps = summary.requests / (summary.duration / 1e6)
  io.write(string.format("RESULT %s %.1f %.3f %.3f %d %d\n", name, rps,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.requests))
end

function M.headers(row, with_body)
  local h = { ["Authorization"] = "Bearer " .. row.token }
  if with_body then h["Content-Type"] = "application/json" end
  return h
end

return M
