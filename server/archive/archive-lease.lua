-- The archive writer's lease and cursor (docs/archive.md): one hub at a time writes the archive.
-- The lease is a key holding the writer's id with an expiry; the cursor is the stream id of the
-- last entry the archive holds. Moving the cursor and renewing the lease are one step, done only
-- by the holder, so a writer that lost its lease (paused past its expiry) cannot move the cursor.
-- KEYS[1] lease, KEYS[2] cursor
-- ARGV[1] the writer's id, ARGV[2] lease length (ms), ARGV[3] 'claim', 'advance' or 'release' (a
-- writer that stops hands the lease on at once),
-- ARGV[4] (advance) the stream id now archived, or '' to renew only
-- Answers { 1 when the caller holds the lease, the cursor, the holder }.

local lease, cursorKey, me, leaseMs, op = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3]

local function idBefore(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if tonumber(am) ~= tonumber(bm) then return tonumber(am) < tonumber(bm) end
  return tonumber(as) < tonumber(bs)
end

local holder = redis.call('GET', lease)
if op == 'release' then
  if holder == me then redis.call('DEL', lease) end
  return { 0, redis.call('GET', cursorKey) or '', '' }
end
if holder ~= me then
  if op ~= 'claim' or holder then return { 0, redis.call('GET', cursorKey) or '', holder or '' } end
  redis.call('SET', lease, me, 'PX', leaseMs)
else
  redis.call('PEXPIRE', lease, leaseMs)
end
-- the cursor exists from the first claim on: its presence is what holds the log's trim
-- (AggregateEvents.trimLog) until the archive has the entries
redis.call('SET', cursorKey, '0-0', 'NX')
local cursor = redis.call('GET', cursorKey)
if op == 'advance' and ARGV[4] ~= '' and idBefore(cursor, ARGV[4]) then
  redis.call('SET', cursorKey, ARGV[4])
  cursor = ARGV[4]
end
return { 1, cursor, me }
