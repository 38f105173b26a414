-- One wrk scenario, chosen by BENCH_SCENARIO: list, get, create, toggle, update, message, static,
-- health, mcp-list (the list scenario's page as an MCP tools/call list_tasks).
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local scenario = os.getenv("BENCH_SCENARIO")
local prefix = os.getenv("BENCH_PREFIX") or "/api"
local rows, i = nil, 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  rows = common.load_rows()
  i = id * 7919  -- threads start at different rows
end

local priorities = { "low", "medium", "high" }

function request()
  i = i + 1
  local row = rows[(i % #rows) + 1]
  local base = prefix .. "/" .. row.user
  if scenario == "static" then
    return wrk.format("GET", "/openapi.json")
  elseif scenario == "health" then
    return wrk.format("GET", "/health")
  elseif scenario == "list" then
    return wrk.format("GET", base .. "/tasks?limit=50", common.headers(row))
  elseif scenario == "mcp-list" then
    local h = common.headers(row, true)
    h["MCP-Protocol-Version"] = "2025-11-25"
    h["Accept"] = "application/json, text/event-stream"
    return wrk.format("POST", "/mcp", h, '{"jsonrpc":"2.0","id":' .. i ..
      ',"method":"tools/call","params":{"name":"list_tasks","arguments":{"limit":50}}}')
  elseif scenario == "get" then
    return wrk.format("GET", base .. "/tasks/" .. row.id, common.headers(row))
  elseif scenario == "toggle" then
    return wrk.format("PATCH", base .. "/tasks/" .. row.id .. "/complete", common.headers(row))
  elseif scenario == "update" then
    return wrk.format("PATCH", base .. "/tasks/" .. row.id, common.headers(row, true),
      '{"priority":"' .. priorities[(i % 3) + 1] .. '","description":"updated ' .. i .. '"}')
  elseif scenario == "message" then
    return wrk.format("POST", base .. "/conversations/" .. row.id .. "/messages",
      common.headers(row, true), '{"role":"user","content":"benchmark message ' .. i .. '"}')
  else  -- create
    return wrk.format("POST", base .. "/tasks", common.headers(row, true),
      '{"title":"Task ' .. i .. '","priority":"' .. priorities[(i % 3) + 1] ..
      '","tags":["bench","t' .. (i % 7) .. '"],"description":"loaded by the benchmark"}')
  end
end

function done(summary, latency, requests)
  common.report(scenario, summary, latency)
end
