# Shared by init-redis.sh and init-sentinel.sh (sourced, not run): how an init container finds
# the master of a set. Needs SENTINEL_HOSTS, SENTINEL_PORT and REDIS_PORT.

# True when a reply is a host name or address (not empty, not an error text).
is_host() {
  printf '%s' "$1" | grep -Eq '^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$'
}

# Prints the master of set $1 as the first Sentinel to answer names it, skipping the Sentinel
# whose pod name is $2 (a Sentinel asking about itself).
sentinel_master() {
  for sentinel in $SENTINEL_HOSTS; do
    if [ -n "${2:-}" ] && [ "${sentinel%%.*}" = "$2" ]; then
      continue
    fi
    reply=$(timeout 3 redis-cli -h "$sentinel" -p "$SENTINEL_PORT" --raw \
      SENTINEL get-master-addr-by-name "$1" 2>/dev/null | head -n 1) || reply=''
    if is_host "$reply"; then
      printf '%s\n' "$reply"
      return 0
    fi
  done
  return 1
}

# Prints the first of the data nodes given that answers ROLE "master".
master_among() {
  for node in "$@"; do
    role=$(timeout 3 redis-cli -h "$node" -p "$REDIS_PORT" --raw ROLE 2>/dev/null |
      head -n 1) || role=''
    if [ "$role" = master ]; then
      printf '%s\n' "$node"
      return 0
    fi
  done
  return 1
}
