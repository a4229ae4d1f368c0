-- Appends a batch of validated events to the stream, skipping ids already seen: atomic, so a
-- batch is either taken whole or not at all, and a repeated id is counted once across batches.
-- When the aggregators' group has read everything before the batch, the script also applies the
-- batch and moves the group past it: the events are counted when the hub answers 202, and Redis
-- does not read them back from the stream (that was a fifth of its work per event). Behind a
-- backlog it only appends, and the backlog script (aggregate-backlog.lua) takes them in order.
-- Compute, then write: which ids are new, every record's check and (when applying) the whole
-- batch's effect are worked out before the first write, so no value can make the script fail
-- after it wrote something (Redis would keep that part). An event refused there is not taken.
-- KEYS[1] stream, KEYS[2] source-seen hash, KEYS[3] alert stream (the events an alert rule watches),
-- KEYS[4] dead-letter stream
-- ARGV[1] key prefix, ARGV[2] dedupe days, ARGV[3] now (epoch ms), ARGV[4] source,
-- ARGV[5] deadline (epoch ms, Redis clock), ARGV[6] event log retention (ms),
-- ARGV[7] the aggregators' group to apply for, or '' to only append (a hub with AGGREGATOR=off),
-- ARGV[8] the alert engines' group on the alert stream (its trim never passes what they have not taken),
-- ARGV[9] the batch's portal hits, counted from there and not from their records ('' when it has
-- none: server/ingest/portal-hit-digest.ts, read by portal-hits.lua),
-- ARGV[10] the events' days (the day index of each `at`, which keys its de-duplication set), in runs
-- of equal days: JSON [day, how many events, day, how many, ...] (a batch's events share a day or two),
-- ARGV[11] the positions of the events an alert rule watches (their records also go to the alert
-- stream): JSON [position, ...],
-- then per event: id, record JSON (StreamRecord in server/ingest/enrich-event.ts)
-- (Two arguments per event: each one costs Redis its parsing and Lua its string.)
-- Answers { a flag per event (1 taken, 0 repeat, 2 refused), the scopes touched, 1 when applied,
-- the refusals as event position, field, message, fault, ... } or { { -1 } } past the deadline.
--#include batch-writes.lua
--#include aggregate-events.lua
--#include portal-hits.lua

local prefix, dedupeDays, source, group = ARGV[1], tonumber(ARGV[2]), ARGV[4], ARGV[7]
local retentionMs = tonumber(ARGV[6])
local hubNowMs = tonumber(ARGV[3]) -- the hub's clock: expiries are durations counted from it
local FIRST, STRIDE = 12, 2
local alertsGroup = ARGV[8]
local DAY_MS, OFFSET_MS = TIME.DAY_MS, TIME.SHANGHAI_OFFSET_MS
local aggregation = AggregateEvents.new(prefix)
local decodeRecord, int = AggregateEvents.decodeRecord, BatchWrites.int

-- The hub stops waiting at the deadline and answers 503; a script that runs later (a frozen
-- Redis working through its backlog) must take nothing, or the 503 would be a lie.
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if nowMs > tonumber(ARGV[5]) then return { { -1 }, {}, 0, {} } end

-- Applying here is right only when no entry waits before this batch: then applying it and moving
-- the group past it is what the aggregation script would do next.
local function groupCaughtUp()
  if group == '' or redis.call('EXISTS', KEYS[1]) == 0 then return false end
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
    local info = {}
    for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
    if info.name == group then
      if tonumber(info.pending) ~= 0 then return false end
      return #redis.call('XRANGE', KEYS[1], '(' .. info['last-delivered-id'], '+', 'COUNT', 1) == 0
    end
  end
  return false
end
local caughtUp = groupCaughtUp()

-- The hub's arguments, checked before they are used (a fault is the hub's: the script fails
-- before any write).
local n = (#ARGV - FIRST + 1) / STRIDE
if n ~= math.floor(n) then error('the events are not in pairs of id and record', 0) end
local isWatched = {} -- position -> true
for _, k in ipairs(cjson.decode(ARGV[11])) do isWatched[k] = true end

-- Which ids are new: one SMISMEMBER per day of the batch (its seen-set), read before any write.
local days, dayOf = {}, {} -- day -> { key, ids, at (event positions), batch (ids new in this batch) }; position -> its day's
do
  local runs, k = cjson.decode(ARGV[10]), 0
  for j = 1, #runs, 2 do
    local day, count = runs[j], runs[j + 1]
    if type(day) ~= 'number' or day ~= math.floor(day) or day < 0 or type(count) ~= 'number' or count ~= math.floor(count) or count < 1 then
      error('the days are not runs of day indexes', 0)
    end
    local d = days[day]
    if not d then d = { key = prefix .. 'seen:' .. day, ids = {}, at = {}, batch = {} }; days[day] = d end
    local ids, at = d.ids, d.at
    for _ = 1, count do
      k = k + 1
      ids[#ids + 1] = ARGV[FIRST + (k - 1) * STRIDE]
      at[#at + 1] = k
      dayOf[k] = d
    end
  end
  if k ~= n then error('the days\' runs count ' .. k .. ' events, the batch has ' .. n, 0) end
end
local digest = PortalHits.readDigest(ARGV[9], n)
local hitAt, hitsTaken = digest.at, {}
local known = {}
for _, d in pairs(days) do
  for j, f in ipairs(redis.call('SMISMEMBER', d.key, unpack(d.ids))) do
    if f == 1 then known[d.at[j]] = true end
  end
end

-- Every new event checked (its record, or a portal hit its digest) and, when caught up, applied to the batch's tables.
local result, refusedAt, repeatOf = {}, {}, {}
local records, recordAt, refused = {}, {}, {}
for k = 1, n do
  local i = FIRST + (k - 1) * STRIDE
  local d = dayOf[k]
  if known[k] then
    result[k] = 0
  elseif d.batch[ARGV[i]] then
    result[k] = 0
    repeatOf[k] = d.batch[ARGV[i]] -- the same id earlier in this batch: taken if that one is
  elseif hitAt[k] then
    d.batch[ARGV[i]] = k
    result[k] = 1 -- a portal hit, counted from the digest: its record is not decoded
    hitsTaken[#hitsTaken + 1] = hitAt[k]
  else
    d.batch[ARGV[i]] = k
    local r, err = decodeRecord(ARGV[i + 1])
    if r then
      records[#records + 1] = r
      recordAt[#records] = k
      result[k] = 1
    else
      result[k] = 2
      refusedAt[k] = err
    end
  end
end
if caughtUp then
  aggregation.compute(records, refused, digest, hitsTaken)
  for j, err in pairs(refused) do
    result[recordAt[j]] = 2
    refusedAt[recordAt[j]] = err
  end
end
for k, first in pairs(repeatOf) do
  if result[first] == 2 then result[k] = 2; refusedAt[k] = refusedAt[first] end
end
-- position, field, message and, for an error that is no refusal (a fault of the script), its text
-- for the hub's log: the sender's answer never carries a script's line
local refusals = {}
for k = 1, n do
  local err = refusedAt[k]
  if err then
    local isRefusal = type(err) == 'table' and err.refused
    refusals[#refusals + 1] = k
    refusals[#refusals + 1] = isRefusal and err.path or '(event)'
    refusals[#refusals + 1] = isRefusal and err.message or 'cannot be applied (a fault of the hub, logged there)'
    refusals[#refusals + 1] = isRefusal and '' or tostring(err)
  end
end

-- Write: nothing above wrote anything (Redis refuses a script's first write when it is full, so
-- then nothing at all is taken). SADD marks the taken ids; refused ones stay unseen, so the
-- corrected event can be sent again under its id.
local added, addedCount, alerted = {}, 0, false -- sid of each taken entry, in batch order
for k = 1, n do
  if result[k] == 1 then
    local i = FIRST + (k - 1) * STRIDE
    local record = ARGV[i + 1]
    addedCount = addedCount + 1
    added[addedCount] = redis.call('XADD', KEYS[1], '*', 'r', record)
    if isWatched[k] then
      -- `in`: when the hub took it, so the alert engine knows how far behind its source reports
      redis.call('XADD', KEYS[3], '*', 'r', record, 'in', ARGV[3])
      alerted = true
    end
    local d = dayOf[k]
    local taken = d.taken
    if not taken then taken = {}; d.taken = taken end
    taken[#taken + 1] = ARGV[i]
  end
end
for day, d in pairs(days) do
  if d.taken then redis.call('SADD', d.key, unpack(d.taken)) end
  -- remembered until dedupeDays after the end of the event's day (Asia/Shanghai), counted from
  -- the hub's clock, which also decides which events are too old to take (validate-batch.ts)
  redis.call('PEXPIRE', d.key, int(math.max(1, (day + 1 + dedupeDays) * DAY_MS - OFFSET_MS - hubNowMs)))
end
-- The alert log keeps a few days (stream ids are Redis-clock milliseconds; the main log is trimmed
-- where events are applied, never past one not yet applied), and never an entry the alert engines'
-- group has not read, or read and not acknowledged: an engine stopped for longer than the
-- retention finds its backlog when it returns. '~' trims whole nodes only.
local function idBefore(a, b)
  local am, as = string.match(a, '^(%d+)-?(%d*)$')
  local bm, bs = string.match(b, '^(%d+)-?(%d*)$')
  if tonumber(am) ~= tonumber(bm) then return tonumber(am) < tonumber(bm) end
  return (tonumber(as) or 0) < (tonumber(bs) or 0)
end
local function alertTrimFloor(stream, horizonId)
  local floor = horizonId
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local info = {}
    for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
    if info.name == alertsGroup then
      if tonumber(info.pending) > 0 then
        local oldestPending = redis.call('XPENDING', stream, alertsGroup)[2]
        if idBefore(oldestPending, floor) then floor = oldestPending end
      end
      local unread = redis.call('XRANGE', stream, '(' .. info['last-delivered-id'], '+', 'COUNT', 1)
      if #unread > 0 and idBefore(unread[1][1], floor) then floor = unread[1][1] end
    end
  end
  return floor
end
if alerted then redis.call('XTRIM', KEYS[3], 'MINID', '~', alertTrimFloor(KEYS[3], int(nowMs - retentionMs) .. '-0')) end
redis.call('HSET', KEYS[2], source, ARGV[3])

if not caughtUp or addedCount == 0 then return { result, {}, 0, refusals } end
local touchedList = aggregation.write(hubNowMs)
local lastId = added[addedCount]
-- the group has read every entry ever added: saying so keeps XINFO's lag exact (health, metrics)
local stream = redis.call('XINFO', 'STREAM', KEYS[1])
local entriesAdded
for i = 1, #stream, 2 do
  if stream[i] == 'entries-added' then entriesAdded = stream[i + 1] end
end
redis.call('XGROUP', 'SETID', KEYS[1], group, lastId, 'ENTRIESREAD', entriesAdded)
AggregateEvents.trimLog(KEYS[1], lastId, retentionMs, prefix .. 'archive:cursor')
return { result, touchedList, 1, refusals }
