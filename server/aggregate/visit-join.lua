-- The join key (docs/metrics.md, "Visits and their cases"): a `case.accepted` may name the ticket of
-- the visit that led to it, a `rating.submitted` its ticket and its case. Sources are independent,
-- so either side of a join may arrive first: each side keeps what the other will need, and every
-- count is derived again from what is known whenever a side arrives, moving the counts from what
-- they were counted as to what they are now (the counted state is stored, never derived again).
-- The figures of a day are therefore the same in whatever order its events arrive.
--
-- Kept in the ticket's hash (`t:<center>:<day>:<ticket>`, event-handlers.lua; its fields here all
-- start with `j`):
--   jw, jwS, jwD   the visit's wait (whole seconds, summed over its calls), its scopes and day
--   jc, jcMs, jcId, jcItem   the case accepted from the visit: the earliest (time, then event id)
--   jo, joS, joD, joW        what the wait is counted as now ('c' ended in a case, 'n' did not)
--   jr             the ratings naming the ticket and no case, each with the item it is counted in
-- and, for ratings naming a case not accepted yet, `jrc:<center>:<case>` (rating id -> JSON).
-- Module: `VisitJoin.new(P, batch)`, P the key prefix and batch the batch's BatchWrites, answers
-- { ticketChanged(s), ticketKey(center, day, ticket), caseAccepted(r, item), rating(r), caseItem(caseState) }.
--#include batch-writes.lua
local VisitJoin = {}
do
  local split = BatchWrites.split
  -- A ticket belongs to one day and its state is kept as long (event-handlers.lua): a join found
  -- through a ticket is a join of that day's visit.
  local KEEP_S = 3 * TIME.DAY_S
  -- Ratings of one visit kept for its join: a handful at most; more are counted without an item.
  local MAX_VISIT_RATINGS = 20

  -- ids compared byte by byte (Lua's `<` on strings follows the locale Redis was started in)
  local function bytesBefore(a, b)
    for i = 1, math.min(#a, #b) do
      local x, y = string.byte(a, i), string.byte(b, i)
      if x ~= y then return x < y end
    end
    return #a < #b
  end

  function VisitJoin.new(P, batch)
    local bump, put, drop, stateOf = batch.bump, batch.put, batch.drop, batch.stateOf

    local function ticketKey(center, day, ticket) return P .. 't:' .. center .. ':' .. day .. ':' .. ticket end

    -- Wait of a visit ------------------------------------------------------------------------------
    local function countWait(how, scopes, day, secs, sign)
      local at = { day = tonumber(day) }
      local list = split(scopes)
      if how == 'c' then
        bump(list, at, C.waitCaseSumSec, sign * secs, false)
        bump(list, at, C.waitCaseCount, sign, false)
      else
        bump(list, at, C.waitNoCaseSumSec, sign * secs, false)
        bump(list, at, C.waitNoCaseCount, sign, false)
      end
    end
    -- After any change to a ticket's hash: the wait counts as ended in a case once a case names the
    -- visit, as not ended in one once the ticket is finished without a case; not at all before.
    local function ticketChanged(s)
      local st = s.cur
      local want = nil
      if st.jw then
        if st.jc then want = 'c' elseif st.finishedAt then want = 'n' end
      end
      local had = st.jo
      if want == had and (want == nil or (tostring(st.joW) == tostring(st.jw) and st.joS == st.jwS and tostring(st.joD) == tostring(st.jwD))) then return end
      if had then countWait(had, st.joS, st.joD, tonumber(st.joW), -1) end
      if want then
        countWait(want, st.jwS, st.jwD, tonumber(st.jw), 1)
        put(s, 'jo', want); put(s, 'joS', st.jwS); put(s, 'joD', tostring(st.jwD)); put(s, 'joW', tostring(st.jw))
      else
        drop(s, 'jo'); drop(s, 'joS'); drop(s, 'joD'); drop(s, 'joW')
      end
    end

    -- Ratings by item ------------------------------------------------------------------------------
    -- a rating as kept for its join: d (day), s (scopes), b (1 for a bad rating), it (item counted)
    local function countRating(x, item, sign)
      local list, at = split(x.s), { day = x.d }
      bump(list, at, C.ratedOfItem .. item, sign, false)
      if x.b == 1 then bump(list, at, C.badOfItem .. item, sign, false) end
    end
    -- moves the visit's ratings to the item of its case (now known, or changed to an earlier case)
    local function rejoinVisitRatings(s)
      local item = s.cur.jcItem
      if not s.cur.jr then return end
      local list = cjson.decode(s.cur.jr)
      for _, x in ipairs(list) do
        if x.it ~= item then
          if x.it then countRating(x, x.it, -1) end
          countRating(x, item, 1)
          x.it = item
        end
      end
      put(s, 'jr', cjson.encode(list))
    end

    -- The item of a case, once accepted: the `item` field the case's hash keeps, or for a case
    -- stored before it kept one, its first acceptance's item.
    local function caseItem(cs)
      local st = cs.cur
      if st.item then return st.item end
      if not st.ev or st.status == 'not accepted' then return nil end
      local first
      for _, x in ipairs(cjson.decode(st.ev)) do
        if x.t == 'case.accepted' and (not first or x.ms < first.ms) then first = x end
      end
      return first and first.item or nil
    end

    -- A case accepted (its first acceptance): the ratings that named it before it was known.
    -- And a `case.accepted` naming a ticket (r): the visit ended in a case.
    local function caseAccepted(r, item, first)
      local center = r.e.center
      if first then
        local pend = stateOf(P .. 'jrc:' .. center .. ':' .. r.e.case)
        local rated = false
        for id, json in pairs(pend.cur) do
          countRating(cjson.decode(json), item, 1)
          drop(pend, id)
          rated = true
        end
        if rated then pend.ttl = KEEP_S end
      end
      local ticket = r.e.ticket
      if not ticket then return end
      local s = stateOf(ticketKey(center, r.day, ticket))
      local st = s.cur
      local jcMs = tonumber(st.jcMs)
      if st.jc and not (r.ms < jcMs or (r.ms == jcMs and bytesBefore(r.e.id, st.jcId))) then return end
      put(s, 'jc', r.e.case); put(s, 'jcMs', r.ms); put(s, 'jcId', r.e.id); put(s, 'jcItem', item)
      rejoinVisitRatings(s)
      ticketChanged(s)
      s.ttl = KEEP_S
    end

    local function rating(r)
      local e = r.e
      local x = { d = r.day, s = table.concat(r.scopes, ','), b = e.score <= COUNTING.BAD_RATING_MAX_SCORE and 1 or 0 }
      if e.case then
        local item = caseItem(stateOf(P .. 'case:' .. e.center .. ':' .. e.case))
        if item then
          countRating(x, item, 1)
        else
          -- counted when the case is accepted (caseAccepted)
          local pend = stateOf(P .. 'jrc:' .. e.center .. ':' .. e.case)
          put(pend, e.id, cjson.encode(x))
          pend.ttl = KEEP_S
        end
      elseif e.ticket then
        local s = stateOf(ticketKey(e.center, r.day, e.ticket))
        local list = s.cur.jr and cjson.decode(s.cur.jr) or {}
        if #list >= MAX_VISIT_RATINGS then return end
        x.it = s.cur.jcItem
        if x.it then countRating(x, x.it, 1) end
        list[#list + 1] = x
        put(s, 'jr', cjson.encode(list))
        s.ttl = KEEP_S
      end
    end

    return { ticketChanged = ticketChanged, ticketKey = ticketKey, caseAccepted = caseAccepted, rating = rating, caseItem = caseItem }
  end
end
