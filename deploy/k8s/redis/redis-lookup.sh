# Shared by init-redis.sh and init-sentinel.sh (sourced, not run): how an init container finds
# the master of a set, and the password of every data node and Sentinel. Needs SENTINEL_HOSTS,
# SENTINEL_PORT and REDIS_PORT; PASSWORD_FILE is the mounted Secret (none: no password).

PASSWORD_FILE=${PASSWORD_FILE:-/secrets/redis/password}
password=''
if [ -e "$PASSWORD_FILE" ]; then
  password=$(cat "$PASSWORD_FILE")
  # Written into redis.conf and sentinel.conf between quotes: only characters that need none.
  case $password in
    '' | *[!A-Za-z0-9._~+/=-]*)
      echo "redis-lookup: $PASSWORD_FILE must hold a password of A-Z a-z 0-9 . _ ~ + / = - (e.g. openssl rand -hex 32)" >&2
      exit 1
      ;;
  esac
  # redis-cli reads the password from the environment, never from its command line.
  REDISCLI_AUTH=$password
  export REDISCLI_AUTH
fi

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
