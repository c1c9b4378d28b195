--[[
prune: deletes what no render can use any more from one (Tab, client) State.

KEYS[1] State hash    KEYS[2] Buffer sorted set    KEYS[3] clients|<tab> set    KEYS[4] tabs|<client> set
ARGV[1] client        ARGV[2] Tab name             ARGV[3] 1 = the client may be forgotten once empty
ARGV[4] field count, then per field: field, expected value ('' = delete whatever it holds)
then the Buffer members to remove.

A field with an expected value (a gauge entry) is deleted only while it still holds it, so a
newer value written since the pruner read it survives. A client whose State and Buffer are
both empty leaves the indexes, in the same atomic step. Returns the number of fields and
members deleted.
]]

local fieldCount = tonumber(ARGV[4])
local deleted = 0
for i = 0, fieldCount - 1 do
  local field, expected = ARGV[5 + i * 2], ARGV[6 + i * 2]
  if expected == '' or redis.call('HGET', KEYS[1], field) == expected then
    deleted = deleted + redis.call('HDEL', KEYS[1], field)
  end
end
for i = 5 + fieldCount * 2, #ARGV do
  deleted = deleted + redis.call('ZREM', KEYS[2], ARGV[i])
end
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[1])
  redis.call('SREM', KEYS[4], ARGV[2])
end
return deleted
