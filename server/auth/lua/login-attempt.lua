-- One sign-in attempt, counted before its password is checked, in one atomic step: with many
-- attempts in flight at once, only the first `max` of a user name (or of an address) are let
-- through to the password check; the others are refused, and each refusal only adds to its
-- lockout's counter (one audit entry per lockout, written when it ends: login-lock-flush.lua).
--
-- KEYS[1] failures of the user name from the address   KEYS[2] failures from the address
-- KEYS[3] the user-name lockout's hash   KEYS[4] the address lockout's hash   KEYS[5] lockouts by end
-- ARGV[1] max per user name and address   ARGV[2] max per address   ARGV[3] window (ms)
-- ARGV[4] the hub's clock (ms)   ARGV[5] user name   ARGV[6] address
-- ARGV[7] member of KEYS[3] in KEYS[5]   ARGV[8] member of KEYS[4] in KEYS[5]
-- Answers {1, failures of the pair, failures of the address} (this attempt included) when the
-- password may be checked, {0, 'user' | 'address', ms left} when refused.

local window = tonumber(ARGV[3])

local function refuse(kind, counter, lockKey, member)
  local left = redis.call('PTTL', counter)
  -- a counter always has its window; should one not, it must not lock for ever
  if left < 0 then
    left = window
    redis.call('PEXPIRE', counter, left)
  end
  local t = redis.call('TIME')
  local endsAt = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + left
  if redis.call('HINCRBY', lockKey, 'refused', 1) == 1 then
    redis.call('HSET', lockKey, 'kind', kind, 'ip', ARGV[6], 'first', ARGV[4])
  end
  redis.call('HSET', lockKey, 'user', ARGV[5], 'last', ARGV[4])
  -- kept a day past its end should no hub be left to write it to the audit
  redis.call('PEXPIRE', lockKey, left + TIME.DAY_MS)
  redis.call('ZADD', KEYS[5], endsAt, member)
  return { 0, kind, left }
end

local address = tonumber(redis.call('GET', KEYS[2]) or '0')
if address >= tonumber(ARGV[2]) then return refuse('address', KEYS[2], KEYS[4], ARGV[8]) end
local pair = tonumber(redis.call('GET', KEYS[1]) or '0')
if pair >= tonumber(ARGV[1]) then return refuse('user', KEYS[1], KEYS[3], ARGV[7]) end

pair = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], window, 'NX')
address = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], window, 'NX')
return { 1, pair, address }
