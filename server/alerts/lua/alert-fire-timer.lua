-- Fires, moves, holds or drops one due timer, exactly once across hub processes: it acts only when
-- the timer still has the score the caller read (another process that got there first removed it).
-- ARGV[1] prefix, ARGV[2] now, ARGV[3] timer id, ARGV[4] score read, ARGV[5] decision
-- (fire | move | hold | drop), ARGV[6] new score (move) or the held set (hold: its source has not
-- reported up to the timer's time yet; server/alerts/watermarks.ts). The next escalation counts
-- from this one's due time, so a hub that was down catches up level by level.
--#include alert-core.lua
local P, NOW = ARGV[1], tonumber(ARGV[2])
local core = AlertCore.new(P, NOW)
local timer, decision = ARGV[3], ARGV[5]
local score = core.timerAt(timer)
if not score or tonumber(score) ~= tonumber(ARGV[4]) then return core.finishScript({ fired = 0 }) end
if decision == 'move' then
  redis.call('ZADD', P .. 'alerts:timers', tonumber(ARGV[6]), timer)
  return core.finishScript({ fired = 0 })
end
if decision == 'hold' then
  core.holdTimer(timer, score, ARGV[6])
  return core.finishScript({ fired = 0 })
end
local payloadJson = redis.call('HGET', P .. 'alerts:timer', timer)
core.disarmTimer(timer)
if decision == 'drop' or not payloadJson then return core.finishScript({ fired = 0 }) end
local payload = cjson.decode(payloadJson)
if payload.kind == 'open' then
  local a = core.openAlert(payload.spec)
  -- a red card supersedes the yellow card of the same case (subjects name it <center>:<case>)
  if a and a.rule == 'case-red' then core.closeSubject('case-yellow' .. string.sub(a.subject, #'case-red' + 1), 'superseded') end
elseif payload.kind == 'expire' then
  local a = core.loadAlert(payload.alert)
  -- `expired`: unresolved for the longest an alert lives; a timer armed by an older hub has no reason
  if a and (a.state == 'open' or a.state == 'acknowledged') then core.closeSubject(a.subject, payload.reason or 'day-ended') end
else
  local a = core.loadAlert(payload.alert)
  if a and (a.state == 'open' or (payload.kind == 'overdue' and a.state == 'acknowledged')) then
    if payload.kind == 'escalate' then
      if core.raiseLevel(a, 'system') then
        if a.level < AlertCore.MAX_LEVEL then core.armTimer('escalate:' .. a.id, tonumber(ARGV[4]) + payload.every, payload) end
        core.saveAlert(a)
        core.emit(a, 'escalated')
      end
    elseif payload.kind == 'overdue' then
      -- a bad-review follow-up not resolved in time turns red and goes one level up
      core.countDelta(a, 0, 'yellow', -1)
      a.severity = 'red'
      core.countDelta(a, 0, 'red', 1)
      core.countRaised(a, false, 'red')
      core.step(a, 'overdue', 'system')
      core.raiseLevel(a, 'system')
      core.saveAlert(a)
      core.emit(a, 'overdue')
    end
  end
end
return core.finishScript({ fired = 1 })
