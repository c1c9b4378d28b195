--[[
commit: applies the parts of one group commit to one Redis shard, atomically.

For each part (one client batch's share of one partition):
  * skips it when its seq is not above the client's high-water mark (exactly once), writing
    only the mark's time (so a WAIT after a retried commit covers the original write);
  * otherwise, per Tab: fixes the Tab's type on first sight, or skips the Tab when the
    stored type differs (a conflict, reported); applies the Tab's ops to the client's
    State and to the all-clients State; adds the client and Tab to the indexes;
  * advances the high-water mark and bumps the partition's version.

KEYS: every key touched, referred to by index from ARGV.
ARGV[1]  now, epoch ms (high-water mark times)
ARGV[2]  number of parts, then per part:
  hwmIdx hwmTimesIdx versionIdx typesIdx client seq tabCount, then per Tab:
    name spec clientsIdx tabsOfClientIdx stateIdx allStateIdx ops
        ops: the Tab's Delta as JSON (TabOps, see libs/common/src/storage/tab-ops.ts):
        {"hash":[op, field, value, ...], "buffer":{"cap","entries":[score, member, ...]},
         "registers":[{"bucket","expireAtMs","pairs":[register, rank, ...]}, ...]}
        op: i HINCRBY, f HINCRBYFLOAT, n keep min, x keep max, g gauge last-writer-wins
    bufferIdx allBufferIdx (0 0: no buffer)
    registerGroups, then per group (in the order of ops.registers): keyIdx allKeyIdx

Returns a flat array, per part: status (0 applied, 1 duplicate), conflictCount, then per
conflict: Tab name, stored spec.
]]

local SPARSE_LIMIT = 1024
-- Fields per HMGET/HSET: unpack() is bounded by Lua's C stack.
local CHUNK = 1000
local REGISTER_COUNT = 16384

local cursor = 2
local function nextArg()
  cursor = cursor + 1
  return ARGV[cursor]
end
local function nextNumber()
  return tonumber(nextArg())
end

-- "ts|expires|<n|s>value": newer ts, then later expiry, then the greater value.
local function gaugeNewer(a, b)
  local at, ae, av = string.match(a, '^([^|]*)|([^|]*)|(.*)$')
  local bt, be, bv = string.match(b, '^([^|]*)|([^|]*)|(.*)$')
  if not bt then return true end
  at, bt = tonumber(at), tonumber(bt)
  if at ~= bt then return at > bt end
  ae, be = tonumber(ae), tonumber(be)
  if ae ~= be then return ae > be end
  local ak, bk = string.sub(av, 1, 1), string.sub(bv, 1, 1)
  if ak ~= bk then return ak == 's' end
  if ak == 'n' then return tonumber(string.sub(av, 2)) > tonumber(string.sub(bv, 2)) end
  return string.sub(av, 2) > string.sub(bv, 2)
end

local function applyBuffer(key, cap, entries)
  for i = 1, #entries, 200 do
    local last = math.min(i + 199, #entries)
    redis.call('ZADD', key, unpack(entries, i, last))
  end
  redis.call('ZREMRANGEBYRANK', key, 0, -(cap + 1))
end

-- Registers stay a sparse hash (register -> rank) until SPARSE_LIMIT are set, then become
-- one dense string of REGISTER_COUNT bytes.
local function densify(key)
  local flat = redis.call('HGETALL', key)
  local bytes = {}
  for i = 1, REGISTER_COUNT do bytes[i] = '\0' end
  for i = 1, #flat, 2 do
    bytes[tonumber(flat[i]) + 1] = string.char(tonumber(flat[i + 1]))
  end
  redis.call('DEL', key)
  redis.call('SET', key, table.concat(bytes))
end

local function applyRegisters(key, expireAt, pairs)
  local kind = redis.call('TYPE', key).ok
  if kind == 'string' then
    for i = 1, #pairs, 2 do
      local register, rank = tonumber(pairs[i]), tonumber(pairs[i + 1])
      local current = string.byte(redis.call('GETRANGE', key, register, register)) or 0
      if rank > current then redis.call('SETRANGE', key, register, string.char(rank)) end
    end
  else
    -- Highest rank per register among the pairs, then one HMGET and one HSET.
    local order, best = {}, {}
    for i = 1, #pairs, 2 do
      local register, rank = tostring(pairs[i]), tonumber(pairs[i + 1])
      local seen = best[register]
      if not seen then
        order[#order + 1] = register
        best[register] = rank
      elseif rank > seen then
        best[register] = rank
      end
    end
    for from = 1, #order, CHUNK do
      local last = math.min(from + CHUNK - 1, #order)
      local current = redis.call('HMGET', key, unpack(order, from, last))
      local raised = {}
      for i = from, last do
        local register = order[i]
        if best[register] > (tonumber(current[i - from + 1]) or 0) then
          raised[#raised + 1] = register
          raised[#raised + 1] = best[register]
        end
      end
      if #raised > 0 then redis.call('HSET', key, unpack(raised)) end
    end
    if redis.call('HLEN', key) > SPARSE_LIMIT then densify(key) end
  end
  if expireAt > 0 then redis.call('PEXPIREAT', key, expireAt) end
end

-- Hash ops of every State in this call are gathered per key and field in Lua (sums add,
-- min/max and gauge entries keep the winner); then each key is read once (HMGET) and
-- written once (HSET): two Redis calls per State instead of one or two per field. The
-- all-clients States gather the ops of many parts this way.
local gatheredKeys, gathered = {}, {}

local function accumulate(acc, ops)
  for i = 1, #ops, 3 do
    local op, field, value = ops[i], ops[i + 1], ops[i + 2]
    local current = acc.value[field]
    if current == nil then
      acc.order[#acc.order + 1] = field
      acc.op[field] = op
      if op == 'g' then acc.value[field] = value else acc.value[field] = tonumber(value) end
    elseif op == 'i' or op == 'f' then
      acc.value[field] = current + tonumber(value)
    elseif op == 'n' then
      if tonumber(value) < current then acc.value[field] = tonumber(value) end
    elseif op == 'x' then
      if tonumber(value) > current then acc.value[field] = tonumber(value) end
    elseif gaugeNewer(value, current) then
      acc.value[field] = value
    end
  end
end

-- A key's first ops stay as they came (a Delta names each field once); a second list for
-- the same key (an all-clients State, or a client with two parts in one call) turns them
-- into an accumulator that merges per field.
local function gather(key, ops)
  local entry = gathered[key]
  if not entry then
    gathered[key] = { raw = ops }
    gatheredKeys[#gatheredKeys + 1] = key
    return
  end
  if entry.raw then
    local acc = { order = {}, op = {}, value = {} }
    accumulate(acc, entry.raw)
    entry.raw = nil
    entry.acc = acc
  end
  accumulate(entry.acc, ops)
end

-- What a field holds after `op` with `value` on `stored` (false when absent); nil: unchanged.
local function combined(op, value, stored)
  if op == 'i' then
    return string.format('%.0f', (tonumber(stored) or 0) + value)
  elseif op == 'f' then
    return string.format('%.17g', (tonumber(stored) or 0) + value)
  elseif op == 'n' then
    if stored and tonumber(stored) <= value then return nil end
    return string.format('%.17g', value)
  elseif op == 'x' then
    if stored and tonumber(stored) >= value then return nil end
    return string.format('%.17g', value)
  end
  if stored and not gaugeNewer(value, stored) then return nil end
  return value
end

-- Reads `fields` of `key` once (HMGET), combines each with its op and value, and writes the
-- changed ones once (HSET), CHUNK fields at a time.
local function writeFields(key, fields, ops, values)
  for from = 1, #fields, CHUNK do
    local last = math.min(from + CHUNK - 1, #fields)
    local stored = redis.call('HMGET', key, unpack(fields, from, last))
    local writes = {}
    for i = from, last do
      local value = combined(ops[i], values[i], stored[i - from + 1])
      if value then
        writes[#writes + 1] = fields[i]
        writes[#writes + 1] = value
      end
    end
    if #writes > 0 then redis.call('HSET', key, unpack(writes)) end
  end
end

-- A key's ops as they came, [op, field, value, ...], as three parallel lists.
local function splitRaw(raw)
  local fields, ops, values = {}, {}, {}
  for i = 1, #raw, 3 do
    local n = #fields + 1
    ops[n], fields[n] = raw[i], raw[i + 1]
    if raw[i] == 'g' then values[n] = raw[i + 2] else values[n] = tonumber(raw[i + 2]) end
  end
  return fields, ops, values
end

-- An accumulator's fields, in first-seen order, as three parallel lists.
local function splitAccumulated(acc)
  local ops, values = {}, {}
  for i, field in ipairs(acc.order) do
    ops[i], values[i] = acc.op[field], acc.value[field]
  end
  return acc.order, ops, values
end

local function flushGathered()
  for _, key in ipairs(gatheredKeys) do
    local entry = gathered[key]
    if entry.raw then
      writeFields(key, splitRaw(entry.raw))
    else
      writeFields(key, splitAccumulated(entry.acc))
    end
  end
end

local function readTab()
  local tab = {
    name = nextArg(), spec = nextArg(),
    clientsIdx = nextNumber(), tabsIdx = nextNumber(),
    stateIdx = nextNumber(), allStateIdx = nextNumber(),
  }
  local ops = cjson.decode(nextArg())
  tab.hash = ops.hash or {}
  tab.bufferIdx, tab.allBufferIdx = nextNumber(), nextNumber()
  if tab.bufferIdx > 0 then
    tab.cap, tab.entries = ops.buffer.cap, ops.buffer.entries
  end
  tab.registers = {}
  local groups = nextNumber()
  for g = 1, groups do
    local group = ops.registers[g]
    tab.registers[g] = {
      keyIdx = nextNumber(), allKeyIdx = nextNumber(),
      expireAt = group.expireAtMs, pairs = group.pairs,
    }
  end
  return tab
end

local now = ARGV[1]
local partCount = tonumber(ARGV[2])
local result = {}
local bumped = {}

for _ = 1, partCount do
  local hwmKey, hwmTimesKey = KEYS[nextNumber()], KEYS[nextNumber()]
  local versionKey, typesKey = KEYS[nextNumber()], KEYS[nextNumber()]
  local client, seq, tabCount = nextArg(), nextNumber(), nextNumber()
  local tabs = {}
  for t = 1, tabCount do tabs[t] = readTab() end

  local duplicate = false
  if seq > 0 then
    local mark = tonumber(redis.call('HGET', hwmKey, client) or '0')
    duplicate = seq <= mark
  end

  if duplicate then
    -- Still a write: a WAIT after this call then also covers the first, lost-answer commit of
    -- this part (WAIT counts replicas up to this connection's last write).
    redis.call('HSET', hwmTimesKey, client, now)
    result[#result + 1] = 1
    result[#result + 1] = 0
  else
    local conflicts = {}
    for _, tab in ipairs(tabs) do
      local stored = redis.call('HGET', typesKey, tab.name)
      if stored and stored ~= tab.spec then
        conflicts[#conflicts + 1] = tab.name
        conflicts[#conflicts + 1] = stored
      else
        if not stored then redis.call('HSET', typesKey, tab.name, tab.spec) end
        gather(KEYS[tab.stateIdx], tab.hash)
        gather(KEYS[tab.allStateIdx], tab.hash)
        if tab.bufferIdx > 0 then
          applyBuffer(KEYS[tab.bufferIdx], tab.cap, tab.entries)
          applyBuffer(KEYS[tab.allBufferIdx], tab.cap, tab.entries)
        end
        for _, group in ipairs(tab.registers) do
          applyRegisters(KEYS[group.keyIdx], group.expireAt, group.pairs)
          applyRegisters(KEYS[group.allKeyIdx], group.expireAt, group.pairs)
        end
        redis.call('SADD', KEYS[tab.clientsIdx], client)
        redis.call('SADD', KEYS[tab.tabsIdx], tab.name)
      end
    end
    if seq > 0 then
      redis.call('HSET', hwmKey, client, seq)
      redis.call('HSET', hwmTimesKey, client, now)
    end
    if not bumped[versionKey] then
      redis.call('INCR', versionKey)
      bumped[versionKey] = true
    end
    result[#result + 1] = 0
    result[#result + 1] = #conflicts / 2
    for _, value in ipairs(conflicts) do result[#result + 1] = value end
  end
end

flushGathered()
return result
