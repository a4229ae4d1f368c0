-- Reads the next entries of the event stream for the aggregators' group and applies them to the
-- aggregates, in one atomic script: reading, applying and acknowledging cannot come apart, so
-- every entry is applied exactly once whichever hub runs the script and whenever one crashes.
-- (The read is NOACK: with the read and the apply in one script there is nothing to keep pending.)
-- The entries are computed before anything else is written (aggregate-events.lua); one that
-- cannot be applied goes whole to the dead-letter stream with its error, and the rest are applied.
-- KEYS[1] stream, KEYS[2] dead-letter stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] key prefix, ARGV[4] count, ARGV[5] log retention (ms),
-- ARGV[6] now (epoch ms, the hub's clock: expiries are counted from it)
-- Answers { applied, dead-lettered stream ids, scopes touched, event types applied (once each) }
--#include aggregate-events.lua

local stream, deadLetters, group, consumer = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
local decodeRecord, describe = AggregateEvents.decodeRecord, AggregateEvents.describe
-- dead letters kept: about the last 100,000 (trimmed by whole nodes)
local DEAD_LETTERS_KEPT = 100000

local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', tonumber(ARGV[4]), 'NOACK', 'STREAMS', stream, '>')
if not read then return { 0, {}, {}, {} } end -- nothing new
-- made only now: an idle hub polls often, and a poll that finds nothing leaves Lua no garbage
local aggregation = AggregateEvents.new(ARGV[3])

-- compute: every entry decoded and checked, then applied to the batch's tables
local entries = read[1][2]
local jsons, errors, records, recordAt, refused = {}, {}, {}, {}, {}
for k, entry in ipairs(entries) do
  local fields = entry[2]
  local json = ''
  for i = 1, #fields, 2 do
    if fields[i] == 'r' then json = fields[i + 1] end
  end
  jsons[k] = json
  local r, err = decodeRecord(json)
  if r then
    records[#records + 1] = r
    recordAt[#records] = k
  else
    errors[k] = err
  end
end
aggregation.compute(records, refused)
for j, err in pairs(refused) do errors[recordAt[j]] = err end

-- write
local applied, failed = 0, {}
for k, entry in ipairs(entries) do
  local err = errors[k]
  if err then
    failed[#failed + 1] = entry[1]
    redis.call('XADD', deadLetters, 'MAXLEN', '~', DEAD_LETTERS_KEPT, '*', 'sid', entry[1], 'error', describe(err), 'record', jsons[k])
  else
    applied = applied + 1
  end
end
local touchedList = aggregation.write(tonumber(ARGV[6]))
AggregateEvents.trimLog(stream, entries[#entries][1], tonumber(ARGV[5]), ARGV[3] .. 'archive:cursor')
-- the types applied, once each: a batch with a call goes to the walls at once (common/live-calls.ts)
local typeSeen, types = {}, {}
for j, r in ipairs(records) do
  if not refused[j] and not typeSeen[r.t] then
    typeSeen[r.t] = true
    types[#types + 1] = r.t
  end
end
return { applied, failed, touchedList, types }
