--[[
commit: applies the parts of one group commit to one Redis shard, atomically.

For each part (one client batch's share of one partition):
  * skips it when its seq is not above the client's high-water mark (exactly once);
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

local function applyHash(key, ops)
  for i = 1, #ops, 3 do
    local op, field, value = ops[i], ops[i + 1], ops[i + 2]
    if op == 'i' then
      redis.call('HINCRBY', key, field, value)
    elseif op == 'f' then
      redis.call('HINCRBYFLOAT', key, field, value)
    else
      local current = redis.call('HGET', key, field)
      local replace = not current
      if current then
        if op == 'n' then
          replace = tonumber(value) < tonumber(current)
        elseif op == 'x' then
          replace = tonumber(value) > tonumber(current)
        else
          replace = gaugeNewer(value, current)
        end
      end
      if replace then redis.call('HSET', key, field, value) end
    end
  end
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
    for i = 1, #pairs, 2 do
      local current = tonumber(redis.call('HGET', key, pairs[i]) or '0')
      if tonumber(pairs[i + 1]) > current then redis.call('HSET', key, pairs[i], pairs[i + 1]) end
    end
    if redis.call('HLEN', key) > SPARSE_LIMIT then densify(key) end
  end
  if expireAt > 0 then redis.call('PEXPIREAT', key, expireAt) end
end

-- The all-clients States get the ops of many parts: gather them per key and field in Lua
-- (sums add, min/max and gauge entries keep the winner), then write each field once.
local allKeys, allOps = {}, {}
local function gather(key, ops)
  local acc = allOps[key]
  if not acc then
    acc = { order = {}, op = {}, value = {} }
    allOps[key] = acc
    allKeys[#allKeys + 1] = key
  end
  for i = 1, #ops, 3 do
    local op, field, value = ops[i], ops[i + 1], ops[i + 2]
    local current = acc.value[field]
    if current == nil then
      acc.order[#acc.order + 1] = field
      acc.op[field] = op
      if op == 'i' or op == 'f' or op == 'n' or op == 'x' then acc.value[field] = tonumber(value) else acc.value[field] = value end
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

local function flushGathered()
  for _, key in ipairs(allKeys) do
    local acc = allOps[key]
    local ops = {}
    for _, field in ipairs(acc.order) do
      local op, value = acc.op[field], acc.value[field]
      if op == 'i' then
        value = string.format('%.0f', value)
      elseif op ~= 'g' then
        value = string.format('%.17g', value)
      end
      ops[#ops + 1] = op
      ops[#ops + 1] = field
      ops[#ops + 1] = value
    end
    applyHash(key, ops)
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
        applyHash(KEYS[tab.stateIdx], tab.hash)
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
