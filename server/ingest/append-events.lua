-- Appends a batch of validated events to the stream, skipping ids already seen: atomic, so a
-- batch is either taken whole or not at all, and a repeated id is counted once across batches.
-- When the aggregators' group has read everything before the batch, the script also applies the
-- batch and moves the group past it: the events are counted when the hub answers 202, and Redis
-- does not read them back from the stream (that was a fifth of its work per event). Behind a
-- backlog it only appends, and the aggregation script (apply-events.lua) takes them in order.
-- KEYS[1] stream, KEYS[2] source-seen hash, KEYS[3] alert stream (the events an alert rule watches),
-- KEYS[4] dead-letter stream
-- ARGV[1] key prefix, ARGV[2] dedupe days, ARGV[3] now (epoch ms), ARGV[4] source,
-- ARGV[5] deadline (epoch ms, Redis clock), ARGV[6] event log retention (ms),
-- ARGV[7] the aggregators' group to apply for, or '' to only append (a hub with AGGREGATOR=off),
-- then per event: id, day index of its `at`, record JSON (StreamRecord in server/ingest/enrich-event.ts),
-- and 1 when an alert rule watches the event (its record is then also added to the alert stream), else 0
local prefix, dedupeDays, source, group = ARGV[1], tonumber(ARGV[2]), ARGV[4], ARGV[7]
local retentionMs = tonumber(ARGV[6])
local P, DEAD_LETTERS = prefix, KEYS[4]
local FIRST, STRIDE = 8, 4

--#include aggregate-events.lua

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

local result, n = {}, 0
local added, addedCount = {}, 0 -- sid, record, sid, record, ... of the entries this batch added
local seenKeys = {} -- day -> its seen-set key, built once per batch rather than per event
local watched = false
for i = FIRST, #ARGV, STRIDE do
  local day = ARGV[i + 1]
  local seenKey = seenKeys[day]
  if not seenKey then seenKey = prefix .. 'seen:' .. day; seenKeys[day] = seenKey end
  n = n + 1
  -- one SADD per event is both the check and the mark (SMISMEMBER first costs a second lookup)
  if redis.call('SADD', seenKey, ARGV[i]) == 1 then
    local record = ARGV[i + 2]
    added[#added + 1] = redis.call('XADD', KEYS[1], '*', 'r', record)
    added[#added + 1] = record
    addedCount = addedCount + 1
    if ARGV[i + 3] == '1' then
      redis.call('XADD', KEYS[3], '*', 'r', record)
      watched = true
    end
    result[n] = 1
  else
    result[n] = 0
  end
end
for day, key in pairs(seenKeys) do
  -- remembered until dedupeDays after the end of the event's day (Asia/Shanghai)
  redis.call('EXPIREAT', key, (tonumber(day) + 1 + dedupeDays) * 86400 - 28800)
end
-- The alert log keeps a few days (stream ids are Redis-clock milliseconds; the main log is trimmed
-- where events are applied, never past one not yet applied). '~' trims whole nodes only.
if watched then redis.call('XTRIM', KEYS[3], 'MINID', '~', nowMs - retentionMs) end
redis.call('HSET', KEYS[2], source, ARGV[3])

if not caughtUp or addedCount == 0 then return { result, {}, 0, {} } end
local failed = {}
for i = 1, #added, 2 do
  if not applyRecord(added[i], added[i + 1]) then failed[#failed + 1] = added[i] end
end
local touchedList = finishBatch()
local lastId = added[#added - 1]
-- the group has read every entry ever added: saying so keeps XINFO's lag exact (health, metrics)
local stream = redis.call('XINFO', 'STREAM', KEYS[1])
local entriesAdded
for i = 1, #stream, 2 do
  if stream[i] == 'entries-added' then entriesAdded = stream[i + 1] end
end
redis.call('XGROUP', 'SETID', KEYS[1], group, lastId, 'ENTRIESREAD', entriesAdded)
trimLog(KEYS[1], lastId, retentionMs)
return { result, touchedList, 1, failed }
