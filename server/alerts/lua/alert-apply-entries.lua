-- Applies a batch of stream entries to the alert state and acknowledges them, atomically, as
-- the aggregator does: an entry counts exactly when it is still pending for this consumer, so
-- a redelivered or claimed-away entry changes nothing the second time.
-- KEYS[1] stream. ARGV[1] prefix, ARGV[2] now, ARGV[3] group, ARGV[4] consumer, ARGV[5] first id,
-- ARGV[6] last id, ARGV[7] pending scan count, then one JSON record per entry: { sid, ops }.
--#include alert-ops.lua
local core, runOp = AlertOps.new(ARGV[1], tonumber(ARGV[2]))
local stream, group, consumer = KEYS[1], ARGV[3], ARGV[4]
local pending = {}
for _, p in ipairs(redis.call('XPENDING', stream, group, ARGV[5], ARGV[6], tonumber(ARGV[7]), consumer)) do
  pending[p[1]] = true
end
local applied, acked = 0, {}
for i = 8, #ARGV do
  local r = cjson.decode(ARGV[i])
  if pending[r.sid] then
    if r.ops then for _, op in ipairs(r.ops) do runOp(op) end end
    applied = applied + 1
    acked[#acked + 1] = r.sid
  end
end
if #acked > 0 then redis.call('XACK', stream, group, unpack(acked)) end
return core.finishScript({ applied = applied })
