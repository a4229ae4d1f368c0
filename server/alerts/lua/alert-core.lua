-- The alerts themselves, as every alert script changes them: open, step, escalate, close; their
-- counts, indexes and timers. Key names follow server/redis/keys.ts; change both together.
-- Module: `AlertCore.new(P, NOW)`, P the key prefix and NOW the hub's injected clock (epoch ms),
-- answers the functions of one script call; `finishScript` answers what the script returns.
local AlertCore = {}
do
  local DAY_MS, OFFSET_MS = TIME.DAY_MS, TIME.SHANGHAI_OFFSET_MS
  -- An alert nobody resolved in this many days is closed by the engine (`expired`), so the
  -- unresolved set, its counts and the alerts of a case that never ends do not grow for good.
  local MAX_OPEN_DAYS = 180
  -- A resolved or closed alert is kept this many days after it ended: the console's history
  -- reaches 200 days back.
  local KEPT_DAYS = 200
  local MAX_OPEN_MS = MAX_OPEN_DAYS * DAY_MS
  local RETENTION_S = KEPT_DAYS * TIME.DAY_S
  -- Every alert is closed within MAX_OPEN_DAYS and kept KEPT_DAYS after: an index entry older
  -- than both (380 days) names an alert that no longer exists, and is trimmed.
  local INDEX_MS = (MAX_OPEN_DAYS + KEPT_DAYS) * DAY_MS
  -- 0 the department's supervisor, 1 the center's management, 2 the city's electronic supervision
  local MAX_LEVEL = 2
  AlertCore.MAX_LEVEL = MAX_LEVEL

  function AlertCore.new(P, NOW)
    local changedScopes, messages = {}, {}

    local function emit(a, change) messages[#messages + 1] = { alert = a, change = change } end

    local function loadAlert(id)
      local json = redis.call('GET', P .. 'alert:' .. id)
      if json then return cjson.decode(json) end
      return nil
    end
    local function saveAlert(a) redis.call('SET', P .. 'alert:' .. a.id, cjson.encode(a)) end

    -- A capacity prompt (增开窗口建议) is advice to the managers, not an 电子监察 card: it is in no
    -- count and no day tally, so no snapshot and no wall (the public hall included) carries it.
    local function counted(a) return a.rule ~= 'capacity' end

    local function countDelta(a, openDelta, severity, severityDelta)
      if not counted(a) then return end
      for _, s in ipairs(a.scopes) do
        local key = P .. 'alerts:count:' .. s
        if openDelta ~= 0 then redis.call('HINCRBY', key, 'open', openDelta) end
        if severityDelta ~= 0 then redis.call('HINCRBY', key, severity, severityDelta) end
        changedScopes[s] = true
      end
    end

    -- The day's tally in the scope's day totals (the aggregation writes the same hashes): alerts
    -- raised (`alN`), yellow cards raised (`alY`), cards that turned red (`alR`).
    local function countRaised(a, opened, severity)
      if not counted(a) then return end
      local day = math.floor((NOW + OFFSET_MS) / DAY_MS)
      for _, s in ipairs(a.scopes) do
        local key = P .. 'agg:' .. s .. ':' .. day
        if opened then redis.call('HINCRBY', key, C.alertsRaised, 1) end
        redis.call('HINCRBY', key, severity == 'red' and C.alertsRaisedRed or C.alertsRaisedYellow, 1)
      end
    end

    -- A timer due by the clock whose source has not reported that far waits in a held set
    -- (`alerts:held:<held>`, server/alerts/watermarks.ts) under the same score; `alerts:held-of`
    -- says which. Arming it again or disarming it takes it out of there too.
    -- Whether any timer is held (read once per script call): nearly always none, and then arming
    -- or disarming a timer need not look it up there.
    local anyHeld = nil
    local function someHeld()
      if anyHeld == nil then anyHeld = redis.call('EXISTS', P .. 'alerts:held-of') == 1 end
      return anyHeld
    end
    local function unhold(id)
      if not someHeld() then return end
      local held = redis.call('HGET', P .. 'alerts:held-of', id)
      if not held then return end
      redis.call('ZREM', P .. 'alerts:held:' .. held, id)
      redis.call('HDEL', P .. 'alerts:held-of', id)
    end
    local function armTimer(id, at, payload)
      unhold(id)
      redis.call('ZADD', P .. 'alerts:timers', at, id)
      redis.call('HSET', P .. 'alerts:timer', id, cjson.encode(payload))
    end
    local function disarmTimer(id)
      unhold(id)
      redis.call('ZREM', P .. 'alerts:timers', id)
      redis.call('HDEL', P .. 'alerts:timer', id)
    end
    -- Moves a timer that came due by the clock to its held set, keeping its score and payload.
    local function holdTimer(id, score, held)
      redis.call('ZREM', P .. 'alerts:timers', id)
      redis.call('ZADD', P .. 'alerts:held:' .. held, score, id)
      redis.call('HSET', P .. 'alerts:held-of', id, held)
      anyHeld = true
    end
    -- the score a timer is armed for, or nil (a held timer has none: it is not due to be read)
    local function timerAt(id) return redis.call('ZSCORE', P .. 'alerts:timers', id) end
    -- whether a timer is armed, due or held
    local function isArmed(id) return timerAt(id) ~= false or (someHeld() and redis.call('HEXISTS', P .. 'alerts:held-of', id) == 1) end
    -- whether a subject has an unresolved alert
    local function isActive(subject) return redis.call('HEXISTS', P .. 'alerts:active', subject) == 1 end

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

    -- Closes the unresolved alert of a subject because its cause ended (reason: a code the console
    -- translates). A subject with none: nothing happens.
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

    -- The capacity rule's new figures for the unresolved alert of a subject (no history step: nobody acted).
    local function setCapacity(subject, detail)
      local id = redis.call('HGET', P .. 'alerts:active', subject)
      if not id then return end
      local a = loadAlert(id)
      if not a or a.rule ~= 'capacity' then return end
      a.capacity = detail
      a.updatedAt = NOW
      saveAlert(a)
      emit(a, 'updated')
    end

    local function raiseLevel(a, by)
      if a.level >= MAX_LEVEL then return false end
      a.level = a.level + 1
      step(a, 'escalated', by, { level = a.level })
      return true
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

    return {
      emit = emit, loadAlert = loadAlert, saveAlert = saveAlert, countDelta = countDelta, countRaised = countRaised,
      armTimer = armTimer, disarmTimer = disarmTimer, holdTimer = holdTimer, timerAt = timerAt, isArmed = isArmed, isActive = isActive, step = step,
      openAlert = openAlert, finish = finish, closeSubject = closeSubject, setCapacity = setCapacity, raiseLevel = raiseLevel, finishScript = finishScript,
    }
  end
end
