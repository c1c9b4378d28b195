--[[
forget-idle: drops the high-water marks of clients idle since the pruner looked.

KEYS[1] hwm hash    KEYS[2] hwm times hash
ARGV: pairs of client, last-applied time (epoch ms) as the pruner read it.
A mark is dropped only if its time is unchanged (the client did not come back meanwhile).
Returns the number of marks dropped.
]]

local dropped = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    dropped = dropped + 1
  end
end
return dropped
