#!lua
--[[
expire-idle: deletes a (Tab, client) cell that has been idle past TABA_STATE_IDLE_SECONDS,
whatever its type, provided it is still exactly what the pruner read (a commit since then
means it is not idle: nothing is done). With the all-clients cell, the Tab goes with it, but
only once no client cell of the Tab is left.

KEYS[1] the cell   KEYS[2] clients|<tab>   KEYS[3] tabs|<client>   KEYS[4] the idle hash
KEYS[5] the partition's version   KEYS[6] the types hash
ARGV[1] the cell's value as read   ARGV[2] client   ARGV[3] Tab   ARGV[4] idle-hash field
ARGV[5] 1 = a client's cell, 0 = the all-clients cell
Returns 1 when deleted, 0 when left (changed, or the Tab still has clients).
]]

if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[5] == '1' then
  redis.call('SREM', KEYS[2], ARGV[2])
  redis.call('SREM', KEYS[3], ARGV[3])
else
  if redis.call('SCARD', KEYS[2]) > 0 then return 0 end
  redis.call('HDEL', KEYS[6], ARGV[3])
end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[4], ARGV[4])
-- A render changes (lifetime totals go), so cached reads of the partition must not be served.
redis.call('INCR', KEYS[5])
return 1
