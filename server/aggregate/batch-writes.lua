-- What a batch will write, gathered in Lua tables and written at the end (`write`): compute, then
-- write. Redis keeps whatever a script wrote before it failed, so nothing may be written until
-- every record of the batch has been checked and applied to these tables; a record that fails is
-- left out whole (the tables are rebuilt without it, see aggregate-events.lua).
-- Module: `BatchWrites.new(P)`, P the key prefix, answers one batch's tables and the functions that
-- fill and write them; `BatchWrites.int` and `BatchWrites.split` need no batch.
local BatchWrites = {}
do
  local DAY_MS, OFFSET_MS = TIME.DAY_MS, TIME.SHANGHAI_OFFSET_MS
  -- Per-minute detail is kept this many days after the end of its day (Asia/Shanghai): a minute
  -- series spans 2 days at most (SERIES_LIMITS, server/read/series.ts); the third is margin.
  local MINUTE_DETAIL_DAYS = 3
  -- Sums stay exact below 2^53 in Lua (doubles), in the hub (JavaScript numbers) and in Redis.
  BatchWrites.EXACT_MAX = 9007199254740991
  -- The calling board shows the latest calls of a center.
  local RECENT_CALLS = 50

  -- An integer as Redis must receive it: a Lua number goes out as "%.17g" (Redis 7.0) or the
  -- shortest form (7.2+), and HINCRBY refuses "1e+17" or "1e+08"; '%d' writes every digit.
  local function int(n)
    if n > 999999 or n < -999999 then return string.format('%d', n) end
    return n
  end
  BatchWrites.int = int

  -- A list of scopes as stored ('a,b,c') back into a table.
  function BatchWrites.split(s)
    local t = {}
    for x in string.gmatch(s or '', '[^,]+') do t[#t + 1] = x end
    return t
  end

  function BatchWrites.new(P)
    local counters, expiries, touched -- key -> field -> sum; minute key -> day; scope -> true
    local states -- hash key -> { cur = fields as they will be, set = fields to write, del = fields to delete, ttl }
    local zsets -- sorted set key -> member -> score, or false to remove it
    local lists -- list key -> values to LPUSH, in order
    local visitors, visitorLists -- HyperLogLog key -> visitor ids; scope -> day -> the list in `visitors`
    local function reset()
      counters, expiries, touched, states, zsets, lists, visitors, visitorLists = {}, {}, {}, {}, {}, {}, {}, {}
    end
    reset()

    local function add(key, field, n)
      local h = counters[key]
      if not h then h = {}; counters[key] = h end
      h[field] = (h[field] or 0) + n
    end
    -- what the batch adds to a field so far
    local function pending(key, field)
      local h = counters[key]
      return h and h[field] or 0
    end
    local function touch(s) touched[s] = true end
    -- Key and field names are built once per batch and looked up after: most events of a batch share
    -- their scopes, day, hour and minute, and building strings is much of the script's cost. (Names
    -- depend on nothing but their parts, so these caches outlive reset.)
    local dayKeys, bucketFields = {}, {}
    local function keysOf(s, day)
      local byScope = dayKeys[s]
      if not byScope then byScope = {}; dayKeys[s] = byScope end
      local k = byScope[day]
      if not k then
        k = { P .. 'agg:' .. s .. ':' .. day, P .. 'aggh:' .. s .. ':' .. day, P .. 'aggm:' .. s .. ':' .. day }
        byScope[day] = k
      end
      return k
    end
    local function bucketField(field, bucket)
      local byField = bucketFields[field]
      if not byField then byField = {}; bucketFields[field] = byField end
      local f = byField[bucket]
      if not f then f = field .. COUNTING.BUCKET_SEPARATOR .. bucket; byField[bucket] = f end
      return f
    end
    -- day totals always; hour and minute buckets when `timed` (for trends). `at` holds day, hh, mm
    -- (a record, or a case's stored acceptance or closing).
    -- (`add` and `keysOf` written out: a ticket's or a case's event bumps a dozen fields in four
    -- or five scopes, and the calls were a good part of the script's compute)
    local function bump(scopes, at, field, n, timed)
      local day, hourField, minuteField = at.day, nil, nil
      if timed then hourField, minuteField = bucketField(field, at.hh), bucketField(field, at.mm) end
      for i = 1, #scopes do
        local s = scopes[i]
        touched[s] = true
        local byScope = dayKeys[s]
        local k = byScope and byScope[day] or keysOf(s, day)
        local h = counters[k[1]]
        if not h then h = {}; counters[k[1]] = h end
        h[field] = (h[field] or 0) + n
        if timed then
          h = counters[k[2]]
          if not h then h = {}; counters[k[2]] = h end
          h[hourField] = (h[hourField] or 0) + n
          h = counters[k[3]]
          if not h then h = {}; counters[k[3]] = h end
          h[minuteField] = (h[minuteField] or 0) + n
          expiries[k[3]] = day
        end
      end
    end
    local function gauge(scopes, field, n)
      for _, s in ipairs(scopes) do touched[s] = true; add(P .. 'gauge:' .. s, field, n) end
    end

    -- Hashes read once per batch and changed in memory. `blind`: written without being read (the
    -- fields Redis holds are read, under the ones written, only if a later record asks).
    local function stateOf(key, blind)
      local s = states[key]
      if not s then s = { cur = {}, set = {}, del = {}, loaded = false }; states[key] = s end
      if not blind and not s.loaded then
        local flat, cur, set, del = redis.call('HGETALL', key), s.cur, s.set, s.del
        for i = 1, #flat, 2 do
          local f = flat[i]
          if not set[f] and not del[f] then cur[f] = flat[i + 1] end
        end
        s.loaded = true
      end
      return s
    end
    local function put(s, field, value) s.cur[field] = value; s.set[field] = true; s.del[field] = nil end
    local function drop(s, field) s.cur[field] = nil; s.del[field] = true; s.set[field] = nil end

    local function zset(key, member, score)
      local z = zsets[key]
      if not z then z = {}; zsets[key] = z end
      z[member] = score
    end
    local function push(key, value)
      local l = lists[key]
      if not l then l = {}; lists[key] = l end
      l[#l + 1] = value
    end
    -- a scope's day of visitors (its HyperLogLog) gets every id of `ids`
    local function visitAll(s, day, ids)
      local byDay = visitorLists[s]
      if not byDay then byDay = {}; visitorLists[s] = byDay end
      local list = byDay[day]
      if not list then
        list = {}
        byDay[day] = list
        visitors[P .. 'uv:' .. s .. ':' .. day] = list
      end
      local n = #list
      for i = 1, #ids do list[n + i] = ids[i] end
    end

    -- The write half. Everything it hands Redis was computed and checked before its first command:
    -- integers within 2^53 (the records were checked, money sums against what Redis holds), so no
    -- command here fails on a value. Expiries are durations from the hub's clock (nowMs), never
    -- calendar instants: Redis's own clock would otherwise decide how long a day's detail lives, and
    -- a hub (or a test) with its own clock could not reason about it. Answers the scopes touched.
    local function write(nowMs)
      for key, fields in pairs(counters) do
        for field, n in pairs(fields) do
          if n ~= 0 then redis.call('HINCRBY', key, field, int(n)) end
        end
      end
      for key, list in pairs(visitors) do
        for i = 1, #list, 500 do redis.call('PFADD', key, unpack(list, i, math.min(i + 499, #list))) end
      end
      for key, day in pairs(expiries) do
        redis.call('PEXPIRE', key, int(math.max(1, (day + 1 + MINUTE_DETAIL_DAYS) * DAY_MS - OFFSET_MS - nowMs)))
      end
      for key, s in pairs(states) do
        local dels, args = {}, {}
        for f in pairs(s.del) do dels[#dels + 1] = f end
        for f in pairs(s.set) do
          local v = s.cur[f]
          args[#args + 1] = f
          args[#args + 1] = type(v) == 'number' and int(v) or v
        end
        if #dels > 0 then redis.call('HDEL', key, unpack(dels)) end
        if #args > 0 then redis.call('HSET', key, unpack(args)) end
        if s.ttl then redis.call('EXPIRE', key, s.ttl) elseif s.ttl == false then redis.call('PERSIST', key) end
      end
      for key, members in pairs(zsets) do
        local adds, rems = {}, {}
        for m, score in pairs(members) do
          if score then adds[#adds + 1] = int(score); adds[#adds + 1] = m else rems[#rems + 1] = m end
        end
        if #rems > 0 then redis.call('ZREM', key, unpack(rems)) end
        if #adds > 0 then redis.call('ZADD', key, unpack(adds)) end
      end
      for key, list in pairs(lists) do
        -- the newest last, as one LPUSH per value would leave them
        redis.call('LPUSH', key, unpack(list, math.max(1, #list - RECENT_CALLS + 1)))
        redis.call('LTRIM', key, 0, RECENT_CALLS - 1)
      end
      local touchedList = {}
      for s in pairs(touched) do touchedList[#touchedList + 1] = s end
      return touchedList
    end

    return {
      reset = reset, add = add, pending = pending, touch = touch, keysOf = keysOf, bump = bump, gauge = gauge,
      stateOf = stateOf, put = put, drop = drop, zset = zset, push = push, visitAll = visitAll, write = write,
    }
  end
end
