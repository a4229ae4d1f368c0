-- Applies archived records to the aggregates under a key prefix with the aggregation's own Lua
-- (aggregate-events.lua), as the backlog script applies the stream's entries: rebuild and time
-- travel (server/archive/) replay days into scratch keys through it, so there is one definition
-- of what an event counts as. A record the check refuses is left out and counted; nothing is
-- dead-lettered (the live aggregation did that when the event first came).
-- ARGV[1] key prefix, ARGV[2] now (epoch ms, the hub's clock: expiries are counted from it),
-- ARGV[3..] the records (the stream entries' `r`, JSON)
--#include aggregate-events.lua

local aggregation = AggregateEvents.new(ARGV[1])
local decodeRecord = AggregateEvents.decodeRecord
local records, refused, unreadable = {}, {}, 0
for i = 3, #ARGV do
  local r = decodeRecord(ARGV[i])
  if r then records[#records + 1] = r else unreadable = unreadable + 1 end
end
aggregation.compute(records, refused)
local left = unreadable
for _ in pairs(refused) do left = left + 1 end
aggregation.write(tonumber(ARGV[2]))
return { #ARGV - 2 - left, left }
