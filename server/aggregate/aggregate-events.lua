-- Applying events to the aggregates, shared by the backlog script (aggregate-backlog.lua, which
-- reads the stream) and the append script (append-events.lua, which applies a batch at once when
-- the aggregators are caught up).
-- A record is the `r` of a stream entry, built at ingest by server/ingest/enrich-event.ts:
-- { t (type), day, hh, mm, ms, month, scopes, fen?, e (the event) }
--
-- All or nothing: a batch is computed first, into Lua tables, and written after (Redis does not
-- roll back what a failing script wrote). Every record is checked before it changes anything; one
-- that fails is left out whole and reported, and the others are applied.
-- Module: `AggregateEvents.new(P)`, P the key prefix, answers one batch's aggregation
-- { compute(records, refused, digest?, taken?), write(nowMs) }; decodeRecord, describe and trimLog need no batch.
--#include batch-writes.lua
--#include record-check.lua
--#include case-events.lua
--#include event-handlers.lua
--#include portal-hits.lua
local AggregateEvents = {}
do
  local checkRecord, int = RecordCheck.check, BatchWrites.int

  -- Decodes a stream entry's record and checks it: the record, or nil and the refusal.
  local function decodeChecked(json)
    local r = cjson.decode(json)
    checkRecord(r)
    return r
  end
  function AggregateEvents.decodeRecord(json)
    local ok, r = pcall(decodeChecked, json or '')
    if ok then return r end
    if type(r) == 'table' then return nil, r end
    return nil, { refused = true, path = '(event)', message = 'unreadable record JSON: ' .. tostring(r) }
  end

  -- A refusal's message; an error that is not a refusal (a bug) is reported as it was raised.
  function AggregateEvents.describe(err)
    if type(err) == 'table' and err.refused then return err.path .. ': ' .. err.message end
    return tostring(err)
  end

  -- The log keeps a few days of applied events (ids are Redis-clock ms), never one not yet applied,
  -- nor one the event archive does not hold yet (its cursor, which exists while the archive is on:
  -- docs/archive.md). '~' trims whole nodes only, so this costs next to nothing when there is nothing to trim.
  function AggregateEvents.trimLog(stream, lastAppliedId, retentionMs, archiveCursorKey)
    local t = redis.call('TIME')
    local horizon = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - retentionMs
    local floor = math.min(horizon, tonumber(string.match(lastAppliedId, '^(%d+)')))
    local archived = redis.call('GET', archiveCursorKey)
    if archived then floor = math.min(floor, tonumber(string.match(archived, '^(%d+)'))) end
    redis.call('XTRIM', stream, 'MINID', '~', int(floor))
  end

  function AggregateEvents.new(P)
    local batch = BatchWrites.new(P)
    local applyCaseEvent = CaseEvents.new(P, batch)
    local events = EventHandlers.new(P, batch)
    local isCaseEvent, ticketHandlers, applyTicketEvent, handlers = CaseEvents.TYPES, events.ticket, events.applyTicket, events.other
    local touch = batch.touch
    local portalHits = PortalHits.new(batch)
    local tallyHit = portalHits.tally

    local function applyChecked(r)
      local t = r.t
      if isCaseEvent[t] then applyCaseEvent(r)
      elseif ticketHandlers[t] then applyTicketEvent(r)
      else handlers[t](r) end
      -- every scope an event counts in may show it (a window's status changes no counter)
      for _, s in ipairs(r.scopes) do touch(s) end
    end

    -- Applies records[1..n] to the batch's tables, skipping those with refused[i] set, and sets
    -- refused[i] for each record left out. A refusal comes before its record changed anything, so
    -- the batch goes on without it. Any other error may come halfway through a record: the record
    -- is refused, the tables are emptied and the batch is applied again without it (nothing was
    -- written yet). Portal hits are tallied as they come and counted once the pass is whole; those
    -- of a digest (portal-hits.lua: the append script's) are counted at the indexes `taken`.
    local function compute(records, refused, digest, taken)
      while true do
        if digest then portalHits.countDigest(digest, taken) end
        local failedAt = nil
        for i = 1, #records do
          if not refused[i] then
            local r = records[i]
            if r.t == 'portal.hit' then
              tallyHit(r) -- raises nothing (portal-hits.lua), so it needs no pcall
            else
              local ok, err = pcall(applyChecked, r)
              if not ok then
                refused[i] = err
                if not (type(err) == 'table' and err.refused) then failedAt = i; break end
              end
            end
          end
        end
        if not failedAt then portalHits.flush(); return end
        batch.reset()
        portalHits.reset()
      end
    end

    -- Writes what the batch computed and answers the scopes it touched. nowMs: the hub's clock.
    return { compute = compute, write = batch.write }
  end
end
