-- Appends a batch of validated events to the stream, skipping ids already seen: atomic, so a
-- batch is either taken whole or not at all, and a repeated id is counted once across batches.
-- KEYS[1] stream, KEYS[2] source-seen hash, KEYS[3] alert stream (the events an alert rule watches)
-- ARGV[1] key prefix, ARGV[2] dedupe days, ARGV[3] now (epoch ms), ARGV[4] source,
-- ARGV[5] deadline (epoch ms, Redis clock), ARGV[6] alert log retention (ms),
-- then per event: id, day index of its `at`, record JSON (StreamRecord in server/ingest/enrich-event.ts),
-- and 1 when an alert rule watches the event (its record is then also added to the alert stream), else 0
local prefix, dedupeDays, source = ARGV[1], tonumber(ARGV[2]), ARGV[4]
local FIRST, STRIDE = 7, 4
-- The hub stops waiting at the deadline and answers 503; a script that runs later (a frozen
-- Redis working through its backlog) must take nothing, or the 503 would be a lie.
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if nowMs > tonumber(ARGV[5]) then return { -1 } end

local result, n = {}, 0
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
    redis.call('XADD', KEYS[1], '*', 'r', record)
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
-- The alert log keeps a few days (stream ids are Redis-clock milliseconds; the aggregation script
-- trims the main log, never past what it has applied). '~' trims whole nodes only: next to free.
if watched then redis.call('XTRIM', KEYS[3], 'MINID', '~', nowMs - tonumber(ARGV[6])) end
redis.call('HSET', KEYS[2], source, ARGV[3])
return result
