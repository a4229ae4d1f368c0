-- Cases, whatever the order their events arrive in (docs/metrics.md). A case's hash keeps the
-- events of its life (`ev`, JSON) and what they were counted as (`out`, JSON). Each new event
-- joins the others, the case's state is derived again from all of them in time order
-- (case-lifecycle.lua, the same derivation the alert engine uses), and the counts move from the old
-- outcome to the new one: a suspension stamped before a completion that was counted already moves
-- the due date, and the completion from overdue to on time. The stored outcome, not one derived
-- again, is what gets taken back, so a change of the holiday calendar cannot make the counts drift.
-- Module: `CaseEvents.new(P, batch)`, P the key prefix and batch the batch's BatchWrites, answers the
-- function that applies a case event's record; `CaseEvents.TYPES` the case event types.
--#include batch-writes.lua
--#include record-check.lua
--#include working-days.lua
--#include case-lifecycle.lua
--#include visit-join.lua
local CaseEvents = {}
do
  local DAY_MS, OFFSET_MS = TIME.DAY_MS, TIME.SHANGHAI_OFFSET_MS
  local split, refuse = BatchWrites.split, RecordCheck.refuse
  local MAX_EVENTS = CaseLifecycle.MAX_EVENTS
  -- a closed case, and the events of one never accepted (case-lifecycle.lua says why)
  local ENDED_CASE_TTL_S = CaseLifecycle.ENDED_KEEP_DAYS * TIME.DAY_S
  CaseEvents.TYPES = CaseLifecycle.RANK

  local function deadlineOf(dueDay) return (dueDay + 1) * DAY_MS - OFFSET_MS end

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

  function CaseEvents.new(P, batch)
    local workdays = WorkingDays.new(P .. 'calendar')
    local bump, gauge, zset, stateOf, put, touch = batch.bump, batch.gauge, batch.zset, batch.stateOf, batch.put, batch.touch
    local join = VisitJoin.new(P, batch)

    -- What a life counts as (the case's state, case-lifecycle.lua, in the terms of the counts):
    -- scopes `s`, acceptance `a` and closing `c` (each with day, hh, mm), `due` on closing, `dl` the
    -- deadline while the case is open and not suspended, and the status (open, suspended, done,
    -- returned, or not accepted).
    local function outcomeOf(life)
      local case = CaseLifecycle.derive(life, workdays)
      local o = { status = case.status }
      local acc, close = case.accepted, case.closing
      if not acc then return o end
      o.s, o.a, o.item = acc.s, { day = acc.day, hh = acc.hh, mm = acc.mm }, acc.item
      if close then
        o.c = { how = case.status, day = close.day, hh = close.hh, mm = close.mm, due = case.due }
      elseif case.status == 'open' then
        o.dl = deadlineOf(case.due)
      end
      o.due = case.due
      return o
    end

    -- Adds (sign 1) or takes back (sign -1) what an outcome counts.
    local function countOutcome(o, sign, id)
      if not o.a then return end
      local scopes = split(o.s)
      bump(scopes, o.a, C.accepted, sign, true)
      bump(scopes, o.a, C.casesNet, sign, false)
      -- an outcome stored before cases were counted by item has none: nothing by item to take back
      if o.item then bump(scopes, o.a, C.acceptedOfItem .. o.item, sign, false) end
      local c = o.c
      if not c then
        gauge(scopes, C.openCases, sign)
      elseif c.how == 'done' then
        bump(scopes, c, C.completed, sign, true)
        if c.day < c.due then bump(scopes, c, C.completedEarly, sign, false) end
        if c.day <= c.due then bump(scopes, c, C.completedOnTime, sign, false) else bump(scopes, c, C.completedOverdue, sign, false) end
        bump(scopes, c, C.casesNet, -sign, false)
      else
        bump(scopes, c, C.returned, sign, false)
        if o.item then bump(scopes, c, C.returnedOfItem .. o.item, sign, false) end
        bump(scopes, c, C.casesNet, -sign, false)
      end
      -- open and not suspended: in the scopes' open-case sets by deadline (the overdue-now figure)
      if o.dl then
        for _, s in ipairs(scopes) do zset(P .. 'open:' .. s, id, sign > 0 and o.dl or false) end
      end
    end

    return function(r)
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
      if #life >= MAX_EVENTS then refuse('case', 'case ' .. r.e.case .. ' already has ' .. MAX_EVENTS .. ' events') end
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
      -- the item of the first acceptance, for the ratings that name the case (visit-join.lua)
      if new.item then put(s, 'item', new.item) end
      if r.t == 'case.accepted' then join.caseAccepted(r, new.item or r.e.item, new.a ~= nil and old.a == nil) end
      if new.c or not new.a then s.ttl = ENDED_CASE_TTL_S elseif not old.a then s.ttl = false end
      for _, sc in ipairs(r.scopes) do touch(sc) end
    end
  end
end
