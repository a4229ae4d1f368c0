-- Stores a configuration section when its version is still the one the writer read: a
-- compare-and-set in one atomic step, announced on the change channel so every hub applies it.
--
-- KEYS[1] the section's hash (json, version, updatedAt, updatedBy)
-- ARGV[1] the expected version: '*' any, 'none' only while the section is not stored (the seed
--         from the files), or a number   ARGV[2] the section's JSON
-- ARGV[3] updatedAt (ms; '' for the seed)   ARGV[4] updatedBy ('' for the seed)
-- ARGV[5] the change channel   ARGV[6] the section's name
-- Answers {1, the new version} when stored, {0, the current version} when refused.

local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local expected = ARGV[1]
if expected == 'none' then
  if current > 0 then
    return { 0, current }
  end
elseif expected ~= '*' and tonumber(expected) ~= current then
  return { 0, current }
end
local version = current + 1
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', version, 'updatedAt', ARGV[3], 'updatedBy', ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6] .. ' ' .. version)
return { 1, version }
