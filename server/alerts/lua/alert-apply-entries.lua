-- Applies a batch of stream entries to the alert state and acknowledges them, atomically, as
-- the aggregator does: an entry counts exactly when it is still pending for this consumer, so
-- a redelivered or claimed-away entry changes nothing the second time. In the same step it moves
-- the sources' watermarks (server/alerts/watermarks.ts), so a watermark never runs ahead of the
-- events the engine has applied.
-- KEYS[1] stream. ARGV[1] prefix, ARGV[2] now, ARGV[3] group, ARGV[4] consumer, ARGV[5] first id,
-- ARGV[6] last id, ARGV[7] pending scan count, ARGV[8] JSON { ["<center>|<source>"] = { the
-- latest event time of the batch, when the hub took the latest entry (epoch ms, its clock) } },
-- then one JSON record per entry: { sid, ops }.
--#include alert-ops.lua
local P, NOW = ARGV[1], tonumber(ARGV[2])
local core, runOp = AlertOps.new(P, NOW)
local stream, group, consumer = KEYS[1], ARGV[3], ARGV[4]
local pending = {}
for _, p in ipairs(redis.call('XPENDING', stream, group, ARGV[5], ARGV[6], tonumber(ARGV[7]), consumer)) do
  pending[p[1]] = true
end
local applied, acked = 0, {}
for i = 9, #ARGV do
  local r = cjson.decode(ARGV[i])
  if pending[r.sid] then
    if r.ops then for _, op in ipairs(r.ops) do runOp(op) end end
    applied = applied + 1
    acked[#acked + 1] = r.sid
  end
end
if #acked > 0 then
  redis.call('XACK', stream, group, unpack(acked))
  -- w: the latest event time applied (a maximum: a repeat changes nothing); lag: how far behind
  -- the hub's clock the source was when it reported the events that last moved w; seen: when it
  -- last reported anything
  local marks = P .. 'alerts:watermark'
  for field, m in pairs(cjson.decode(ARGV[8])) do
    local at, taken = m[1], m[2]
    local json = redis.call('HGET', marks, field)
    local mark = json and cjson.decode(json)
    if not mark or at > mark.w then
      mark = { w = at, lag = taken - at, seen = math.max(taken, mark and mark.seen or taken) }
    else
      mark.seen = math.max(mark.seen, taken)
    end
    redis.call('HSET', marks, field, cjson.encode(mark))
  end
end
return core.finishScript({ applied = applied })
