-- Shared functions of the alert scripts (prepended to each one by server/alerts/alert-scripts.ts).
-- Every script gets ARGV[1] key prefix and ARGV[2] now (epoch ms, the hub's injected clock).
-- Key names follow server/redis/keys.ts; change both together.
local P, NOW = ARGV[1], tonumber(ARGV[2])
local DAY_MS, OFFSET_MS = 86400000, 28800000
local RETENTION_S = 86400 * 200 -- resolved alerts are kept 200 days
-- An alert nobody resolved in 180 days is closed by the engine (`expired`), so the unresolved set,
-- its counts and the alerts of a case that never ends do not grow for good (docs/alerts.md).
local MAX_OPEN_MS = 180 * DAY_MS
-- Every alert is closed within MAX_OPEN_MS and kept RETENTION_S after: an index entry older than
-- both names an alert that no longer exists, and is trimmed.
local INDEX_MS = MAX_OPEN_MS + RETENTION_S * 1000
local MAX_LEVEL = 2

local changedScopes, messages = {}, {}

local function emit(a, change) messages[#messages + 1] = { alert = a, change = change } end

local function loadAlert(id)
  local json = redis.call('GET', P .. 'alert:' .. id)
  if json then return cjson.decode(json) end
  return nil
end
local function saveAlert(a) redis.call('SET', P .. 'alert:' .. a.id, cjson.encode(a)) end

local function countDelta(a, openDelta, severity, severityDelta)
  for _, s in ipairs(a.scopes) do
    local key = P .. 'alerts:count:' .. s
    if openDelta ~= 0 then redis.call('HINCRBY', key, 'open', openDelta) end
    if severityDelta ~= 0 then redis.call('HINCRBY', key, severity, severityDelta) end
    changedScopes[s] = true
  end
end

-- The day's tally in the scope's day totals (server/aggregate/apply-events.lua writes the same
-- hashes): alerts raised (`alN`), yellow cards raised (`alY`), cards that turned red (`alR`).
local function countRaised(a, opened, severity)
  local day = math.floor((NOW + 28800000) / 86400000)
  for _, s in ipairs(a.scopes) do
    local key = P .. 'agg:' .. s .. ':' .. day
    if opened then redis.call('HINCRBY', key, 'alN', 1) end
    redis.call('HINCRBY', key, severity == 'red' and 'alR' or 'alY', 1)
  end
end

local function armTimer(id, at, payload)
  redis.call('ZADD', P .. 'alerts:timers', at, id)
  redis.call('HSET', P .. 'alerts:timer', id, cjson.encode(payload))
end
local function disarmTimer(id)
  redis.call('ZREM', P .. 'alerts:timers', id)
  redis.call('HDEL', P .. 'alerts:timer', id)
end

local function step(a, action, by, extra)
  local s = { at = NOW, action = action, by = by }
  if extra then for k, v in pairs(extra) do s[k] = v end end
  a.history[#a.history + 1] = s
  a.updatedAt = NOW
end

-- Opens an alert from a spec, unless its subject already has an unresolved one.
local function openAlert(spec)
  local active = P .. 'alerts:active'
  if redis.call('HEXISTS', active, spec.subject) == 1 then return nil end
  local a = {}
  for k, v in pairs(spec) do a[k] = v end
  a.escalateAfterMs, a.expireAt = nil, nil
  a.id = 'A' .. redis.call('INCR', P .. 'alerts:seq')
  a.state, a.level, a.openedAt, a.updatedAt = 'open', 0, NOW, NOW
  a.history = { { at = NOW, action = 'opened', by = 'system' } }
  saveAlert(a)
  redis.call('HSET', active, a.subject, a.id)
  -- the indexes are trimmed as alerts are opened: what they drop can no longer exist
  local stale = string.format('(%d', NOW - INDEX_MS)
  redis.call('ZADD', P .. 'alerts:all', NOW, a.id)
  redis.call('ZREMRANGEBYSCORE', P .. 'alerts:all', '-inf', stale)
  redis.call('ZADD', P .. 'alerts:unresolved', NOW, a.id)
  if a.dept then
    redis.call('ZADD', P .. 'alerts:dept:' .. a.dept, NOW, a.id)
    redis.call('ZREMRANGEBYSCORE', P .. 'alerts:dept:' .. a.dept, '-inf', stale)
  end
  countDelta(a, 1, a.severity, 1)
  countRaised(a, true, a.severity)
  if spec.escalateAfterMs then armTimer('escalate:' .. a.id, NOW + spec.escalateAfterMs, { kind = 'escalate', alert = a.id, every = spec.escalateAfterMs }) end
  -- every alert ends: with its cause, at its own expiry (a ticket's day), or MAX_OPEN_MS after opening
  local expireAt, reason = NOW + MAX_OPEN_MS, 'expired'
  if spec.expireAt and spec.expireAt < expireAt then expireAt, reason = spec.expireAt, 'day-ended' end
  armTimer('expire:' .. a.id, expireAt, { kind = 'expire', alert = a.id, reason = reason })
  if a.rule == 'review' and a.dueAt then armTimer('overdue:' .. a.id, a.dueAt, { kind = 'overdue', alert = a.id }) end
  emit(a, 'opened')
  return a
end

-- Leaves the unresolved set: counts, indexes and the alert's own timers.
local function finish(a)
  redis.call('HDEL', P .. 'alerts:active', a.subject)
  redis.call('ZREM', P .. 'alerts:unresolved', a.id)
  countDelta(a, -1, a.severity, -1)
  disarmTimer('escalate:' .. a.id)
  disarmTimer('expire:' .. a.id)
  disarmTimer('overdue:' .. a.id)
  saveAlert(a)
  redis.call('EXPIRE', P .. 'alert:' .. a.id, RETENTION_S)
end

-- Closes the unresolved alert of a subject because its cause ended (reason: a code the console translates).
local function closeSubject(subject, reason)
  local id = redis.call('HGET', P .. 'alerts:active', subject)
  if not id then return end
  local a = loadAlert(id)
  if not a then redis.call('HDEL', P .. 'alerts:active', subject); return end
  a.state = 'closed'
  step(a, 'closed', 'system', { reason = reason })
  finish(a)
  emit(a, 'closed')
end

local function raiseLevel(a, by)
  if a.level >= MAX_LEVEL then return false end
  a.level = a.level + 1
  step(a, 'escalated', by, { level = a.level })
  return true
end

-- Working days, as the aggregator counts them (server/redis/lua/working-days.lua, prepended on load)
local isWorkday, addWorkdays, workdaysBetween = workingDays(P .. 'calendar')
-- The day on which `n` working days (that day included) are left until the end of `due`.
local function yellowDay(due, n)
  local d = due
  local left = isWorkday(d) and 1 or 0
  while left < n do d = d - 1; if isWorkday(d) then left = left + 1 end end
  return d
end
local function startOfDay(d) return d * DAY_MS - OFFSET_MS end

-- Cases: the engine keeps its own due day, so it never waits for the aggregator.
local function armCase(id, st)
  local spec = cjson.decode(st.spec)
  local deadline = startOfDay(tonumber(st.due) + 1)
  spec.dueAt = deadline
  local red = {}
  for k, v in pairs(spec) do red[k] = v end
  red.rule, red.severity, red.subject = 'case-red', 'red', 'case-red:' .. id
  armTimer('case-red:' .. id, deadline, { kind = 'open', spec = red })
  local yellowAt = startOfDay(yellowDay(tonumber(st.due), tonumber(st.yellowDays)))
  if tonumber(st.yellowDays) > 0 and yellowAt > tonumber(st.acceptedMs) and deadline > NOW then
    spec.rule, spec.severity, spec.subject = 'case-yellow', 'yellow', 'case-yellow:' .. id
    armTimer('case-yellow:' .. id, yellowAt, { kind = 'open', spec = spec })
  end
  if redis.call('HEXISTS', P .. 'alerts:active', 'case-red:' .. id) == 1 and deadline > NOW then
    closeSubject('case-red:' .. id, 'deadline-moved')
  end
end
local function disarmCase(id)
  disarmTimer('case-yellow:' .. id)
  disarmTimer('case-red:' .. id)
end

-- The engine's view of a case: an ended case (and a completion that came before its acceptance)
-- is kept 60 days, to ignore repeats; an open or suspended one 2 years after its last event
-- (more than the longest promise, 365 working days), so a case that never ends is forgotten.
local CASE_TTL = 86400 * 60
local CASE_OPEN_TTL = 86400 * 730
local function applyCase(op)
  local key = P .. 'alerts:case:' .. op.case
  local flat, st = redis.call('HGETALL', key), {}
  for i = 1, #flat, 2 do st[flat[i]] = flat[i + 1] end
  if op.kind == 'accepted' then
    if st.status then return end -- a repeat, or a completion that came first
    local due = addWorkdays(op.day, op.promisedDays)
    redis.call('HSET', key, 'status', 'open', 'due', due, 'acceptedMs', op.ms, 'yellowDays', op.yellowDays, 'spec', cjson.encode(op.spec))
    redis.call('EXPIRE', key, CASE_OPEN_TTL)
    armCase(op.case, { due = due, acceptedMs = op.ms, yellowDays = op.yellowDays, spec = cjson.encode(op.spec) })
  elseif op.kind == 'suspended' then
    if st.status ~= 'open' then return end
    redis.call('HSET', key, 'status', 'suspended', 'susp', op.day)
    redis.call('EXPIRE', key, CASE_OPEN_TTL)
    disarmCase(op.case)
    closeSubject('case-yellow:' .. op.case, 'case-suspended')
  elseif op.kind == 'resumed' then
    if st.status ~= 'suspended' then return end
    local due = addWorkdays(tonumber(st.due), workdaysBetween(tonumber(st.susp), op.day))
    redis.call('HSET', key, 'status', 'open', 'due', due)
    redis.call('EXPIRE', key, CASE_OPEN_TTL)
    st.due = due
    armCase(op.case, st)
  else -- completed or returned
    if st.status == 'done' then return end
    redis.call('HSET', key, 'status', 'done')
    redis.call('EXPIRE', key, CASE_TTL)
    disarmCase(op.case)
    local reason = op.kind == 'completed' and 'case-completed' or 'case-returned'
    closeSubject('case-yellow:' .. op.case, reason)
    closeSubject('case-red:' .. op.case, reason)
  end
end

-- Runs one operation built by server/alerts/event-ops.ts.
local function runOp(op)
  if op.op == 'arm' then
    if op.ifAbsent and redis.call('ZSCORE', P .. 'alerts:timers', op.timer) then return end
    if op.ifAbsent and redis.call('HEXISTS', P .. 'alerts:active', op.payload.spec.subject) == 1 then return end
    armTimer(op.timer, op.at, op.payload)
  elseif op.op == 'disarm' then disarmTimer(op.timer)
  elseif op.op == 'close' then closeSubject(op.subject, op.reason)
  elseif op.op == 'open' then openAlert(op.spec)
  elseif op.op == 'case' then applyCase(op)
  else error('unknown alert op ' .. tostring(op.op)) end
end

-- What every script returns: the alert messages to push and the scopes whose counts changed.
local function finishScript(extra)
  local scopes = {}
  for s in pairs(changedScopes) do scopes[#scopes + 1] = s end
  if #scopes > 0 then redis.call('PUBLISH', P .. 'changed', cjson.encode(scopes)) end
  local out = { messages = messages }
  if extra then for k, v in pairs(extra) do out[k] = v end end
  if #messages == 0 then out.messages = nil end
  return cjson.encode(out)
end
