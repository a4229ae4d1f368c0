-- What a portal hit counts (docs/metrics.md): a view in each of its scopes (day, hour and minute
-- buckets), a view of its column (day) and its visitor (the scope's day HyperLogLog).
-- Portal hits are most of the stream (about 85% of a day's events), and a batch's hits nearly all
-- share their scopes, day and minute. So they are tallied per group of hits that count alike (the
-- same scopes, day, hour and minute) and counted once per group when the batch's compute ends
-- (`flush`), instead of once per hit: counting per hit was most of the append script's compute.
-- The sums are the same either way (counters only add; HyperLogLogs ignore order).
-- The append script is told a batch's hits in a digest (server/ingest/portal-hit-digest.ts) and
-- counts them without decoding their records; the backlog and the rebuild count records.
-- Module: `PortalHits.new(batch)`, batch the batch's BatchWrites, answers { tally(r), countDigest(digest,
-- taken), flush(), reset() }; `PortalHits.readDigest(json, n)` needs no batch.
-- `tally` takes a checked record (record-check.lua), `countDigest` a digest readDigest checked, and
-- neither raises: they only index tables and add, so a batch's hits are never left half-counted.
--#include batch-writes.lua
local PortalHits = {}
do
  local END = {} -- the key, in a node of the group tree, of the node that ends a scope list
  local type, floor = type, math.floor

  local function fault(what) error('portal hit digest: ' .. what, 0) end
  local function isText(v) return type(v) == 'string' and v ~= '' end
  local function isIndex(v, hi) return type(v) == 'number' and v == floor(v) and v >= 1 and v <= hi end
  -- The digest of a batch of n events, checked whole (it is the hub's, so a fault is the hub's: the
  -- script fails before any write): { groups, hits, at = position -> the hit's first index in hits }.
  -- '' when the batch has no portal hit.
  function PortalHits.readDigest(json, n)
    local at = {}
    if json == '' then return { groups = {}, hits = {}, at = at } end
    local ok, d = pcall(cjson.decode, json)
    if not ok or type(d) ~= 'table' or type(d.groups) ~= 'table' or type(d.hits) ~= 'table' then fault('not a digest') end
    local groups, hits = d.groups, d.hits
    for _, g in ipairs(groups) do
      if type(g) ~= 'table' or type(g[1]) ~= 'table' or #g[1] == 0 then fault('a group has no scopes') end
      for _, s in ipairs(g[1]) do
        if not isText(s) then fault('a scope is not text') end
      end
      if not isIndex(g[2], 84000) or type(g[3]) ~= 'string' or type(g[4]) ~= 'string' then fault('a group has no day, hour or minute') end
    end
    if #hits % 4 ~= 0 then fault('the hits are not in fours') end
    -- (written out rather than through isIndex and isText: this runs for every hit)
    local groupCount = #groups
    for j = 1, #hits, 4 do
      local pos, g, column, visitor = hits[j], hits[j + 1], hits[j + 2], hits[j + 3]
      if type(pos) ~= 'number' or pos ~= floor(pos) or pos < 1 or pos > n or at[pos] then fault('a hit has no position of its own in the batch') end
      if type(g) ~= 'number' or g ~= floor(g) or g < 1 or g > groupCount then fault('a hit names no group') end
      if type(column) ~= 'string' or column == '' or type(visitor) ~= 'string' or visitor == '' then fault('a hit has no column or visitor') end
      at[pos] = j
    end
    return { groups = groups, hits = hits, at = at }
  end

  function PortalHits.new(batch)
    local bump, visitAll = batch.bump, batch.visitAll
    local columnFields = {} -- column -> counter field (names outlive reset, like batch-writes' caches)
    -- groups in order of first hit; tree: scope -> ... -> END -> day -> hh -> mm -> group; last: the
    -- group of the previous hit, which the next one nearly always shares
    local groups, tree, last
    local function reset() groups, tree, last = {}, {}, nil end
    reset()

    local function child(node, key)
      local c = node[key]
      if not c then c = {}; node[key] = c end
      return c
    end
    local function groupOf(scopes, day, hh, mm)
      local node = tree
      for _, s in ipairs(scopes) do node = child(node, s) end
      node = child(child(child(node, END), day), hh)
      local g = node[mm]
      if not g then
        g = { scopes = scopes, day = day, hh = hh, mm = mm, views = 0, columns = {}, visitors = {} }
        node[mm] = g
        groups[#groups + 1] = g
      end
      return g
    end
    local function sharesGroup(g, r)
      if g.mm ~= r.mm or g.day ~= r.day or g.hh ~= r.hh then return false end
      local a, b = g.scopes, r.scopes
      if #a ~= #b then return false end
      for i = 1, #a do
        if a[i] ~= b[i] then return false end
      end
      return true
    end

    local function count(g, column, visitor)
      g.views = g.views + 1
      local columns, visitors = g.columns, g.visitors
      columns[column] = (columns[column] or 0) + 1
      visitors[#visitors + 1] = visitor
    end
    local function tally(r)
      local g = last
      if not (g and sharesGroup(g, r)) then
        g = groupOf(r.scopes, r.day, r.hh, r.mm)
        last = g
      end
      count(g, r.e.column, r.e.visitor)
    end
    -- the digest's hits at the indexes `taken` (into its hits: the batch's new events)
    local function countDigest(digest, taken)
      local dg, hits, byNumber = digest.groups, digest.hits, {}
      for _, j in ipairs(taken) do
        local number = hits[j + 1]
        local g = byNumber[number]
        if not g then
          local d = dg[number]
          g = groupOf(d[1], d[2], d[3], d[4])
          byNumber[number] = g
        end
        count(g, hits[j + 2], hits[j + 3])
      end
    end

    -- Counts every group into the batch's tables (bump marks the scopes touched), then starts over.
    local function flush()
      for _, g in ipairs(groups) do
        bump(g.scopes, g, C.portalViews, g.views, true)
        for column, n in pairs(g.columns) do
          local field = columnFields[column]
          if not field then field = C.portalColumn .. column; columnFields[column] = field end
          bump(g.scopes, g, field, n, false)
        end
        for _, s in ipairs(g.scopes) do visitAll(s, g.day, g.visitors) end
      end
      reset()
    end

    return { tally = tally, countDigest = countDigest, flush = flush, reset = reset }
  end
end
