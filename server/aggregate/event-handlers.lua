-- What each event other than a case's changes (docs/metrics.md). Handlers read through stateOf and
-- change only the batch's tables (batch-writes.lua); a check that can fail comes before the first
-- change. Included by aggregate-events.lua after batch-writes.lua and record-check.lua.

-- Tickets -----------------------------------------------------------------------------------
local TICKET_TTL = 86400 * 3
local WAIT_BUCKETS = 240 -- minutes; longer waits share the last bucket

local function recordWait(scopes, r, seconds)
  if seconds < 0 then seconds = 0 end
  bump(scopes, r, 'waitSum', math.floor(seconds + 0.5), false)
  bump(scopes, r, 'waitN', 1, false)
  bump(scopes, r, 'wh:' .. math.min(math.floor(seconds / 60), WAIT_BUCKETS), 1, false)
end
local function recordService(scopes, r, seconds)
  if seconds < 0 then seconds = 0 end
  bump(scopes, r, 'svcSum', math.floor(seconds + 0.5), false)
  bump(scopes, r, 'svcN', 1, false)
end

local ticketHandlers = {}
ticketHandlers['ticket.issued'] = function(r, s, st)
  if st.issuedAt then return end
  put(s, 'issuedAt', r.ms); put(s, 'queueScopes', table.concat(r.scopes, ',')); put(s, 'dept', r.e.dept)
  bump(r.scopes, r, 'iss', 1, true)
  if st.calledAt then
    recordWait(split(st.callScopes), r, (tonumber(st.calledAt) - r.ms) / 1000)
  else
    bump(r.scopes, r, 'wait', 1, false)
  end
end
ticketHandlers['ticket.called'] = function(r, s, st)
  local win = stateOf(P .. 'win:' .. r.e.window, true)
  put(win, 'ticket', r.e.ticket); put(win, 'calledAt', r.ms)
  -- the calling board shows recalls too: a citizen who missed the first call hears it again
  push(P .. 'calls:' .. r.e.center, cjson.encode({ ticket = r.e.ticket, window = r.e.window, at = r.ms }))
  if st.calledAt then return end -- a repeated call of the same ticket
  put(s, 'calledAt', r.ms); put(s, 'callScopes', table.concat(r.scopes, ',')); put(s, 'window', r.e.window)
  bump(r.scopes, r, 'call', 1, true)
  if st.issuedAt then
    bump(split(st.queueScopes), r, 'wait', -1, false)
    recordWait(r.scopes, r, (r.ms - tonumber(st.issuedAt)) / 1000)
  end
end
ticketHandlers['ticket.started'] = function(r, s, st)
  if st.startedAt then return end
  put(s, 'startedAt', r.ms); put(s, 'svcScopes', table.concat(r.scopes, ','))
  bump(r.scopes, r, 'start', 1, false)
  if st.finishedAt then recordService(r.scopes, r, (tonumber(st.finishedAt) - r.ms) / 1000) end
end
ticketHandlers['ticket.finished'] = function(r, s, st)
  if st.finishedAt then return end
  put(s, 'finishedAt', r.ms)
  bump(r.scopes, r, 'fin', 1, true)
  if st.startedAt then recordService(r.scopes, r, (r.ms - tonumber(st.startedAt)) / 1000) end
end
ticketHandlers['ticket.noshow'] = function(r, s, st)
  if st.noShowAt then return end
  put(s, 'noShowAt', r.ms)
  bump(r.scopes, r, 'noshow', 1, false)
end
ticketHandlers['ticket.transferred'] = function(r, s, st)
  -- back in a queue: waiting again from now, and called (and counted as a call) again later
  local queueScopes = st.queueScopes or table.concat(r.scopes, ',')
  bump(r.scopes, r, 'transfer', 1, false)
  bump(split(queueScopes), r, 'wait', 1, false)
  drop(s, 'calledAt'); drop(s, 'startedAt'); drop(s, 'finishedAt')
  put(s, 'issuedAt', r.ms); put(s, 'queueScopes', queueScopes)
end
local function applyTicketEvent(r)
  local s = stateOf(P .. 't:' .. r.e.center .. ':' .. r.day .. ':' .. r.e.ticket)
  ticketHandlers[r.t](r, s, s.cur)
  s.ttl = TICKET_TTL
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
    bump({ 'window:' .. r.e.window }, r, 'openSec', math.floor((r.ms - since) / 1000), false)
  end
  put(s, 'status', r.e.status); put(s, 'since', r.ms); put(s, 'staff', r.e.staff or ''); put(s, 'dept', r.e.dept)
end
handlers['rating.submitted'] = function(r)
  bump(r.scopes, r, 'r' .. r.e.score, 1, false)
  bump(r.scopes, r, 'rt', 1, true)
  if r.e.score <= 2 then bump(r.scopes, r, 'bad', 1, true) end
end
handlers['complaint.filed'] = function(r) bump(r.scopes, r, 'cpF', 1, false) end
handlers['complaint.closed'] = function(r) bump(r.scopes, r, 'cpC', 1, false) end
-- Portal hits are most of the stream: their column fields are looked up, not built, per hit.
local columnFields = {}
handlers['portal.hit'] = function(r)
  bump(r.scopes, r, 'pv', 1, true)
  local column = r.e.column
  local columnField = columnFields[column]
  if not columnField then columnField = 'col:' .. column; columnFields[column] = columnField end
  bump(r.scopes, r, columnField, 1, false)
  for _, s in ipairs(r.scopes) do visit(s, r.day, r.e.visitor) end
end

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
  local h = counters[key]
  if storedSum(key, field) + (h and h[field] or 0) + fen > EXACT_MAX then
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
  local amountField = 'trAmt:' .. r.e.category
  moneySums(r, 'trades', { 'trAmt', amountField }, { amountField })
  bump(r.scopes, r, 'trN', 1, true)
  bump(r.scopes, r, 'trAmt', r.fen, false)
  bump(r.scopes, r, 'trN:' .. r.e.category, 1, false)
  bump(r.scopes, r, amountField, r.fen, false)
  monthly(r, 'trN:' .. r.e.category, 1)
  monthly(r, amountField, r.fen)
end
handlers['fee.collected'] = function(r)
  moneySums(r, 'fees', { 'feeAmt' }, { 'feeAmt' })
  bump(r.scopes, r, 'feeN', 1, true)
  bump(r.scopes, r, 'feeAmt', r.fen, false)
  monthly(r, 'feeN', 1)
  monthly(r, 'feeAmt', r.fen)
end
