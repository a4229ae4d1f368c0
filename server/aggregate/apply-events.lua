-- Reads the next entries of the event stream for the aggregators' group and applies them to the
-- aggregates, in one atomic script: reading, applying and acknowledging cannot come apart, so
-- every entry is applied exactly once whichever hub runs the script and whenever one crashes.
-- (The read is NOACK: with the read and the apply in one script there is nothing to keep pending.)
-- KEYS[1] stream, KEYS[2] dead-letter stream
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] key prefix, ARGV[4] count, ARGV[5] log retention (ms)
local stream, group, consumer, P, DEAD_LETTERS = KEYS[1], ARGV[1], ARGV[2], ARGV[3], KEYS[2]

--#include aggregate-events.lua

local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', tonumber(ARGV[4]), 'NOACK', 'STREAMS', stream, '>')
if not read then return { 0, {}, {} } end -- nothing new

local applied, failed, lastId = 0, {}, '0-0'
for _, entry in ipairs(read[1][2]) do
  local sid, fields = entry[1], entry[2]
  lastId = sid
  local json = nil
  for i = 1, #fields, 2 do
    if fields[i] == 'r' then json = fields[i + 1] end
  end
  if applyRecord(sid, json) then applied = applied + 1 else failed[#failed + 1] = sid end
end
local touchedList = finishBatch()
trimLog(stream, lastId, tonumber(ARGV[5]))
return { applied, failed, touchedList }
