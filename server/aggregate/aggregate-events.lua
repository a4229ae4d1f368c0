-- Applying events to the aggregates, shared by the aggregation script (apply-events.lua, which
-- reads the stream) and the append script (append-events.lua, which applies a batch at once when
-- the aggregators are caught up). Included where a script says `--#include aggregate-events.lua`
-- (server/redis/scripts.ts); it expects the locals P (key prefix) and DEAD_LETTERS (dead-letter
-- stream) before it, and the working-days functions (server/redis/lua/working-days.lua).
-- A record is the `r` of a stream entry, built at ingest by server/ingest/enrich-event.ts:
-- { t (type), day, hh, mm, ms, month, scopes, fen?, e (the event) }
local DAY_MS, OFFSET_MS = 86400000, 28800000
local counters, expiries = {}, {}
local touched = {} -- scopes whose numbers this batch may change, reported to the realtime layer
local function add(key, field, n)
  local h = counters[key]
  if not h then h = {}; counters[key] = h end
  h[field] = (h[field] or 0) + n
end
-- Key and field names are built once per batch and looked up after: most events of a batch share
-- their scopes, day, hour and minute, and building strings is much of the script's cost.
local dayKeys, bucketFields = {}, {}
local function keysOf(s, day)
  local byScope = dayKeys[s]
  if not byScope then byScope = {}; dayKeys[s] = byScope end
  local k = byScope[day]
  if not k then
    k = { P .. 'agg:' .. s .. ':' .. day, P .. 'aggh:' .. s .. ':' .. day, P .. 'aggm:' .. s .. ':' .. day }
    byScope[day] = k
  end
  return k
end
local function bucketField(field, bucket)
  local byField = bucketFields[field]
  if not byField then byField = {}; bucketFields[field] = byField end
  local f = byField[bucket]
  if not f then f = field .. '|' .. bucket; byField[bucket] = f end
  return f
end
-- day totals always; hour and minute buckets when `timed` (for trends)
local function bump(scopes, r, field, n, timed)
  local hourField, minuteField
  if timed then hourField, minuteField = bucketField(field, r.hh), bucketField(field, r.mm) end
  for _, s in ipairs(scopes) do
    touched[s] = true
    local k = keysOf(s, r.day)
    add(k[1], field, n)
    if timed then
      add(k[2], hourField, n)
      add(k[3], minuteField, n)
      expiries[k[3]] = r.day
    end
  end
end
local function gauge(scopes, field, n)
  for _, s in ipairs(scopes) do touched[s] = true; add(P .. 'gauge:' .. s, field, n) end
end
local function hgetall(key)
  local flat, t = redis.call('HGETALL', key), {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end
local function split(s)
  local t = {}
  for x in string.gmatch(s or '', '[^,]+') do t[#t + 1] = x end
  return t
end

-- Working days (server/redis/lua/working-days.lua, prepended when the script is loaded)
local isWorkday, addWorkdays, workdaysBetween = workingDays(P .. 'calendar')
local function deadlineOf(dueDay) return (dueDay + 1) * DAY_MS - OFFSET_MS end

local function openAdd(scopes, id, deadline)
  for _, s in ipairs(scopes) do touched[s] = true; redis.call('ZADD', P .. 'open:' .. s, deadline, id) end
end
local function openRemove(scopes, id)
  for _, s in ipairs(scopes) do touched[s] = true; redis.call('ZREM', P .. 'open:' .. s, id) end
end

-- Cases -------------------------------------------------------------------------------------
local CLOSED_CASE_TTL = 86400 * 60

local function closeCase(key, st, r, how)
  local scopes = split(st.scopes)
  local due = tonumber(st.due)
  if st.status == 'suspended' then due = addWorkdays(due, workdaysBetween(tonumber(st.susp), r.day)) end
  if how == 'done' then
    bump(scopes, r, 'done', 1, true)
    if r.day < due then bump(scopes, r, 'early', 1, false) end
    if r.day <= due then bump(scopes, r, 'ontime', 1, false) else bump(scopes, r, 'overdue', 1, false) end
  else
    bump(scopes, r, 'returned', 1, false)
  end
  bump(scopes, r, 'net', -1, false)
  gauge(scopes, 'open', -1)
  openRemove(scopes, r.e.case)
  redis.call('HSET', key, 'status', how, 'closedAt', r.ms, 'due', due)
  redis.call('EXPIRE', key, CLOSED_CASE_TTL)
end

local caseHandlers = {}
caseHandlers['case.accepted'] = function(r, key, st)
  if st.status and st.status ~= 'early-close' then return end -- a repeated acceptance
  local due = addWorkdays(r.day, r.e.promisedDays)
  redis.call('HSET', key, 'status', 'open', 'acceptedAt', r.ms, 'acceptedDay', r.day, 'due', due,
    'scopes', table.concat(r.scopes, ','), 'dept', r.e.dept, 'item', r.e.item)
  bump(r.scopes, r, 'acc', 1, true)
  bump(r.scopes, r, 'net', 1, false)
  gauge(r.scopes, 'open', 1)
  openAdd(r.scopes, r.e.case, deadlineOf(due))
  if st.status == 'early-close' then
    -- a completion or return that arrived before its acceptance
    local early = cjson.decode(st.early)
    closeCase(key, { status = 'open', due = due, scopes = table.concat(r.scopes, ',') }, early, early.t == 'case.completed' and 'done' or 'returned')
  end
end
caseHandlers['case.suspended'] = function(r, key, st)
  if st.status ~= 'open' then return end
  redis.call('HSET', key, 'status', 'suspended', 'susp', r.day)
  openRemove(split(st.scopes), r.e.case)
end
caseHandlers['case.resumed'] = function(r, key, st)
  if st.status ~= 'suspended' then return end
  local due = addWorkdays(tonumber(st.due), workdaysBetween(tonumber(st.susp), r.day))
  redis.call('HSET', key, 'status', 'open', 'due', due)
  openAdd(split(st.scopes), r.e.case, deadlineOf(due))
end
local function closing(how)
  return function(r, key, st)
    if st.status == 'open' or st.status == 'suspended' then closeCase(key, st, r, how)
    elseif not st.status then redis.call('HSET', key, 'status', 'early-close', 'early', cjson.encode(r)) end
  end
end
caseHandlers['case.completed'] = closing('done')
caseHandlers['case.returned'] = closing('returned')

-- Tickets -----------------------------------------------------------------------------------
local TICKET_TTL = 86400 * 3
local WAIT_BUCKETS = 240 -- minutes; longer waits share the last bucket

local function recordWait(scopes, r, seconds)
  if seconds < 0 then seconds = 0 end
  bump(scopes, r, 'waitSum', math.floor(seconds + 0.5), false)
  bump(scopes, r, 'waitN', 1, false)
  bump(scopes, r, 'wh:' .. math.min(math.floor(seconds / 60), WAIT_BUCKETS), 1, false)
end
local function recordService(scopes, r, seconds)
  if seconds < 0 then seconds = 0 end
  bump(scopes, r, 'svcSum', math.floor(seconds + 0.5), false)
  bump(scopes, r, 'svcN', 1, false)
end

local ticketHandlers = {}
ticketHandlers['ticket.issued'] = function(r, key, st)
  if st.issuedAt then return end
  redis.call('HSET', key, 'issuedAt', r.ms, 'queueScopes', table.concat(r.scopes, ','), 'dept', r.e.dept)
  bump(r.scopes, r, 'iss', 1, true)
  if st.calledAt then
    recordWait(split(st.callScopes), r, (tonumber(st.calledAt) - r.ms) / 1000)
  else
    bump(r.scopes, r, 'wait', 1, false)
  end
end
local RECENT_CALLS = 50
ticketHandlers['ticket.called'] = function(r, key, st)
  redis.call('HSET', P .. 'win:' .. r.e.window, 'ticket', r.e.ticket, 'calledAt', r.ms)
  -- the calling board shows recalls too: a citizen who missed the first call hears it again
  local callsKey = P .. 'calls:' .. r.e.center
  redis.call('LPUSH', callsKey, cjson.encode({ ticket = r.e.ticket, window = r.e.window, at = r.ms }))
  redis.call('LTRIM', callsKey, 0, RECENT_CALLS - 1)
  if st.calledAt then return end -- a repeated call of the same ticket
  redis.call('HSET', key, 'calledAt', r.ms, 'callScopes', table.concat(r.scopes, ','), 'window', r.e.window)
  bump(r.scopes, r, 'call', 1, true)
  if st.issuedAt then
    bump(split(st.queueScopes), r, 'wait', -1, false)
    recordWait(r.scopes, r, (r.ms - tonumber(st.issuedAt)) / 1000)
  end
end
ticketHandlers['ticket.started'] = function(r, key, st)
  if st.startedAt then return end
  redis.call('HSET', key, 'startedAt', r.ms, 'svcScopes', table.concat(r.scopes, ','))
  bump(r.scopes, r, 'start', 1, false)
  if st.finishedAt then recordService(r.scopes, r, (tonumber(st.finishedAt) - r.ms) / 1000) end
end
ticketHandlers['ticket.finished'] = function(r, key, st)
  if st.finishedAt then return end
  redis.call('HSET', key, 'finishedAt', r.ms)
  bump(r.scopes, r, 'fin', 1, true)
  if st.startedAt then recordService(r.scopes, r, (r.ms - tonumber(st.startedAt)) / 1000) end
end
ticketHandlers['ticket.noshow'] = function(r, key, st)
  if st.noShowAt then return end
  redis.call('HSET', key, 'noShowAt', r.ms)
  bump(r.scopes, r, 'noshow', 1, false)
end
ticketHandlers['ticket.transferred'] = function(r, key, st)
  -- back in a queue: waiting again from now, and called (and counted as a call) again later
  bump(r.scopes, r, 'transfer', 1, false)
  local queueScopes = st.queueScopes or table.concat(r.scopes, ',')
  bump(split(queueScopes), r, 'wait', 1, false)
  redis.call('HDEL', key, 'calledAt', 'startedAt', 'finishedAt')
  redis.call('HSET', key, 'issuedAt', r.ms, 'queueScopes', queueScopes)
end

-- Everything else ---------------------------------------------------------------------------
local handlers = {}
handlers['window.status'] = function(r)
  local key = P .. 'win:' .. r.e.window
  local w = hgetall(key)
  local since = tonumber(w.since or '0')
  if r.ms < since then return end -- older than the status we hold
  if (w.status == 'open' or w.status == 'serving') and since > 0 then
    -- the stretch is credited to the day it ended in (offices close before midnight)
    bump({ 'window:' .. r.e.window }, r, 'openSec', math.floor((r.ms - since) / 1000), false)
  end
  redis.call('HSET', key, 'status', r.e.status, 'since', r.ms, 'staff', r.e.staff or '', 'dept', r.e.dept)
end
handlers['rating.submitted'] = function(r)
  bump(r.scopes, r, 'r' .. r.e.score, 1, false)
  bump(r.scopes, r, 'rt', 1, true)
  if r.e.score <= 2 then bump(r.scopes, r, 'bad', 1, true) end
end
handlers['complaint.filed'] = function(r) bump(r.scopes, r, 'cpF', 1, false) end
handlers['complaint.closed'] = function(r) bump(r.scopes, r, 'cpC', 1, false) end
-- Portal hits are most of the stream: their HyperLogLog lists and column fields are looked up,
-- not built, per hit.
local visitors = {} -- HyperLogLog key -> visitor ids, added with one PFADD per key at the end
local visitorLists = {} -- scope -> day -> the list in `visitors`
local columnFields = {}
handlers['portal.hit'] = function(r)
  bump(r.scopes, r, 'pv', 1, true)
  local column = r.e.column
  local columnField = columnFields[column]
  if not columnField then columnField = 'col:' .. column; columnFields[column] = columnField end
  bump(r.scopes, r, columnField, 1, false)
  for _, s in ipairs(r.scopes) do
    local byDay = visitorLists[s]
    if not byDay then byDay = {}; visitorLists[s] = byDay end
    local list = byDay[r.day]
    if not list then
      list = {}
      byDay[r.day] = list
      visitors[P .. 'uv:' .. s .. ':' .. r.day] = list
    end
    list[#list + 1] = r.e.visitor
  end
end
local function monthly(r, field, n)
  for _, s in ipairs(r.scopes) do add(P .. 'aggmo:' .. s .. ':' .. r.month, field, n) end
end
handlers['trade.closed'] = function(r)
  bump(r.scopes, r, 'trN', 1, true)
  bump(r.scopes, r, 'trAmt', r.fen, false)
  bump(r.scopes, r, 'trN:' .. r.e.category, 1, false)
  bump(r.scopes, r, 'trAmt:' .. r.e.category, r.fen, false)
  monthly(r, 'trN:' .. r.e.category, 1)
  monthly(r, 'trAmt:' .. r.e.category, r.fen)
end
handlers['fee.collected'] = function(r)
  bump(r.scopes, r, 'feeN', 1, true)
  bump(r.scopes, r, 'feeAmt', r.fen, false)
  monthly(r, 'feeN', 1)
  monthly(r, 'feeAmt', r.fen)
end

local function apply(r)
  local t = r.t
  if caseHandlers[t] then
    local key = P .. 'case:' .. r.e.case
    caseHandlers[t](r, key, hgetall(key))
  elseif ticketHandlers[t] then
    local key = P .. 't:' .. r.e.center .. ':' .. r.day .. ':' .. r.e.ticket
    ticketHandlers[t](r, key, hgetall(key))
    redis.call('EXPIRE', key, TICKET_TTL)
  elseif handlers[t] then
    handlers[t](r)
  else
    error('no handler for event type ' .. tostring(t))
  end
end

local function applyEntry(sid, json)
  local ok, r = pcall(cjson.decode, json or '')
  if not ok then error('unreadable record JSON: ' .. tostring(r), 0) end
  if type(r) ~= 'table' or type(r.e) ~= 'table' or type(r.scopes) ~= 'table' then
    error('not a record of an event (server/ingest/enrich-event.ts)', 0)
  end
  r.sid = sid
  apply(r)
  -- every scope an event counts in may show it (a window's status changes no counter)
  for _, s in ipairs(r.scopes) do touched[s] = true end
end

-- Applies the record of one stream entry; one that cannot be applied goes to the dead-letter
-- stream with its error (GET /api/v1/admin/dead-letters), and the batch goes on.
local function applyRecord(sid, json)
  local ok, err = pcall(applyEntry, sid, json)
  if not ok then
    redis.call('XADD', DEAD_LETTERS, 'MAXLEN', '~', 100000, '*', 'sid', sid, 'error', tostring(err), 'record', json or '')
  end
  return ok
end

-- Writes what the batch summed and answers the scopes it touched.
local function finishBatch()
  for key, fields in pairs(counters) do
    for field, n in pairs(fields) do
      if n ~= 0 then redis.call('HINCRBY', key, field, n) end
    end
  end
  for key, list in pairs(visitors) do
    for i = 1, #list, 500 do redis.call('PFADD', key, unpack(list, i, math.min(i + 499, #list))) end
  end
  for key, day in pairs(expiries) do
    redis.call('EXPIREAT', key, (day + 4) * 86400 - 28800) -- per-minute detail is kept 3 days
  end
  local touchedList = {}
  for s in pairs(touched) do touchedList[#touchedList + 1] = s end
  return touchedList
end

-- The log keeps a few days of applied events (ids are Redis-clock ms), never one not yet applied.
-- '~' trims whole nodes only, so this costs next to nothing when there is nothing to trim.
local function trimLog(stream, lastAppliedId, retentionMs)
  local t = redis.call('TIME')
  local horizon = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - retentionMs
  local lastMs = tonumber(string.match(lastAppliedId, '^(%d+)'))
  redis.call('XTRIM', stream, 'MINID', '~', math.min(horizon, lastMs))
end
