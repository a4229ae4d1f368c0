-- Runs alert operations that come from no stream entry (the source-silence check).
-- ARGV[1] prefix, ARGV[2] now, ARGV[3] JSON array of operations.
--#include alert-ops.lua
local core, runOp = AlertOps.new(ARGV[1], tonumber(ARGV[2]))
for _, op in ipairs(cjson.decode(ARGV[3])) do runOp(op) end
return core.finishScript()
