-- What each event other than a case's (case-events.lua) or a portal hit's (portal-hits.lua) changes
-- (docs/metrics.md). Handlers read through stateOf and change only the batch's tables
-- (batch-writes.lua); a check that can fail comes before the first change.
-- Module: `EventHandlers.new(P, batch)`, P the key prefix and batch the batch's BatchWrites, answers
-- { ticket = the ticket handlers by type, applyTicket(r), other = the other handlers by type }.
--#include batch-writes.lua
--#include record-check.lua
--#include visit-join.lua
local EventHandlers = {}
do
  local split, refuse, EXACT_MAX = BatchWrites.split, RecordCheck.refuse, BatchWrites.EXACT_MAX
  -- A ticket belongs to one day (its number is the day's): its state is kept 3 days, as long as the
  -- day's per-minute detail, for the day's events that arrive late.
  local TICKET_TTL_S = 3 * TIME.DAY_S
  local WAIT_BUCKETS = 240 -- buckets of the wait histogram (minutes); longer waits share the last one
  local RATED = { C.rated1, C.rated2, C.rated3, C.rated4, C.rated5 } -- the counter of each star count

  function EventHandlers.new(P, batch)
    local bump, put, drop, stateOf, push, add, keysOf, pending = batch.bump, batch.put, batch.drop, batch.stateOf, batch.push, batch.add, batch.keysOf, batch.pending
    local join = VisitJoin.new(P, batch)

    -- Tickets -----------------------------------------------------------------------------------
    -- s: the ticket's hash, which keeps the visit's wait for the join (visit-join.lua)
    local function recordWait(scopes, r, seconds, s)
      if seconds < 0 then seconds = 0 end
      local whole = math.floor(seconds + 0.5)
      put(s, 'jw', tostring((tonumber(s.cur.jw) or 0) + whole)); put(s, 'jwS', table.concat(scopes, ',')); put(s, 'jwD', tostring(r.day))
      bump(scopes, r, C.waitSumSec, whole, false)
      bump(scopes, r, C.waitCount, 1, false)
      bump(scopes, r, C.waitMinute .. math.min(math.floor(seconds / COUNTING.WAIT_BUCKET_SEC), WAIT_BUCKETS), 1, false)
    end
    local function recordService(scopes, r, seconds)
      if seconds < 0 then seconds = 0 end
      bump(scopes, r, C.serviceSumSec, math.floor(seconds + 0.5), false)
      bump(scopes, r, C.serviceCount, 1, false)
    end

    local ticketHandlers = {}
    ticketHandlers['ticket.issued'] = function(r, s, st)
      if st.issuedAt then return end
      put(s, 'issuedAt', r.ms); put(s, 'queueScopes', table.concat(r.scopes, ',')); put(s, 'dept', r.e.dept)
      bump(r.scopes, r, C.issued, 1, true)
      if st.calledAt then
        recordWait(split(st.callScopes), r, (tonumber(st.calledAt) - r.ms) / 1000, s)
      else
        bump(r.scopes, r, C.waiting, 1, false)
      end
    end
    -- The window's LED shows the ticket called to it from the call until the ticket is finished,
    -- missed or sent on (win fields ticket, calledAt, and ticketStartedAt once it is served). A
    -- late event never takes back a later call: each compares its time with the call shown.
    local function shownCall(r)
      local win = stateOf(P .. 'win:' .. r.e.window)
      if win.cur.ticket ~= r.e.ticket or r.ms < (tonumber(win.cur.calledAt) or 0) then return nil end
      return win
    end
    local function clearShown(r)
      local win = shownCall(r)
      if win then drop(win, 'ticket'); drop(win, 'calledAt'); drop(win, 'ticketStartedAt') end
    end

    ticketHandlers['ticket.called'] = function(r, s, st)
      local win = stateOf(P .. 'win:' .. r.e.window)
      local over = tonumber(st.finishedAt or st.noShowAt or '')
      -- a call that arrives after its ticket's end (out of order) or after a later call is not shown
      if r.ms >= (tonumber(win.cur.calledAt) or 0) and not (over and over >= r.ms) then
        put(win, 'ticket', r.e.ticket); put(win, 'calledAt', r.ms); drop(win, 'ticketStartedAt')
      end
      -- the calling board shows recalls too: a citizen who missed the first call hears it again
      push(P .. 'calls:' .. r.e.center, cjson.encode({ ticket = r.e.ticket, window = r.e.window, at = r.ms }))
      if st.calledAt then return end -- a repeated call of the same ticket
      put(s, 'calledAt', r.ms); put(s, 'callScopes', table.concat(r.scopes, ',')); put(s, 'window', r.e.window)
      bump(r.scopes, r, C.called, 1, true)
      if st.issuedAt then
        bump(split(st.queueScopes), r, C.waiting, -1, false)
        recordWait(r.scopes, r, (r.ms - tonumber(st.issuedAt)) / 1000, s)
      end
    end
    ticketHandlers['ticket.started'] = function(r, s, st)
      local win = shownCall(r)
      if win then put(win, 'ticketStartedAt', r.ms) end
      if st.startedAt then return end
      put(s, 'startedAt', r.ms); put(s, 'svcScopes', table.concat(r.scopes, ','))
      bump(r.scopes, r, C.started, 1, false)
      if st.finishedAt then recordService(r.scopes, r, (tonumber(st.finishedAt) - r.ms) / 1000) end
    end
    ticketHandlers['ticket.finished'] = function(r, s, st)
      clearShown(r)
      if st.finishedAt then return end
      put(s, 'finishedAt', r.ms)
      bump(r.scopes, r, C.finished, 1, true)
      if st.startedAt then recordService(r.scopes, r, (r.ms - tonumber(st.startedAt)) / 1000) end
    end
    ticketHandlers['ticket.noshow'] = function(r, s, st)
      clearShown(r)
      if st.noShowAt then return end
      put(s, 'noShowAt', r.ms)
      bump(r.scopes, r, C.noShow, 1, false)
    end
    ticketHandlers['ticket.transferred'] = function(r, s, st)
      -- back in a queue: waiting again from now, and called (and counted as a call) again later
      clearShown(r)
      local queueScopes = st.queueScopes or table.concat(r.scopes, ',')
      bump(r.scopes, r, C.transferred, 1, false)
      bump(split(queueScopes), r, C.waiting, 1, false)
      drop(s, 'calledAt'); drop(s, 'startedAt'); drop(s, 'finishedAt')
      put(s, 'issuedAt', r.ms); put(s, 'queueScopes', queueScopes)
    end
    local function applyTicketEvent(r)
      local s = stateOf(P .. 't:' .. r.e.center .. ':' .. r.day .. ':' .. r.e.ticket)
      ticketHandlers[r.t](r, s, s.cur)
      join.ticketChanged(s)
      s.ttl = TICKET_TTL_S
    end

    -- Everything else ---------------------------------------------------------------------------
    local handlers = {}
    handlers['window.status'] = function(r)
      local s = stateOf(P .. 'win:' .. r.e.window)
      local since = tonumber(s.cur.since or '0')
      if r.ms < since then return end -- older than the status we hold
      local status = s.cur.status
      if (status == 'open' or status == 'serving') and since > 0 then
        -- the stretch is credited to the day it ended in (offices close before midnight)
        bump({ 'window:' .. r.e.window }, r, C.windowOpenSec, math.floor((r.ms - since) / 1000), false)
      end
      put(s, 'status', r.e.status); put(s, 'since', r.ms); put(s, 'staff', r.e.staff or ''); put(s, 'dept', r.e.dept)
    end
    handlers['rating.submitted'] = function(r)
      bump(r.scopes, r, RATED[r.e.score], 1, false)
      bump(r.scopes, r, C.ratings, 1, true)
      if r.e.score <= COUNTING.BAD_RATING_MAX_SCORE then bump(r.scopes, r, C.badRatings, 1, true) end
      join.rating(r)
    end
    handlers['complaint.filed'] = function(r) bump(r.scopes, r, C.complaintsFiled, 1, false) end
    handlers['complaint.closed'] = function(r) bump(r.scopes, r, C.complaintsClosed, 1, false) end
    -- Money: summed in fen, refused when a day's or a month's sum would pass 2^53 - 1 fen (beyond it
    -- neither Lua nor the hub counts exactly). What Redis holds is read once per key and field.
    local stored = {} -- outlives resetBatch: nothing is written before the batch's end
    local function storedSum(key, field)
      local byKey = stored[key]
      if not byKey then byKey = {}; stored[key] = byKey end
      local v = byKey[field]
      if v == nil then v = tonumber(redis.call('HGET', key, field)) or 0; byKey[field] = v end
      return v
    end
    local function checkRoom(key, field, fen, what)
      if storedSum(key, field) + pending(key, field) + fen > EXACT_MAX then
        refuse('amount', 'would take ' .. what .. ' past 2^53 - 1 fen (about 90 trillion yuan), beyond which sums are not exact')
      end
    end
    -- the sums an amount goes into: day fields per scope, then month fields per scope
    local function moneySums(r, label, dayFields, monthFields)
      for _, s in ipairs(r.scopes) do
        local dayKey, monthKey = keysOf(s, r.day)[1], P .. 'aggmo:' .. s .. ':' .. r.month
        for _, f in ipairs(dayFields) do checkRoom(dayKey, f, r.fen, 'the day\'s sum of ' .. label .. ' in ' .. s) end
        for _, f in ipairs(monthFields) do checkRoom(monthKey, f, r.fen, 'the sum of ' .. label .. ' in ' .. s .. ' in ' .. r.month) end
      end
    end
    local function monthly(r, field, n)
      for _, s in ipairs(r.scopes) do add(P .. 'aggmo:' .. s .. ':' .. r.month, field, n) end
    end
    handlers['trade.closed'] = function(r)
      local amountField = C.tradesFenOfCategory .. r.e.category
      moneySums(r, 'trades', { C.tradesFen, amountField }, { amountField })
      bump(r.scopes, r, C.trades, 1, true)
      bump(r.scopes, r, C.tradesFen, r.fen, false)
      bump(r.scopes, r, C.tradesOfCategory .. r.e.category, 1, false)
      bump(r.scopes, r, amountField, r.fen, false)
      monthly(r, C.tradesOfCategory .. r.e.category, 1)
      monthly(r, amountField, r.fen)
    end
    handlers['fee.collected'] = function(r)
      moneySums(r, 'fees', { C.feesFen }, { C.feesFen })
      bump(r.scopes, r, C.fees, 1, true)
      bump(r.scopes, r, C.feesFen, r.fen, false)
      monthly(r, C.fees, 1)
      monthly(r, C.feesFen, r.fen)
    end

    return { ticket = ticketHandlers, applyTicket = applyTicketEvent, other = handlers }
  end
end
