-- A person acts on an alert: acknowledge, resolve (with a note) or escalate. Atomic, so two
-- supervisors acting at once produce one change; the second gets `conflict` and the alert as it is.
-- ARGV[1] prefix, ARGV[2] now, ARGV[3] alert id, ARGV[4] action (ack | resolve | escalate),
-- ARGV[5] user name, ARGV[6] note, ARGV[7] level the user saw ('' = any), ARGV[8] client IP.
local id, action, by, note, seenLevel, ip = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local a = loadAlert(id)
if not a then return finishScript({ status = 'missing' }) end
local function conflict(why) return finishScript({ status = 'conflict', reason = why, alert = a }) end
if a.state == 'resolved' or a.state == 'closed' then return conflict(a.state) end
local change
if action == 'ack' then
  if a.state ~= 'open' then return conflict('acknowledged') end
  a.state = 'acknowledged'
  step(a, 'acknowledged', by)
  disarmTimer('escalate:' .. a.id)
  saveAlert(a)
  change = 'acknowledged'
elseif action == 'resolve' then
  a.state = 'resolved'
  step(a, 'resolved', by, { note = note })
  finish(a)
  change = 'resolved'
elseif action == 'escalate' then
  if seenLevel ~= '' and tonumber(seenLevel) ~= a.level then return conflict('level') end
  if not raiseLevel(a, by) then return conflict('top-level') end
  if note ~= '' then a.history[#a.history].note = note end
  saveAlert(a)
  change = 'escalated'
else
  error('unknown alert action ' .. action)
end
emit(a, change)
local detail = { rule = a.rule, subject = a.subject, level = a.level }
if note ~= '' then detail.note = note end
redis.call('XADD', P .. 'audit', '*', 'at', NOW, 'actor', by, 'action', 'alert.' .. change, 'target', a.id,
  'ip', ip, 'dept', a.dept or '', 'detail', cjson.encode(detail))
return finishScript({ status = 'ok', alert = a })
