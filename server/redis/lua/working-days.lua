-- Working days for the hub's scripts (prepended to them when they are loaded; see scripts.ts and
-- alerts/alert-scripts.ts): calendar exceptions from the hash the hub syncs at start (day index ->
-- '1' make-up workday / '0' holiday), otherwise Monday to Friday. Day indexes count days since
-- 1970-01-01 in Asia/Shanghai, which was a Thursday.
local function workingDays(calendarKey)
  local cache = {}
  local function isWorkday(d)
    local w = cache[d]
    if w == nil then
      local v = redis.call('HGET', calendarKey, tostring(d))
      if v then w = (v == '1') else local wd = (d + 4) % 7; w = (wd ~= 0 and wd ~= 6) end
      cache[d] = w
    end
    return w
  end
  -- the date `n` working days after `d` (d not counted; n = 0 gives d)
  local function addWorkdays(d, n)
    while n > 0 do d = d + 1; if isWorkday(d) then n = n - 1 end end
    return d
  end
  -- working days in [a, b): how long a suspended case's clock stood still
  local function workdaysBetween(a, b)
    local n = 0
    for d = a, b - 1 do if isWorkday(d) then n = n + 1 end end
    return n
  end
  return isWorkday, addWorkdays, workdaysBetween
end
