-- wrk script: POST /api/users with an email no other request uses, so every request registers a new user.
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  math.randomseed(os.time() + thread_id)
  prefix = string.format("%d-%d-%d", os.time(), thread_id, math.random(1, 1000000000))
  counter = 0
end

function request()
  counter = counter + 1
  local body = string.format('{"name":"Bench User","email":"bench-%s-%d@example.com"}', prefix, counter)
  return wrk.format("POST", "/api/users", { ["Content-Type"] = "application/json" }, body)
end

-- Counts responses by status and keeps the first failed body, so the driver can report why requests failed.
local threads = {}

local original_setup = setup
function setup(thread)
  original_setup(thread)
  table.insert(threads, thread)
end

statuses = ""
status_counts = {}
first_failure = ""

function response(status, headers, body)
  status_counts[status] = (status_counts[status] or 0) + 1
  if status >= 300 and first_failure == "" then
    first_failure = string.sub(body or "", 1, 300)
  end
  local parts = {}
  for code, count in pairs(status_counts) do
    table.insert(parts, code .. "=" .. count)
  end
  statuses = table.concat(parts, ",")
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    io.write(string.format("statuses: %s\n", thread:get("statuses")))
    local failure = thread:get("first_failure")
    if failure ~= "" then
      io.write(string.format("first failure: %s\n", string.gsub(failure, "\n", " ")))
    end
  end
end
