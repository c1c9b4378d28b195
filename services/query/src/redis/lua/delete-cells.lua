--[[
delete-cells: the first steps of deleting a Tab with more clients than one delete-tabs call
takes: removes some clients' cells of the Tab and their index entries, and bumps the
partition's version (cached reads of it are then stale). The Tab itself, its all-clients
cell and whatever clients are left go in the final, atomic delete-tabs call.

KEYS[1] version   KEYS[2] the Tab's clients set   KEYS[3] the idle-marks hash, then per
client: its tabs set, its cell
ARGV[1] the Tab, then the clients (in KEYS order)
Returns the number of cells deleted.
]]

local tab = ARGV[1]
local deleted = 0
for c = 2, #ARGV do
  local at = 4 + (c - 2) * 2
  redis.call('SREM', KEYS[2], ARGV[c])
  redis.call('SREM', KEYS[at], tab)
  redis.call('HDEL', KEYS[3], tab .. '|' .. ARGV[c])
  deleted = deleted + redis.call('DEL', KEYS[at + 1])
end
redis.call('INCR', KEYS[1])
return deleted
