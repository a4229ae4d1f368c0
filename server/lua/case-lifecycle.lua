-- A case's state from its events: the one definition used by the aggregation
-- (server/aggregate/case-events.lua) and by the alert engine (server/alerts/lua/alert-cases.lua), so
-- the figures and the red and yellow cards agree by construction, whatever order the events arrive
-- in (docs/metrics.md, "Order of a case's events"). Pure: the state follows from the events and the
-- working-day calendar alone.
-- An event of a life: { t (type), ms (epoch ms of its `at`), day (day index of its `at`), id (the
-- event's id) } and, on an acceptance, p (promisedDays) or due0 (the due day of a case stored before
-- cases kept their events); callers keep what else they need on it (scopes, an alert's spec).
local CaseLifecycle = {}
do
  -- The events of a case, and at the same instant their order: acceptance, then suspension,
  -- resumption, completion or return; then by event id.
  local RANK = { ['case.accepted'] = 1, ['case.suspended'] = 2, ['case.resumed'] = 3, ['case.completed'] = 4, ['case.returned'] = 4 }
  CaseLifecycle.RANK = RANK
  -- A case's life is a handful of events: a source sending more for one case is refused.
  CaseLifecycle.MAX_EVENTS = 64
  -- An ended case, and the events of one never accepted, are kept this many days after the last
  -- event: a repeat within that time changes nothing; after it, an acceptance starts a new case.
  CaseLifecycle.ENDED_KEEP_DAYS = 60

  -- ids compared byte by byte: Lua's `<` on strings follows the locale Redis was started in
  local function bytesBefore(a, b)
    for i = 1, math.min(#a, #b) do
      local x, y = string.byte(a, i), string.byte(b, i)
      if x ~= y then return x < y end
    end
    return #a < #b
  end
  local function earlier(a, b)
    if a.ms ~= b.ms then return a.ms < b.ms end
    local ra, rb = RANK[a.t], RANK[b.t]
    if ra ~= rb then return ra < rb end
    return bytesBefore(a.id, b.id)
  end

  -- The definitions, applied to a life in time order (the life is sorted in place). The first
  -- acceptance counts (a later one is a repeat); suspensions and resumptions count between the
  -- acceptance and the closing; the first completion or return closes, and one stamped before the
  -- acceptance closes the case when it is accepted. `workdays`: a WorkingDays instance.
  -- Answers { status = 'not accepted' | 'open' | 'suspended' | 'done' | 'returned', accepted (the
  -- acceptance that counts), closing (the event that closed it), due (the due day, moved by the
  -- working days spent suspended), suspendedSince (the day, while suspended) }.
  function CaseLifecycle.derive(life, workdays)
    local addWorkdays, workdaysBetween = workdays.addWorkdays, workdays.workdaysBetween
    table.sort(life, earlier)
    local status, acc, due, susp, close, early = nil, nil, nil, nil, nil, nil
    for _, x in ipairs(life) do
      local t = x.t
      if t == 'case.accepted' then
        if not acc then
          acc, due = x, x.due0 or addWorkdays(x.day, x.p)
          if early then close, status = early, 'closed' else status = 'open' end
        end
      elseif t == 'case.suspended' then
        if status == 'open' then status, susp = 'suspended', x.day end
      elseif t == 'case.resumed' then
        if status == 'suspended' then status, due = 'open', addWorkdays(due, workdaysBetween(susp, x.day)) end
      elseif not close and not early then -- the first completion or return
        if acc then
          if status == 'suspended' then due = addWorkdays(due, workdaysBetween(susp, x.day)) end
          close, status = x, 'closed'
        else
          early = x
        end
      end
    end
    if not acc then return { status = 'not accepted' } end
    if close then
      status = close.t == 'case.completed' and 'done' or 'returned'
      susp = nil
    elseif status ~= 'suspended' then
      susp = nil
    end
    return { status = status, accepted = acc, closing = close, due = due, suspendedSince = susp }
  end
end
