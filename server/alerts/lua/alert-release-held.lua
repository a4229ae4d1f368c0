-- Gives held timers back to the timer set once their source has reported up to their time
-- (server/alerts/watermarks.ts): the engine's next look at the due timers fires them then, with
-- the score they always had. Running it twice, or in two processes at once, changes nothing more.
-- ARGV[1] prefix, then pairs: a held set (`day:<center>|<source>` or `any:…`), the time up to
-- which its timers are released (epoch ms). Answers how many were released.
local P = ARGV[1]
-- a bound per call and set: the rest follow at the next tick
local BATCH = 1000
local released = 0
for i = 2, #ARGV, 2 do
  local key = P .. 'alerts:held:' .. ARGV[i]
  local flat = redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[i + 1], 'WITHSCORES', 'LIMIT', 0, BATCH)
  for j = 1, #flat, 2 do
    redis.call('ZADD', P .. 'alerts:timers', flat[j + 1], flat[j])
    redis.call('ZREM', key, flat[j])
    redis.call('HDEL', P .. 'alerts:held-of', flat[j])
    released = released + 1
  end
end
return released
