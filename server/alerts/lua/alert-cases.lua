-- Cases in the alert engine: their red and yellow cards (docs/alerts.md). The engine keeps a case's
-- events itself (`alerts:case:<id>`: `ev`, JSON), so it never waits for the aggregator, and derives
-- the case's state from them in time order with the aggregation's own definition
-- (case-lifecycle.lua): the cards follow the same status and due date as the figures, whatever
-- order the events arrive in. When an event changes the state (its status, due date or the
-- acceptance that counts), the case's timers are set from the new state alone:
--   open       red timer at the end of the due date; yellow timer at 00:00 of the day on which
--              `caseYellowDays` working days are left (none for a case accepted after that
--              moment, a 即办件); a card of a deadline that moved into the future is closed
--              (`deadline-moved`);
--   suspended  no timers (its clock stands still); the yellow card closes (`case-suspended`), a
--              red one stays (the lateness happened);
--   done, returned  no timers; both cards close (`case-completed`, `case-returned`).
-- Module: `AlertCases.new(core, P, NOW)`, core the script's AlertCore, P the key prefix, NOW the
-- hub's clock, answers the function that runs a `case` operation (server/alerts/event-ops.ts).
--#include working-days.lua
--#include case-lifecycle.lua
local AlertCases = {}
do
  local DAY_MS, OFFSET_MS = TIME.DAY_MS, TIME.SHANGHAI_OFFSET_MS
  -- An open or suspended case is forgotten this many days after its last event: more than the
  -- longest promise (365 working days), so a case that never ends does not stay for good (its
  -- timers, already armed, still fire, and a late completion still closes its cards by subject).
  local OPEN_CASE_TTL_S = 730 * TIME.DAY_S
  -- an ended case, and the events of one never accepted (case-lifecycle.lua says why)
  local ENDED_CASE_TTL_S = CaseLifecycle.ENDED_KEEP_DAYS * TIME.DAY_S
  local function startOfDay(d) return d * DAY_MS - OFFSET_MS end

  -- A case key written before the engine kept a case's events (status, due, acceptedMs,
  -- yellowDays, spec, susp): its life as events, the acceptance carrying the due date it had.
  local function legacyLife(st)
    local ms = tonumber(st.acceptedMs)
    if not ms then return { { t = 'case.completed', ms = 0, day = 0, id = '' } } end -- closed before it was accepted
    local day = math.floor((ms + OFFSET_MS) / DAY_MS)
    local life = { { t = 'case.accepted', ms = ms, day = day, id = '', due0 = tonumber(st.due), yd = tonumber(st.yellowDays), spec = cjson.decode(st.spec) } }
    if st.status == 'suspended' then
      local susp = tonumber(st.susp)
      life[2] = { t = 'case.suspended', ms = math.max(ms, startOfDay(susp)), day = susp, id = '' }
    elseif st.status == 'done' then
      life[2] = { t = 'case.completed', ms = ms, day = day, id = '' }
    end
    return life
  end
  -- What the cards depend on: the status, the due date and the acceptance that counts.
  local function signature(case)
    local acc = case.accepted
    if not acc then return case.status end
    return case.status .. '|' .. case.due .. '|' .. acc.ms .. '|' .. acc.id
  end

  function AlertCases.new(core, P, NOW)
    local workdays = WorkingDays.new(P .. 'calendar')
    local isWorkday = workdays.isWorkday

    -- The day on which `n` working days (that day included) are left until the end of `due`.
    local function yellowDay(due, n)
      local d = due
      local left = isWorkday(d) and 1 or 0
      while left < n do d = d - 1; if isWorkday(d) then left = left + 1 end end
      return d
    end

    local function arm(id, case)
      local acc = case.accepted
      local deadline = startOfDay(case.due + 1)
      local spec = {}
      for k, v in pairs(acc.spec) do spec[k] = v end
      spec.dueAt = deadline
      local red = {}
      for k, v in pairs(spec) do red[k] = v end
      red.rule, red.severity, red.subject = 'case-red', 'red', 'case-red:' .. id
      -- the cards wait for the source that reported the acceptance (server/alerts/watermarks.ts)
      core.armTimer('case-red:' .. id, deadline, { kind = 'open', spec = red, src = acc.src })
      local yellowDays = acc.yd or 0
      local yellowAt = startOfDay(yellowDay(case.due, yellowDays))
      if yellowDays > 0 and yellowAt > acc.ms and deadline > NOW then
        spec.rule, spec.severity, spec.subject = 'case-yellow', 'yellow', 'case-yellow:' .. id
        core.armTimer('case-yellow:' .. id, yellowAt, { kind = 'open', spec = spec, src = acc.src })
      else
        core.disarmTimer('case-yellow:' .. id)
      end
      if deadline > NOW then core.closeSubject('case-red:' .. id, 'deadline-moved') end
      if yellowAt > NOW then core.closeSubject('case-yellow:' .. id, 'deadline-moved') end
    end
    local function disarm(id)
      core.disarmTimer('case-yellow:' .. id)
      core.disarmTimer('case-red:' .. id)
    end

    return function(op)
      local id = op.case
      local key = P .. 'alerts:case:' .. id
      local flat, st = redis.call('HGETALL', key), {}
      for i = 1, #flat, 2 do st[flat[i]] = flat[i + 1] end
      local life, before = {}, ''
      if st.ev then
        life, before = cjson.decode(st.ev), st.sig
      elseif st.status then
        life = legacyLife(st)
        before = signature(CaseLifecycle.derive(life, workdays))
        redis.call('HDEL', key, 'acceptedMs', 'yellowDays', 'spec', 'susp')
      end
      if #life >= CaseLifecycle.MAX_EVENTS then return end -- as the aggregation refuses it
      local x = { t = 'case.' .. op.kind, ms = op.ms or startOfDay(op.day), day = op.day, id = op.id or '' }
      if op.kind == 'accepted' then x.p, x.yd, x.spec, x.src = op.promisedDays, op.yellowDays, op.spec, op.src end
      life[#life + 1] = x
      local case = CaseLifecycle.derive(life, workdays)
      local after = signature(case)
      redis.call('HSET', key, 'ev', cjson.encode(life), 'sig', after, 'status', case.status)
      if case.due then redis.call('HSET', key, 'due', case.due) end
      local ongoing = case.status == 'open' or case.status == 'suspended'
      redis.call('EXPIRE', key, ongoing and OPEN_CASE_TTL_S or ENDED_CASE_TTL_S)
      if after == before then return end -- a repeat, or an event that changes nothing yet
      if case.status == 'open' then
        arm(id, case)
        return
      end
      disarm(id)
      if case.status == 'suspended' then
        core.closeSubject('case-yellow:' .. id, 'case-suspended')
      elseif case.status == 'done' or case.status == 'returned' then
        local reason = case.status == 'done' and 'case-completed' or 'case-returned'
        core.closeSubject('case-yellow:' .. id, reason)
        core.closeSubject('case-red:' .. id, reason)
      end
    end
  end
end
