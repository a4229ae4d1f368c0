-- Cases, whatever the order their events arrive in (docs/metrics.md). A case's hash keeps the
-- events of its life (`ev`, JSON) and what they were counted as (`out`, JSON). Each new event
-- joins the others, the outcome is derived again from all of them in time order, and the counts
-- move from the old outcome to the new one: a suspension stamped before a completion that was
-- counted already moves the due date, and the completion from overdue to on time. The stored
-- outcome, not one derived again, is what gets taken back, so a change of the holiday calendar
-- cannot make the counts drift. Included by aggregate-events.lua after batch-writes.lua and
-- record-check.lua; expects P and the working-days functions.

local isWorkday, addWorkdays, workdaysBetween = workingDays(P .. 'calendar')
local function deadlineOf(dueDay) return (dueDay + 1) * DAY_MS - OFFSET_MS end

local CLOSED_CASE_TTL = 86400 * 60 -- a closed case, and the events of one never accepted, after its last event
local MAX_CASE_EVENTS = 64 -- a case's life is a handful of events; a source sending more is refused
-- same instant: acceptance, then suspension, resumption, closing; then by event id
local CASE_RANK = { ['case.accepted'] = 1, ['case.suspended'] = 2, ['case.resumed'] = 3, ['case.completed'] = 4, ['case.returned'] = 4 }
-- (ids compared byte by byte: Lua's `<` on strings follows the locale Redis was started in)
local function bytesBefore(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local function earlier(a, b)
  if a.ms ~= b.ms then return a.ms < b.ms end
  local ra, rb = CASE_RANK[a.t], CASE_RANK[b.t]
  if ra ~= rb then return ra < rb end
  return bytesBefore(a.id, b.id)
end

-- The definitions, applied to a life in time order. The first acceptance counts (a later one is a
-- repeat); suspensions and resumptions count between acceptance and closing; the first closing
-- closes, and one stamped before the acceptance closes the case when it is accepted. Answers the
-- outcome: scopes `s`, acceptance `a` and closing `c` (each with day, hh, mm), `due` on closing,
-- `dl` the deadline while the case is open and not suspended, and the status (open, suspended,
-- done, returned, or not accepted).
local function outcomeOf(life)
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
  local o = { status = status or 'not accepted' }
  if not acc then return o end
  o.s, o.a = acc.s, { day = acc.day, hh = acc.hh, mm = acc.mm }
  if close then
    o.c = { how = close.t == 'case.completed' and 'done' or 'returned', day = close.day, hh = close.hh, mm = close.mm, due = due }
    o.status = o.c.how
  elseif status == 'open' then
    o.dl = deadlineOf(due)
  end
  o.due = due
  return o
end

-- Adds (sign 1) or takes back (sign -1) what an outcome counts.
local function countOutcome(o, sign, id)
  if not o.a then return end
  local scopes = split(o.s)
  bump(scopes, o.a, 'acc', sign, true)
  bump(scopes, o.a, 'net', sign, false)
  local c = o.c
  if not c then
    gauge(scopes, 'open', sign)
  elseif c.how == 'done' then
    bump(scopes, c, 'done', sign, true)
    if c.day < c.due then bump(scopes, c, 'early', sign, false) end
    if c.day <= c.due then bump(scopes, c, 'ontime', sign, false) else bump(scopes, c, 'overdue', sign, false) end
    bump(scopes, c, 'net', -sign, false)
  else
    bump(scopes, c, 'returned', sign, false)
    bump(scopes, c, 'net', -sign, false)
  end
  -- open and not suspended: in the scopes' open-case sets by deadline (the overdue-now figure)
  if o.dl then
    for _, s in ipairs(scopes) do zset(P .. 'open:' .. s, id, sign > 0 and o.dl or false) end
  end
end

-- A hash written before cases kept their events (status, acceptedAt, acceptedDay, due, susp,
-- scopes, closedAt, early): its life as events, the acceptance carrying the due date it had.
local function clockOf(ms)
  local m = math.floor(((ms + OFFSET_MS) % DAY_MS) / 60000)
  return math.floor((ms + OFFSET_MS) / DAY_MS), string.format('%02d', math.floor(m / 60)), string.format('%04d', m)
end
local function legacyLife(st)
  if st.status == 'early-close' then
    local r = cjson.decode(st.early)
    return { { t = r.t, ms = r.ms, day = r.day, hh = r.hh, mm = r.mm, id = '' } }
  end
  local ms = tonumber(st.acceptedAt)
  local day, hh, mm = clockOf(ms)
  local life = { { t = 'case.accepted', ms = ms, day = tonumber(st.acceptedDay) or day, hh = hh, mm = mm, id = '', s = st.scopes, due0 = tonumber(st.due), dept = st.dept, item = st.item } }
  if st.status == 'suspended' then
    local susp = tonumber(st.susp)
    life[2] = { t = 'case.suspended', ms = math.max(ms, susp * DAY_MS - OFFSET_MS), day = susp, hh = '00', mm = '0000', id = '' }
  elseif st.status == 'done' or st.status == 'returned' then
    local cms = tonumber(st.closedAt)
    local cday, chh, cmm = clockOf(cms)
    life[2] = { t = st.status == 'done' and 'case.completed' or 'case.returned', ms = cms, day = cday, hh = chh, mm = cmm, id = '' }
  end
  return life
end

local function applyCaseEvent(r)
  local id = r.e.center .. ':' .. r.e.case -- a case number is unique within its center only
  local s = stateOf(P .. 'case:' .. id)
  local st = s.cur
  local life, old
  if st.ev then
    life, old = cjson.decode(st.ev), cjson.decode(st.out)
  elseif st.status then
    life = legacyLife(st)
    old = outcomeOf(life)
  else
    life, old = {}, { status = 'new' }
  end
  if #life >= MAX_CASE_EVENTS then refuse('case', 'case ' .. r.e.case .. ' already has ' .. MAX_CASE_EVENTS .. ' events') end
  local x = { t = r.t, ms = r.ms, day = r.day, hh = r.hh, mm = r.mm, id = r.e.id }
  if r.t == 'case.accepted' then
    x.p, x.s, x.dept, x.item = r.e.promisedDays, table.concat(r.scopes, ','), r.e.dept, r.e.item
  end
  life[#life + 1] = x
  local new = outcomeOf(life)
  -- checked and computed: from here on only the batch's tables change. Taking the old outcome
  -- back and adding the new one cancels out where nothing moved (a zero sum is not written).
  countOutcome(old, -1, id)
  countOutcome(new, 1, id)
  put(s, 'ev', cjson.encode(life))
  put(s, 'out', cjson.encode(new))
  -- readable without decoding, for whoever looks at a case in Redis
  put(s, 'status', new.status)
  if new.due then put(s, 'due', new.due) end
  if new.c or not new.a then s.ttl = CLOSED_CASE_TTL elseif not old.a then s.ttl = false end
  for _, sc in ipairs(r.scopes) do touched[sc] = true end
end
