-- After the password check of an attempt that login-attempt.lua let through.
-- ARGV[1] = 'reset': the password was right; the pair's failures are forgotten, and the address
--   gets its attempt back (a right password is not a failure, so a hall behind one address is not
--   locked by its own sign-ins).
-- ARGV[1] = 'release': the check could not be made (an error); both get the attempt back.
-- KEYS[1] failures of the user name from the address   KEYS[2] failures from the address
-- Never below zero, and never a counter without its window (a DECR of a key that has just expired
-- would create one that lives for ever).

local function giveBack(key)
  local n = tonumber(redis.call('GET', key) or '0')
  if n > 0 then redis.call('DECR', key) end
end

if ARGV[1] == 'reset' then
  redis.call('DEL', KEYS[1])
else
  giveBack(KEYS[1])
end
giveBack(KEYS[2])
return 1
