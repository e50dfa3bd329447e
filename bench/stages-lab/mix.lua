-- wrk script for bench/stages: a feed-heavy mix of reads, static files and a few writes.
--
--   80%  GET /api/posts: 70% of these the first page, 15% with a before= cursor taken from an earlier
--        response, 15% with limit=10, 50 or 100
--   10%  GET /api/posts/{id}, a random id in 1..MIX_POSTS (the seeded posts)
--    7%  GET / or one of its fingerprinted /assets/... files, in equal shares
--    2%  POST /api/posts by a random seeded author (1..MIX_USERS)
--    1%  POST /api/users with an email no other request uses (run id, thread number, counter)
--
-- Environment: MIX_RUN_ID (makes the emails unique across runs), MIX_POSTS, MIX_USERS, MIX_ASSETS
-- (space-separated asset paths found on the page /). done() prints one line "MIX_RESULT {json}".

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_number", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local function required_number(name)
  local value = tonumber(os.getenv(name) or "")
  if value == nil or value < 1 then
    error(name .. " must be a positive number, got '" .. tostring(os.getenv(name)) .. "'")
  end
  return value
end

function init(args)
  run_id = os.getenv("MIX_RUN_ID") or tostring(os.time())
  post_count = required_number("MIX_POSTS")
  user_count = required_number("MIX_USERS")
  static_paths = { "/" }
  for path in string.gmatch(os.getenv("MIX_ASSETS") or "", "%S+") do
    table.insert(static_paths, path)
  end

  math.randomseed(os.time() * 1000 + thread_number)
  cursors = {}
  cursor_slots = 64
  next_cursor_slot = 1
  registrations = 0

  -- done() reads these back with thread:get, which copies one thread's global into the main script state.
  sent = { feed_first = 0, feed_cursor = 0, feed_limit = 0, post = 0, static = 0, write = 0, register = 0 }
  statuses = {}
  asset_responses = 0
  edge_hits = 0
  edge_misses = 0
  first_failure = ""
end

local json_headers = { ["Content-Type"] = "application/json" }
local limits = { 10, 50, 100 }

local function feed_request()
  local choice = math.random(100)
  if choice <= 15 and #cursors > 0 then
    sent.feed_cursor = sent.feed_cursor + 1
    return wrk.format("GET", "/api/posts?before=" .. cursors[math.random(#cursors)])
  end
  if choice > 85 then
    sent.feed_limit = sent.feed_limit + 1
    return wrk.format("GET", "/api/posts?limit=" .. limits[math.random(#limits)])
  end
  sent.feed_first = sent.feed_first + 1
  return wrk.format("GET", "/api/posts")
end

function request()
  local choice = math.random(1000)
  if choice <= 800 then
    return feed_request()
  end
  if choice <= 900 then
    sent.post = sent.post + 1
    return wrk.format("GET", "/api/posts/" .. math.random(post_count))
  end
  if choice <= 970 then
    sent.static = sent.static + 1
    return wrk.format("GET", static_paths[math.random(#static_paths)])
  end
  if choice <= 990 then
    sent.write = sent.write + 1
    local body = string.format(
      '{"authorId":%d,"title":"Load test post","body":"A post written during the scaling lab run %s by thread %d."}',
      math.random(user_count), run_id, thread_number)
    return wrk.format("POST", "/api/posts", json_headers, body)
  end
  sent.register = sent.register + 1
  registrations = registrations + 1
  local body = string.format('{"name":"Lab User","email":"lab-%s-t%d-%d@example.com"}', run_id, thread_number, registrations)
  return wrk.format("POST", "/api/users", json_headers, body)
end

local function header(headers, name)
  return headers[name] or headers[string.lower(name)]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 400 and first_failure == "" then
    first_failure = status .. " " .. string.sub(body or "", 1, 300)
  end

  local cache = header(headers, "X-Cache")
  local content_type = header(headers, "Content-Type") or ""
  if string.find(content_type, "css", 1, true) or string.find(content_type, "javascript", 1, true) then
    asset_responses = asset_responses + 1
    if cache == "HIT" then
      edge_hits = edge_hits + 1
    elseif cache == "MISS" then
      edge_misses = edge_misses + 1
    end
    return
  end

  if status == 200 and body ~= nil then
    local cursor = string.match(body, '"nextCursor":"([%w_%-]+)"')
    if cursor ~= nil then
      cursors[next_cursor_slot] = cursor
      next_cursor_slot = next_cursor_slot % cursor_slots + 1
    end
  end
end

local function add_into(total, part)
  for key, value in pairs(part) do
    total[key] = (total[key] or 0) + value
  end
end

local function json_value(value)
  if type(value) == "table" then
    local parts = {}
    for key, item in pairs(value) do
      table.insert(parts, string.format('"%s":%s', tostring(key), json_value(item)))
    end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  if type(value) == "string" then
    return '"' .. string.gsub(value, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
  end
  return tostring(value)
end

function done(summary, latency, requests)
  local totals = { sent = {}, statuses = {}, asset_responses = 0, edge_hits = 0, edge_misses = 0 }
  local failure = ""
  for _, thread in ipairs(threads) do
    add_into(totals.sent, thread:get("sent"))
    add_into(totals.statuses, thread:get("statuses"))
    totals.asset_responses = totals.asset_responses + thread:get("asset_responses")
    totals.edge_hits = totals.edge_hits + thread:get("edge_hits")
    totals.edge_misses = totals.edge_misses + thread:get("edge_misses")
    if failure == "" then
      failure = thread:get("first_failure")
    end
  end

  -- wrk reports latency in microseconds.
  local result = {
    requests = summary.requests,
    duration_s = summary.duration / 1e6,
    bytes = summary.bytes,
    socket_errors = {
      connect = summary.errors.connect,
      read = summary.errors.read,
      write = summary.errors.write,
      timeout = summary.errors.timeout,
    },
    non_2xx_3xx = summary.errors.status,
    latency_ms = {
      mean = latency.mean / 1000,
      p50 = latency:percentile(50) / 1000,
      p90 = latency:percentile(90) / 1000,
      p95 = latency:percentile(95) / 1000,
      p99 = latency:percentile(99) / 1000,
      max = latency.max / 1000,
    },
    sent = totals.sent,
    statuses = totals.statuses,
    asset_responses = totals.asset_responses,
    edge_hits = totals.edge_hits,
    edge_misses = totals.edge_misses,
    first_failure = failure,
  }
  io.write("MIX_RESULT " .. json_value(result) .. "\n")
end
