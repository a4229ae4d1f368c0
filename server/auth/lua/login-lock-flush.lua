-- Writes one `signin.locked` audit entry for each lockout that has ended, with the number of
-- attempts it refused, and forgets the lockout: however many requests a locked user name or
-- address sends, the audit grows by one entry. Atomic, so with several hubs flushing each
-- lockout is written once.
--
-- KEYS[1] lockouts by end (Redis time, ms)   KEYS[2] the audit stream
-- ARGV[1] the hub's clock (ms)   ARGV[2] prefix of the lockout hashes   ARGV[3] most lockouts per call
-- Answers {entries written, lockouts taken off the list}.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ended = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local written = 0
for _, member in ipairs(ended) do
  local key = ARGV[2] .. member
  local flat = redis.call('HGETALL', key)
  local h = {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  if h.refused then
    -- a user-name lockout is about that user; an address lockout about the address (the user
    -- name is the last one tried from it)
    local target = h.kind == 'address' and h.ip or h.user
    local detail = '{"lock":' .. cjson.encode(h.kind) .. ',"refused":' .. h.refused ..
      ',"first":' .. h.first .. ',"last":' .. h.last .. '}'
    redis.call('XADD', KEYS[2], '*', 'at', ARGV[1], 'actor', h.user, 'action', 'signin.locked',
      'target', target, 'ip', h.ip, 'dept', '', 'detail', detail)
    written = written + 1
  end
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[1], member)
end
return { written, #ended }
