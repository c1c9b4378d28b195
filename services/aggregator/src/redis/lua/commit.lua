#!lua
--[[
commit: applies one bounded chunk of a group commit to one Redis shard, atomically.

A State is a cell (libs/common/src/storage/cell.ts): one string, a 4-byte header (the length of
its compacted base) and records appended since. Applying a Delta is one APPEND of its record,
whatever its fields; the aggregator merges what it reads back.

Three passes:
  1. every part's (session, seq) against its client's high-water mark (exactly once): a newer
     session, or a higher seq of the mark's session, is fresh; the mark itself is a duplicate;
     a lower seq is refused (SEQ_REGRESSION), an older session too (SESSION_FENCED). The caller
     says which parts it believes are not fresh, because it merged the others' all-clients Deltas
     in advance; if it is wrong, nothing is written and the reply names the real ones (the
     caller merges again and retries; marks only grow, so this settles at once);
  2. each fresh part, per Tab: fixes the Tab's type on first sight, or skips the Tab when the
     stored type differs (a conflict, reported); appends the Delta to the client's cell (a new
     cell also enters the indexes; a new Tab or cell past a cardinality cap is refused instead);
     then advances the mark and bumps the partition's version.
     A duplicate part writes only its mark's time (so a WAIT after a retried commit covers the
     original write); a refused part writes nothing;
  3. each all-clients group (one per partition, Tab and type: the Deltas of every fresh part
     merged by the caller) is appended once to the all-clients cell, unless the Tab's stored type
     differs (its parts conflicted too); the type pass 2 read or set is remembered, not read
     again.
A cell whose records past its base outgrow the tail limit is named in the reply, for the caller
to compact.

The `#!lua` line makes Redis refuse the whole call up front when it is out of memory, instead of
failing at the first write with some written already (a retry would then apply those twice).

KEYS: every key touched, by index. The parts' headers, each part's Tabs and the groups travel as
MessagePack arrays (unpacked in C by cmsgpack): one argument per part instead of six per Tab.
ARGV[1] now, epoch ms   ARGV[2] part count   ARGV[3] the groups   ARGV[4] tail limit
ARGV[5] the parts' headers, 7 per part: hwmIdx hwmTimesIdx versionIdx client seq flaggedNotFresh
  session (seq and session as decimal text, flaggedNotFresh 0 or 1)
from ARGV[6], one per part: its tabs
  tabs = [typesIdx, then per Tab: name, spec, clientsIdx, tabsOfClientIdx, cellIdx, record]
  groups = [per group: typesIdx, name, spec, cellIdx, record]

ARGV[#ARGV] (last) the cardinality caps, see the [cardinality] blocks.

A mark is stored as `seq` (no session) or `session:seq`, as decimal text.

Returns {0, n, (cell key, spec)*n, then per part: status (0 applied, 1 duplicate, 2 seq
regression, 3 session fenced), the session and seq of the mark it met (decimal text),
conflictCount, (Tab, stored spec)*, then the cardinality tail}, or {1, index of every part that
is not fresh (1-based)} when the flags were wrong.
]]

local EMPTY_HEADER = '\0\0\0\0'

local now = ARGV[1]
local partCount = tonumber(ARGV[2])
local groupsArg = ARGV[3]
local tailLimit = tonumber(ARGV[4])
local headers = cmsgpack.unpack(ARGV[5])
-- ARGV[TABS_BEFORE + p]: part p's tabs.
local TABS_BEFORE = 5

local toCompact = {}
local named = {}

-- Appends a record to a cell; returns true when the cell is new.
local function append(cellIdx, record, spec)
  local key = KEYS[cellIdx]
  local length = redis.call('APPEND', key, record)
  if length == #record then
    redis.call('SET', key, EMPTY_HEADER .. record)
    return true
  end
  if length > tailLimit and not named[key] then
    local base = struct.unpack('<I4', redis.call('GETRANGE', key, 0, 3))
    if length - 4 - base > tailLimit then
      named[key] = true
      toCompact[#toCompact + 1] = key
      toCompact[#toCompact + 1] = spec
    end
  end
  return false
end

-- ==== Marks (exactly once, SEQ_REGRESSION, SESSION_FENCED): begin ====
-- Per part, from h = (p - 1) * PART_FIELDS: headers[h + 5] seq, headers[h + 7] session, both
-- decimal text below 2^53 (exact in Lua).
local PART_FIELDS = 7
local APPLIED, DUPLICATE, REGRESSION, FENCED = 0, 1, 2, 3

-- The stored mark of a client on a partition as text: session, seq ('0', '0' when none). The
-- reply carries the text: Redis's integer replies of Lua numbers do not survive 2^53 exactly.
local function readMark(hwmKey, client)
  local stored = redis.call('HGET', hwmKey, client)
  if not stored then return '0', '0' end
  local session, seq = string.match(stored, '^(%d+):(%d+)$')
  if session then return session, seq end
  return '0', stored
end

-- What a part's (session, seq) is against the mark.
local function classify(session, seq, markSession, markSeq)
  if session > markSession then return APPLIED end
  if session < markSession then return FENCED end
  if seq > markSeq then return APPLIED end
  if seq == markSeq then return DUPLICATE end
  return REGRESSION
end

-- The mark a fresh part leaves, as text (the arguments' own digits, never a Lua float).
local function markText(h)
  local session = headers[h + 7]
  if session == '0' then return headers[h + 5] end
  return session .. ':' .. headers[h + 5]
end

-- Pass 1: every part's status, checked before anything is written. Parts are checked in order
-- against the mark as the parts before them in this call leave it, so the same part twice in a
-- call (a retry queued next to its first attempt) applies once, and an older session's part
-- after a newer one's is fenced, never writing its mark over the newer one's.
local status, markSessions, markSeqs, notFresh, wrong = {}, {}, {}, {}, false
local marks = {}
for p = 1, partCount do
  local h = (p - 1) * PART_FIELDS
  local seq = tonumber(headers[h + 5])
  local markSession, markSeq = '0', '0'
  local partStatus = APPLIED
  if seq > 0 then
    local markKey = headers[h + 1] .. ':' .. headers[h + 4]
    local mark = marks[markKey]
    if mark then
      markSession, markSeq = mark[1], mark[2]
    else
      markSession, markSeq = readMark(KEYS[headers[h + 1]], headers[h + 4])
    end
    partStatus = classify(tonumber(headers[h + 7]), seq, tonumber(markSession), tonumber(markSeq))
    if partStatus == APPLIED then
      marks[markKey] = { headers[h + 7], headers[h + 5] }
    else
      marks[markKey] = { markSession, markSeq }
    end
  end
  status[p], markSessions[p], markSeqs[p] = partStatus, markSession, markSeq
  if partStatus ~= APPLIED then notFresh[#notFresh + 1] = p end
  if (partStatus ~= APPLIED) ~= (headers[h + 6] == 1) then wrong = true end
end
if wrong then
  local reply = { 1 }
  for _, p in ipairs(notFresh) do reply[#reply + 1] = p end
  return reply
end
-- ==== Marks: end (pass 2 writes the mark of a fresh part with markText) ====

-- [cardinality] begin: caps on new Tabs and new cells (docs/architecture.md, "Cardinality caps").
-- ARGV[#ARGV] = MessagePack [capped, tabBudget, maxClientsPerTab, (client, tabBudgetOfClient)*]:
-- how many Tabs this call may create (capped 0: no cap), how many clients a Tab may have (0: no
-- cap), and how many more Tabs each listed client may create (unlisted: no cap). Only a cell that
-- turns out new (APPEND's length) is checked, so existing cells cost nothing more.
local cards = cmsgpack.unpack(ARGV[#ARGV])
local cardsTabBudget = cards[1] == 1 and cards[2] or -1
local cardsMaxClientsPerTab = cards[3]
local cardsClientBudget = {}
for at = 4, #cards, 2 do cardsClientBudget[cards[at]] = cards[at + 1] end
local cardsRefused = {} -- flat: part index, Tab, which cap
local cardsRefusedCell = {} -- cell index → true
local cardsRefusedGroup = {} -- typesIdx|Tab → true: its all-clients group must leave them out
local cardsNewTabs = 0
local cardsNewCells = {} -- client → cells created
local cardsNewCellClients = {}

-- The cap a new cell of `client` would pass, or nil; `clientsKey` nil for a Tab new here.
local function cardsCapHit(client, clientsKey)
  local budget = cardsClientBudget[client]
  if budget and (cardsNewCells[client] or 0) >= budget then return 'TABS_PER_CLIENT' end
  if clientsKey and cardsMaxClientsPerTab > 0 and redis.call('SCARD', clientsKey) >= cardsMaxClientsPerTab then
    return 'CLIENTS_PER_TAB'
  end
  return nil
end

local function cardsRefuse(p, typesIdx, name, cellIdx, cap)
  cardsRefused[#cardsRefused + 1] = p
  cardsRefused[#cardsRefused + 1] = name
  cardsRefused[#cardsRefused + 1] = cap
  cardsRefusedCell[cellIdx] = true
  cardsRefusedGroup[typesIdx .. '|' .. name] = true
end

local function cardsCreated(client)
  if not cardsNewCells[client] then cardsNewCellClients[#cardsNewCellClients + 1] = client end
  cardsNewCells[client] = (cardsNewCells[client] or 0) + 1
end

-- A group whose Tab had a refused cell: append the records of the accepted parts one by one
-- instead of the caller's merge (a cell is the merge of its records, so the result is the same).
local function cardsAppendAccepted(typesIdx, name, spec, allCellIdx)
  for p = 1, partCount do
    if status[p] == APPLIED then
      local tabs = cmsgpack.unpack(ARGV[TABS_BEFORE + p])
      if tabs[1] == typesIdx then
        for at = 2, #tabs, 6 do
          if tabs[at] == name and tabs[at + 1] == spec and not cardsRefusedCell[tabs[at + 4]] then
            append(allCellIdx, tabs[at + 5], spec)
          end
        end
      end
    end
  end
end
-- [cardinality] end

-- Pass 2: each part on its client's cells.
local outcomes = {}
local bumped = {}
-- typesIdx → Tab → its stored spec, as pass 2 found or set it: pass 3 needs no second HGET.
local knownTypes = {}
local function knowType(typesIdx, name, spec)
  local known = knownTypes[typesIdx]
  if not known then
    known = {}
    knownTypes[typesIdx] = known
  end
  known[name] = spec
end
for p = 1, partCount do
  local h = (p - 1) * PART_FIELDS
  local hwmKey, hwmTimesKey = KEYS[headers[h + 1]], KEYS[headers[h + 2]]
  local versionKey, client, seq = KEYS[headers[h + 3]], headers[h + 4], tonumber(headers[h + 5])
  outcomes[#outcomes + 1] = status[p]
  outcomes[#outcomes + 1] = markSessions[p]
  outcomes[#outcomes + 1] = markSeqs[p]
  if status[p] == DUPLICATE then
    -- Still a write: a WAIT after this call then also covers the first, lost-answer commit of
    -- this part (WAIT counts replicas up to this connection's last write).
    redis.call('HSET', hwmTimesKey, client, now)
    outcomes[#outcomes + 1] = 0
  elseif status[p] ~= APPLIED then
    -- Refused (SEQ_REGRESSION, SESSION_FENCED): nothing written.
    outcomes[#outcomes + 1] = 0
  else
    local tabs = cmsgpack.unpack(ARGV[TABS_BEFORE + p])
    local typesKey = KEYS[tabs[1]]
    local conflicts = {}
    for at = 2, #tabs, 6 do
      local name, spec = tabs[at], tabs[at + 1]
      local stored = redis.call('HGET', typesKey, name)
      if not stored or stored == spec then
        -- [cardinality] begin: a new Tab, or a new cell, past a cap is refused (TAB_LIMIT).
        local cellIdx = tabs[at + 4]
        local cap
        if not stored then
          cap = cardsTabBudget >= 0 and cardsNewTabs >= cardsTabBudget and 'TABS' or cardsCapHit(client, nil)
          if not cap then
            redis.call('HSET', typesKey, name, spec)
            cardsNewTabs = cardsNewTabs + 1
            knowType(tabs[1], name, spec)
          end
        else
          knowType(tabs[1], name, stored)
        end
        if not cap and append(cellIdx, tabs[at + 5], spec) then
          cap = stored and cardsCapHit(client, KEYS[tabs[at + 2]])
          if cap then
            redis.call('DEL', KEYS[cellIdx])
          else
            cardsCreated(client)
            redis.call('SADD', KEYS[tabs[at + 2]], client)
            redis.call('SADD', KEYS[tabs[at + 3]], name)
          end
        end
        if cap then cardsRefuse(p, tabs[1], name, cellIdx, cap) end
        -- [cardinality] end
      else
        knowType(tabs[1], name, stored)
        conflicts[#conflicts + 1] = name
        conflicts[#conflicts + 1] = stored
      end
    end
    if seq > 0 then
      redis.call('HSET', hwmKey, client, markText(h))
      redis.call('HSET', hwmTimesKey, client, now)
    end
    if not bumped[versionKey] then
      redis.call('INCR', versionKey)
      bumped[versionKey] = true
    end
    outcomes[#outcomes + 1] = #conflicts / 2
    for _, value in ipairs(conflicts) do outcomes[#outcomes + 1] = value end
  end
end

-- Pass 3: the all-clients cells, once per Tab and type.
local groups = cmsgpack.unpack(groupsArg)
for at = 1, #groups, 5 do
  local name, spec = groups[at + 1], groups[at + 2]
  local known = knownTypes[groups[at]]
  local stored = known and known[name]
  if stored == nil then stored = redis.call('HGET', KEYS[groups[at]], name) end
  if stored == spec then
    -- [cardinality] begin
    if cardsRefusedGroup[groups[at] .. '|' .. name] then
      cardsAppendAccepted(groups[at], name, spec, groups[at + 3])
    else
      append(groups[at + 3], groups[at + 4], spec)
    end
    -- [cardinality] end
  end
end

local reply = { 0, #toCompact / 2 }
for _, value in ipairs(toCompact) do reply[#reply + 1] = value end
for _, value in ipairs(outcomes) do reply[#reply + 1] = value end
-- [cardinality] begin: tail = refusedCount, (part, Tab, cap)*, Tabs created, clientCount,
-- (client, cells created)*
reply[#reply + 1] = #cardsRefused / 3
for _, value in ipairs(cardsRefused) do reply[#reply + 1] = value end
reply[#reply + 1] = cardsNewTabs
reply[#reply + 1] = #cardsNewCellClients
for _, client in ipairs(cardsNewCellClients) do
  reply[#reply + 1] = client
  reply[#reply + 1] = cardsNewCells[client]
end
-- [cardinality] end
return reply
