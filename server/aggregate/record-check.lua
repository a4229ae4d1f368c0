-- Checks a record (server/ingest/enrich-event.ts) before anything of it is used: every value the
-- aggregation writes, sums or builds a key from must be there with its kind, and every number an
-- exact integer in its range. The hub validated the event against the contract already; this
-- guards the scripts against a record from elsewhere (a bug, an old version, a hand-made entry),
-- which would otherwise fail halfway through a batch.
-- Module: `RecordCheck.check(r)` raises a refusal for a record that is not fit; `RecordCheck.refuse`
-- raises one (the handlers' own checks use it too).
local RecordCheck = {}
do
  -- A check that fails raises a refusal: a table naming the event's field at fault. It is raised
  -- before the record changed anything, so the batch goes on without it.
  local function refuse(path, message) error({ refused = true, path = path, message = message }, 0) end
  RecordCheck.refuse = refuse

  -- Largest amount in fen (the contract's 10,000,000,000 yuan, common/events.ts).
  local MAX_FEN = 1000000000000
  local function isInt(x, lo, hi) return type(x) == 'number' and x == math.floor(x) and x >= lo and x <= hi end

  -- The event fields each type needs as text (a key or field name is built from them).
  local TEXT_FIELDS = {
    ['ticket.issued'] = { 'center', 'ticket', 'dept' },
    ['ticket.called'] = { 'center', 'ticket', 'window' },
    ['ticket.started'] = { 'center', 'ticket', 'window' },
    ['ticket.finished'] = { 'center', 'ticket', 'window' },
    ['ticket.noshow'] = { 'center', 'ticket', 'window' },
    ['ticket.transferred'] = { 'center', 'ticket', 'window' },
    ['window.status'] = { 'window', 'status', 'dept' },
    ['case.accepted'] = { 'id', 'center', 'case', 'dept', 'item' },
    ['case.suspended'] = { 'id', 'center', 'case' },
    ['case.resumed'] = { 'id', 'center', 'case' },
    ['case.completed'] = { 'id', 'center', 'case' },
    ['case.returned'] = { 'id', 'center', 'case' },
    ['rating.submitted'] = {},
    ['complaint.filed'] = {},
    ['complaint.closed'] = {},
    ['portal.hit'] = { 'column', 'visitor' },
    ['trade.closed'] = { 'category' },
    ['fee.collected'] = {},
  }

  -- (written out, with `type` and `floor` local, rather than calling isInt and isText for every
  -- field: this runs for every event, and was a tenth of the append script's time before)
  local type, floor = type, math.floor
  -- an optional field a key is built from (the join key, visit-join.lua): absent, or text
  local function optionalText(e, field)
    local v = e[field]
    if v ~= nil and (type(v) ~= 'string' or v == '') then refuse(field, 'must be text') end
    return v ~= nil
  end
  function RecordCheck.check(r)
    if type(r) ~= 'table' then refuse('(event)', 'not a record of an event (server/ingest/enrich-event.ts)') end
    local e, scopes, t = r.e, r.scopes, r.t
    if type(e) ~= 'table' or type(scopes) ~= 'table' then refuse('(event)', 'not a record of an event (server/ingest/enrich-event.ts)') end
    local fields = TEXT_FIELDS[t]
    if not fields then refuse('type', 'no handler for event type ' .. tostring(t)) end
    for i = 1, #fields do
      local v = e[fields[i]]
      if type(v) ~= 'string' or v == '' then refuse(fields[i], 'must be text') end
    end
    -- day 0 .. year 2200; times as epoch ms within it
    local day, ms = r.day, r.ms
    if type(day) ~= 'number' or day ~= floor(day) or day < 0 or day > 84000
      or type(ms) ~= 'number' or ms ~= floor(ms) or ms < 0 or ms > 7257600000000 then
      refuse('at', 'the record\'s day and time must be a day index and whole epoch milliseconds')
    end
    if type(r.hh) ~= 'string' or type(r.mm) ~= 'string' or type(r.month) ~= 'string' then refuse('at', 'the record has no hour, minute or month bucket') end
    local n = #scopes
    if n == 0 then refuse('(event)', 'the record counts in no scope') end
    for i = 1, n do
      local s = scopes[i]
      if type(s) ~= 'string' or s == '' then refuse('(event)', 'the record\'s scopes must be text') end
    end
    if t == 'portal.hit' then return end
    if t == 'trade.closed' or t == 'fee.collected' then
      if not isInt(r.fen, 0, MAX_FEN) then refuse('amount', 'must be whole fen from 0 to ' .. MAX_FEN) end
    elseif t == 'case.accepted' then
      if not isInt(e.promisedDays, 0, 365) then refuse('promisedDays', 'must be a whole number from 0 to 365') end
      optionalText(e, 'ticket')
    elseif t == 'rating.submitted' then
      if not isInt(e.score, 1, 5) then refuse('score', 'must be 1 to 5') end
      local joins = optionalText(e, 'ticket')
      if optionalText(e, 'case') then joins = true end
      if joins then
        if type(e.id) ~= 'string' or e.id == '' then refuse('id', 'must be text') end
        if type(e.center) ~= 'string' or e.center == '' then refuse('center', 'must be text') end
      end
    elseif t == 'window.status' and e.staff ~= nil and type(e.staff) ~= 'string' then
      refuse('staff', 'must be text')
    end
  end
end
