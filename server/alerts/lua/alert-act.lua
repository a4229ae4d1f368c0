-- A person acts on an alert: acknowledge, resolve (with a note) or escalate. Atomic, so two
-- supervisors acting at once produce one change; the second gets `conflict` and the alert as it is.
-- ARGV[1] prefix, ARGV[2] now, ARGV[3] alert id, ARGV[4] action (ack | resolve | escalate),
-- ARGV[5] user name, ARGV[6] note, ARGV[7] level the user saw ('' = any), ARGV[8] client IP.
--#include alert-core.lua
local P, NOW = ARGV[1], tonumber(ARGV[2])
local core = AlertCore.new(P, NOW)
local id, action, by, note, seenLevel, ip = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local a = core.loadAlert(id)
if not a then return core.finishScript({ status = 'missing' }) end
local function conflict(why) return core.finishScript({ status = 'conflict', reason = why, alert = a }) end
if a.state == 'resolved' or a.state == 'closed' then return conflict(a.state) end
local change
if action == 'ack' then
  if a.state ~= 'open' then return conflict('acknowledged') end
  a.state = 'acknowledged'
  core.step(a, 'acknowledged', by)
  core.disarmTimer('escalate:' .. a.id)
  core.saveAlert(a)
  change = 'acknowledged'
elseif action == 'resolve' then
  a.state = 'resolved'
  core.step(a, 'resolved', by, { note = note })
  core.finish(a)
  change = 'resolved'
elseif action == 'escalate' then
  if seenLevel ~= '' and tonumber(seenLevel) ~= a.level then return conflict('level') end
  if not core.raiseLevel(a, by) then return conflict('top-level') end
  if note ~= '' then a.history[#a.history].note = note end
  core.saveAlert(a)
  change = 'escalated'
else
  error('unknown alert action ' .. action)
end
core.emit(a, change)
local detail = { rule = a.rule, subject = a.subject, level = a.level }
if note ~= '' then detail.note = note end
redis.call('XADD', P .. 'audit', '*', 'at', NOW, 'actor', by, 'action', 'alert.' .. change, 'target', a.id,
  'ip', ip, 'dept', a.dept or '', 'detail', cjson.encode(detail))
return core.finishScript({ status = 'ok', alert = a })
