-- The operations an event becomes (server/alerts/event-ops.ts): arm or disarm a timer, close the
-- alert of a subject, open an alert, move a case; and the capacity rule's new figures.
-- Module: `AlertOps.new(P, NOW)`, P the key prefix and NOW the hub's clock (epoch ms), answers the
-- script call's AlertCore and the function that runs one operation.
--#include alert-core.lua
--#include alert-cases.lua
local AlertOps = {}
do
  function AlertOps.new(P, NOW)
    local core = AlertCore.new(P, NOW)
    local applyCase = AlertCases.new(core, P, NOW)
    local function run(op)
      if op.op == 'arm' then
        if op.ifAbsent and (core.isArmed(op.timer) or core.isActive(op.payload.spec.subject)) then return end
        core.armTimer(op.timer, op.at, op.payload)
      elseif op.op == 'disarm' then core.disarmTimer(op.timer)
      elseif op.op == 'close' then core.closeSubject(op.subject, op.reason)
      elseif op.op == 'open' then core.openAlert(op.spec)
      elseif op.op == 'capacity' then core.setCapacity(op.subject, op.capacity)
      elseif op.op == 'case' then applyCase(op)
      else error('unknown alert op ' .. tostring(op.op)) end
    end
    return core, run
  end
end
