-- Working days, for every script that counts them (the aggregation's case deadlines, the alert
-- engine's cards): the calendar's exceptions from the hash the hub syncs at start
-- (server/aggregate/calendar-sync.ts: day index -> '1' make-up workday / '0' holiday), otherwise
-- Monday to Friday. Day indexes count days since 1970-01-01 in Asia/Shanghai, a Thursday.
-- Input: the calendar hash's key. Each instance remembers the days it looked up.
local WorkingDays = {}
do
  local THURSDAY = 4 -- the weekday of day 0 (0 Sunday .. 6 Saturday)

  function WorkingDays.new(calendarKey)
    local cache = {}
    local function isWorkday(d)
      local w = cache[d]
      if w == nil then
        local v = redis.call('HGET', calendarKey, tostring(d))
        if v then w = (v == '1') else local wd = (d + THURSDAY) % 7; w = (wd ~= 0 and wd ~= 6) end
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
    return { isWorkday = isWorkday, addWorkdays = addWorkdays, workdaysBetween = workdaysBetween }
  end
end
