--[[
delete-tabs: deletes Tabs of one partition in one atomic step, provided their clients are
still the ones the caller read (a commit may have added one since: then nothing is deleted
and the caller reads again).

KEYS: every key touched, referred to by index from ARGV.
ARGV[1]  versionIdx   ARGV[2] typesIdx   ARGV[3] Tab count, then per Tab:
  name clientsIdx clientCount, then per client: client tabsOfClientIdx
then the number of keys to DEL, then their indexes, then idleIdx (the idle-marks hash).

Returns 1 when deleted, 0 when the clients changed (retry).
]]

local cursor = 3
local function nextArg()
  cursor = cursor + 1
  return ARGV[cursor]
end

local tabs = {}
for t = 1, tonumber(ARGV[3]) do
  local tab = { name = nextArg(), clientsKey = KEYS[tonumber(nextArg())], clients = {} }
  for c = 1, tonumber(nextArg()) do
    tab.clients[c] = { name = nextArg(), tabsKey = KEYS[tonumber(nextArg())] }
  end
  tabs[t] = tab
end

for _, tab in ipairs(tabs) do
  local expected = {}
  for _, client in ipairs(tab.clients) do expected[client.name] = true end
  local members = redis.call('SMEMBERS', tab.clientsKey)
  if #members ~= #tab.clients then return 0 end
  for _, member in ipairs(members) do
    if not expected[member] then return 0 end
  end
end

local keyCount = tonumber(nextArg())
local batch = {}
for k = 1, keyCount do
  batch[#batch + 1] = KEYS[tonumber(nextArg())]
  if #batch == 500 or k == keyCount then
    redis.call('DEL', unpack(batch))
    batch = {}
  end
end
local idleKey = KEYS[tonumber(nextArg())]
for _, tab in ipairs(tabs) do
  for _, client in ipairs(tab.clients) do
    redis.call('SREM', client.tabsKey, tab.name)
    redis.call('HDEL', idleKey, tab.name .. '|' .. client.name)
  end
  redis.call('HDEL', idleKey, tab.name .. '|#all')
  redis.call('DEL', tab.clientsKey)
  redis.call('HDEL', KEYS[tonumber(ARGV[2])], tab.name)
end
redis.call('INCR', KEYS[tonumber(ARGV[1])])
return 1
