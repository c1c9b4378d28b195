--[[
commit: applies one bounded chunk of a group commit to one Redis shard, atomically.

Three passes:
  1. every part's seq against its client's high-water mark (exactly once). The caller says
     which parts it believes are duplicates, because it merged the others' all-clients ops in
     advance; if it is wrong, nothing is written and the reply names the real duplicates (the
     caller merges again and retries; marks only grow, so this settles at once);
  2. each fresh part, per Tab: fixes the Tab's type on first sight, or skips the Tab when the
     stored type differs (a conflict, reported); applies the Tab's ops to the client's State;
     adds the client and Tab to the indexes; then advances the mark and bumps the partition's
     version. A duplicate part writes only its mark's time (so a WAIT after a retried commit
     covers the original write);
  3. each all-clients group (one per partition, Tab and type: the ops of every fresh part
     merged by the caller) is applied once to the all-clients State, unless the Tab's stored
     type differs (its parts conflicted too).

A State's values arrive as MessagePack arrays (one argument each, unpacked in C by cmsgpack):
far fewer arguments than one per value, and no JSON. KEYS: every key touched, by index from ARGV.
ARGV[1] now, epoch ms        ARGV[2] part count        ARGV[3] where the groups start
from ARGV[4], per part (7 each): hwmIdx hwmTimesIdx versionIdx client seq flaggedDuplicate
  tabsStart
at tabsStart: typesIdx tabCount, then per Tab: name spec clientsIdx tabsOfClientIdx, body
at groupsStart: groupCount, then per group: typesIdx name spec, body
body: stateIdx hashOps; bufferIdx (0: none) [cap entries]; registerGroupCount (keyIdx expireAtMs
  pairs)*, where hashOps = [op, field, value, ...], entries = [score, member, ...] and
  pairs = [register, rank, ...] are MessagePack arrays
  op: i HINCRBY, f HINCRBYFLOAT, n keep min, x keep max, g gauge last-writer-wins

Returns {0, per part: status (0 applied, 1 duplicate), conflictCount, (Tab, stored spec)*}, or
{1, index of every duplicate part (1-based)} when the caller's flags were wrong.
]]

local SPARSE_LIMIT = 1024
-- Fields per HMGET/HSET and entries per ZADD: unpack() is bounded by Lua's C stack.
local CHUNK = 1000
local REGISTER_COUNT = 16384

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

-- What a field holds after `op` with `value` on `stored` (false when absent); nil: unchanged.
local function combined(op, value, stored)
  if op == 'g' then
    if stored and not gaugeNewer(value, stored) then return nil end
    return value
  end
  local number = tonumber(value)
  if op == 'i' then
    return string.format('%.0f', (tonumber(stored) or 0) + number)
  elseif op == 'f' then
    return string.format('%.17g', (tonumber(stored) or 0) + number)
  elseif op == 'n' then
    if stored and tonumber(stored) <= number then return nil end
  elseif stored and tonumber(stored) >= number then
    return nil
  end
  return value
end

-- Applies hash ops {op, field, value, ...} to `key`: one HMGET and one HSET per CHUNK fields.
local function applyHash(key, ops)
  local count = #ops / 3
  for from = 0, count - 1, CHUNK do
    local last = math.min(from + CHUNK, count) - 1
    local fields = {}
    for i = from, last do fields[#fields + 1] = ops[i * 3 + 2] end
    local stored = redis.call('HMGET', key, unpack(fields))
    local writes = {}
    for i = from, last do
      local value = combined(ops[i * 3 + 1], ops[i * 3 + 3], stored[i - from + 1])
      if value then
        writes[#writes + 1] = ops[i * 3 + 2]
        writes[#writes + 1] = value
      end
    end
    if #writes > 0 then redis.call('HSET', key, unpack(writes)) end
  end
end

local function applyBuffer(key, cap, entries)
  for from = 1, #entries, CHUNK do
    redis.call('ZADD', key, unpack(entries, from, math.min(from + CHUNK - 1, #entries)))
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
      local register, rank = pairs[i], pairs[i + 1]
      local current = string.byte(redis.call('GETRANGE', key, register, register)) or 0
      if rank > current then redis.call('SETRANGE', key, register, string.char(rank)) end
    end
  else
    -- Highest rank per register among the pairs, then one HMGET and one HSET per CHUNK.
    local order, best = {}, {}
    for i = 1, #pairs, 2 do
      local register, rank = tostring(pairs[i]), pairs[i + 1]
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

-- Applies (apply = true) or skips one body starting at ARGV[at]; returns where the next begins.
local function body(at, apply)
  local stateKey = KEYS[tonumber(ARGV[at])]
  if apply then applyHash(stateKey, cmsgpack.unpack(ARGV[at + 1])) end
  local bufferIdx = tonumber(ARGV[at + 2])
  at = at + 3
  if bufferIdx > 0 then
    if apply then applyBuffer(KEYS[bufferIdx], tonumber(ARGV[at]), cmsgpack.unpack(ARGV[at + 1])) end
    at = at + 2
  end
  local groups = tonumber(ARGV[at])
  at = at + 1
  for _ = 1, groups do
    if apply then
      applyRegisters(KEYS[tonumber(ARGV[at])], tonumber(ARGV[at + 1]), cmsgpack.unpack(ARGV[at + 2]))
    end
    at = at + 3
  end
  return at
end

local now = ARGV[1]
local partCount = tonumber(ARGV[2])
local groupsStart = tonumber(ARGV[3])

-- Pass 1: duplicates, checked before anything is written.
local duplicate, actual, wrong = {}, {}, false
for p = 1, partCount do
  local h = 4 + (p - 1) * 7
  local seq = tonumber(ARGV[h + 4])
  local isDuplicate = false
  if seq > 0 then
    local mark = tonumber(redis.call('HGET', KEYS[tonumber(ARGV[h])], ARGV[h + 3]) or '0')
    isDuplicate = seq <= mark
  end
  duplicate[p] = isDuplicate
  if isDuplicate then actual[#actual + 1] = p end
  if isDuplicate ~= (ARGV[h + 5] == '1') then wrong = true end
end
if wrong then
  local reply = { 1 }
  for _, p in ipairs(actual) do reply[#reply + 1] = p end
  return reply
end

-- Pass 2: each part on its client's State.
local result = { 0 }
local bumped = {}
for p = 1, partCount do
  local h = 4 + (p - 1) * 7
  local hwmKey, hwmTimesKey = KEYS[tonumber(ARGV[h])], KEYS[tonumber(ARGV[h + 1])]
  local versionKey, client, seq = KEYS[tonumber(ARGV[h + 2])], ARGV[h + 3], tonumber(ARGV[h + 4])
  if duplicate[p] then
    -- Still a write: a WAIT after this call then also covers the first, lost-answer commit of
    -- this part (WAIT counts replicas up to this connection's last write).
    redis.call('HSET', hwmTimesKey, client, now)
    result[#result + 1] = 1
    result[#result + 1] = 0
  else
    local at = tonumber(ARGV[h + 6])
    local typesKey, tabCount = KEYS[tonumber(ARGV[at])], tonumber(ARGV[at + 1])
    at = at + 2
    local conflicts = {}
    for _ = 1, tabCount do
      local name, spec = ARGV[at], ARGV[at + 1]
      local clientsKey, tabsKey = KEYS[tonumber(ARGV[at + 2])], KEYS[tonumber(ARGV[at + 3])]
      local stored = redis.call('HGET', typesKey, name)
      local fits = not stored or stored == spec
      if not stored then redis.call('HSET', typesKey, name, spec) end
      at = body(at + 4, fits)
      if fits then
        redis.call('SADD', clientsKey, client)
        redis.call('SADD', tabsKey, name)
      else
        conflicts[#conflicts + 1] = name
        conflicts[#conflicts + 1] = stored
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

-- Pass 3: the all-clients States, once per Tab and type.
local at = groupsStart
local groupCount = tonumber(ARGV[at])
at = at + 1
for _ = 1, groupCount do
  local typesKey, name, spec = KEYS[tonumber(ARGV[at])], ARGV[at + 1], ARGV[at + 2]
  at = body(at + 3, redis.call('HGET', typesKey, name) == spec)
end
return result
