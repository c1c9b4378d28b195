#!/bin/sh
# Writes a fresh sentinel.conf for one Sentinel, then exits. It is the init container of every
# pod of the taba-redis-sentinel StatefulSet.
#
# Sentinel rewrites its configuration file as it learns (replicas, other Sentinels, failovers),
# so the file lives on a writable volume, and it is written anew at every start. The master of
# each set is the one another Sentinel names, else the data node that answers ROLE "master",
# else (the very first start) pod -0 of the set's StatefulSet. Sentinels announce their stable
# DNS names, and resolve the names that the data nodes announce.
#
# Environment: MASTER_SETS (name=service pairs separated by spaces, e.g.
# "shard-0=taba-redis-shard-0 shard-1=taba-redis-shard-1"), SENTINEL_HOSTS (every Sentinel's
# host name, this one included, separated by spaces), NODES (data nodes per set), QUORUM,
# DOWN_AFTER_MS, FAILOVER_TIMEOUT_MS, PASSWORD_FILE (the password of the data nodes and of the
# Sentinels themselves, from the Secret; see redis-lookup.sh).
set -eu

: "${MASTER_SETS:?MASTER_SETS must list name=service pairs}"
: "${SENTINEL_HOSTS:?SENTINEL_HOSTS must list the Sentinels}"
: "${SERVICE:?SERVICE must name the Sentinels headless Service}"
NODES=${NODES:-2}
QUORUM=${QUORUM:-2}
DOWN_AFTER_MS=${DOWN_AFTER_MS:-5000}
FAILOVER_TIMEOUT_MS=${FAILOVER_TIMEOUT_MS:-60000}
REDIS_PORT=${REDIS_PORT:-6379}
SENTINEL_PORT=${SENTINEL_PORT:-26379}
CONFIG_DIR=${CONFIG_DIR:-/config}
RESOLVE_ATTEMPTS=${RESOLVE_ATTEMPTS:-60}
. "$(dirname "$0")/redis-lookup.sh"

# This pod's stable name: <pod>.<service>.<namespace>.svc.<cluster domain>; the data nodes'
# names end the same way after their own service.
self=$(hostname -f)
pod=${self%%.*}
case $self in
  *.*.*)
    zone=${self#*.}
    zone=.${zone#*.}
    ;;
  *) zone='' ;;
esac
self=$pod.$SERVICE$zone

# The data nodes of service $1.
nodes_of() {
  i=0
  while [ "$i" -lt "$NODES" ]; do
    printf '%s\n' "$1-$i.$1$zone"
    i=$((i + 1))
  done
}

mkdir -p "$CONFIG_DIR"
conf=$CONFIG_DIR/sentinel.conf
{
  echo "# Written by init-sentinel.sh at start; Sentinel rewrites it from then on."
  echo "port $SENTINEL_PORT"
  echo "protected-mode yes"
  echo "dir $CONFIG_DIR"
  echo "sentinel resolve-hostnames yes"
  echo "sentinel announce-hostnames yes"
  echo "sentinel announce-ip $self"
  if [ -n "$password" ]; then
    # The Sentinels' own password; they log in to each other with it too.
    echo "requirepass \"$password\""
  fi
} >"$conf"

for pair in $MASTER_SETS; do
  name=${pair%%=*}
  service=${pair#*=}
  if master=$(sentinel_master "$name" "$pod"); then
    source="named by another Sentinel"
  elif master=$(master_among $(nodes_of "$service")); then
    source="the node answering ROLE master"
  else
    master=$service-0.$service$zone
    source="first start: pod -0"
  fi
  # Sentinel refuses a configuration whose master does not resolve: wait for its DNS record
  # (the headless Services publish pods before they are ready).
  attempt=1
  until getent hosts "$master" >/dev/null 2>&1; do
    if [ "$attempt" -ge "$RESOLVE_ATTEMPTS" ]; then
      echo "init-sentinel: $master (master of $name) does not resolve" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
  echo "init-sentinel: $name: master $master ($source)"
  {
    echo "sentinel monitor $name $master $REDIS_PORT $QUORUM"
    echo "sentinel down-after-milliseconds $name $DOWN_AFTER_MS"
    echo "sentinel failover-timeout $name $FAILOVER_TIMEOUT_MS"
    echo "sentinel parallel-syncs $name 1"
    if [ -n "$password" ]; then
      echo "sentinel auth-pass $name \"$password\""
    fi
  } >>"$conf"
done
