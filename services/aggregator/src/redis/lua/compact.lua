#!lua
--[[
compact: replaces a cell's records with their merge, unless the cell changed under it.

KEYS[1] the cell   KEYS[2] clients|<tab> set   KEYS[3] tabs|<client> set
ARGV[1] the cell's value as the compactor read it   ARGV[2] the new base record ('' = nothing
left)   ARGV[3] client   ARGV[4] Tab name   ARGV[5] 1 = the client leaves the indexes once the
cell is gone

Cells only grow by appends between compactions, so the cell is unchanged where it still starts
with what was read; what was appended since is kept after the new base. Two compactors racing
(a hand-off) cannot both apply: the second finds a different start and does nothing. A cell
left empty is deleted, with its client's index entries, in the same atomic step.
Returns 0 (changed meanwhile: nothing done), 1 (compacted) or 2 (deleted).
]]

local read = ARGV[1]
local length = redis.call('STRLEN', KEYS[1])
if length < #read or redis.call('GETRANGE', KEYS[1], 0, #read - 1) ~= read then return 0 end
local since = ''
if length > #read then since = redis.call('GETRANGE', KEYS[1], #read, -1) end
local base = ARGV[2]
if base == '' and since == '' then
  redis.call('DEL', KEYS[1])
  if ARGV[5] == '1' then
    redis.call('SREM', KEYS[2], ARGV[3])
    redis.call('SREM', KEYS[3], ARGV[4])
  end
  return 2
end
redis.call('SET', KEYS[1], struct.pack('<I4', #base) .. base .. since)
return 1
