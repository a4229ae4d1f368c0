-- Swaps one rebuilt day in: the day's live keys are replaced by the scratch keys computed for it,
-- and the month totals move by what the day's totals changed, in one atomic step, so a reader sees
-- the day as it was or as rebuilt, never half (server/archive/rebuild.ts). Keys of other days are
-- not touched.
-- Unless the aggregators' group is absent (a restore into an empty Redis), the swap is refused when
-- the live aggregation applied an event of this day after the replay's cut (the group's last id then),
-- so none is lost or counted twice: the caller replays what came since and tries again.
-- ARGV[1] stream, ARGV[2] group, ARGV[3] the cut (last stream id replayed, '' for none), ARGV[4] the day,
-- ARGV[5] live month key prefix (`<P>aggmo:`), ARGV[6] the month (YYYY-MM),
-- ARGV[7] month fields (comma-separated exact names), ARGV[8] month field prefixes (comma-separated),
-- ARGV[9] the day-hash fields others write (the alert engine's, the follow-ups'; comma-separated): kept as they are,
-- ARGV[10] n = live keys to delete, ARGV[11 .. 10+n] those keys, then pairs (scratch key, live key) to rename,
-- then '--days' and the day hashes as triples (scope, live day key, scratch day key or '') for the month totals.
-- Answers { 1, '' } when swapped, { 0, last id } when the day moved since the cut.

local stream, group, cut, day = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local function idParts(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function after(a, b)
  local am, as = idParts(a)
  local bm, bs = idParts(b)
  return am > bm or (am == bm and as > bs)
end

-- the guard: what the live aggregation applied past the cut, if anything of this day
if cut ~= '' then
  local last = nil
  local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', stream)
  if ok then
    for _, g in ipairs(groups) do
      local name, lastId = nil, nil
      for i = 1, #g, 2 do
        if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then lastId = g[i + 1] end
      end
      if name == group then last = lastId end
    end
  end
  if last and after(last, cut) then
    local entries = redis.call('XRANGE', stream, '(' .. cut, last)
    for _, entry in ipairs(entries) do
      local fields = entry[2]
      for i = 1, #fields, 2 do
        if fields[i] == 'r' then
          local ok2, r = pcall(cjson.decode, fields[i + 1])
          if ok2 and type(r) == 'table' and tostring(r.day) == day then return { 0, last } end
        end
      end
    end
  end
end

local n = tonumber(ARGV[10])
local pairsAt = 11 + n
local keptFields = {}
for f in string.gmatch(ARGV[9], '[^,]+') do keptFields[#keptFields + 1] = f end
local kept = {} -- live day key -> the others' fields and values
-- the month totals: the fields a day shares with its month (trading, fees) move by new - old
local exact, prefixes = {}, {}
for f in string.gmatch(ARGV[7], '[^,]+') do exact[f] = true end
for f in string.gmatch(ARGV[8], '[^,]+') do prefixes[#prefixes + 1] = f end
local function monthly(f)
  if exact[f] then return true end
  for _, p in ipairs(prefixes) do
    if string.sub(f, 1, #p) == p then return true end
  end
  return false
end
local renames = {}
local i = pairsAt
while ARGV[i] ~= '--days' do
  renames[#renames + 1] = { ARGV[i], ARGV[i + 1] }
  i = i + 2
end
i = i + 1
while i <= #ARGV do
  local scope, liveKey, scratchKey = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local delta = {}
  local values = redis.call('HMGET', liveKey, unpack(keptFields))
  local keep = {}
  for j, f in ipairs(keptFields) do
    if values[j] then keep[#keep + 1] = f; keep[#keep + 1] = values[j] end
  end
  if #keep > 0 then kept[liveKey] = keep end
  local old = redis.call('HGETALL', liveKey)
  for j = 1, #old, 2 do
    if monthly(old[j]) then delta[old[j]] = (delta[old[j]] or 0) - tonumber(old[j + 1]) end
  end
  if scratchKey ~= '' then
    local new = redis.call('HGETALL', scratchKey)
    for j = 1, #new, 2 do
      if monthly(new[j]) then delta[new[j]] = (delta[new[j]] or 0) + tonumber(new[j + 1]) end
    end
  end
  for f, d in pairs(delta) do
    if d ~= 0 then redis.call('HINCRBY', ARGV[5] .. scope .. ':' .. ARGV[6], f, string.format('%d', d)) end
  end
  i = i + 3
end

for k = 11, 10 + n do redis.call('UNLINK', ARGV[k]) end
-- a scratch key may have expired since it was listed (the per-minute detail of an old day lives 1 ms)
for _, r in ipairs(renames) do
  if redis.call('EXISTS', r[1]) == 1 then redis.call('RENAME', r[1], r[2]) end
end
-- what the aggregation does not write, as it was (a field the replay wrote too is overwritten: not one)
for key, keep in pairs(kept) do redis.call('HSET', key, unpack(keep)) end
return { 1, '' }
