-- Runs alert operations that come from no stream entry (the source-silence check).
-- ARGV[1] prefix, ARGV[2] now, ARGV[3] JSON array of operations.
for _, op in ipairs(cjson.decode(ARGV[3])) do runOp(op) end
return finishScript()
