#!/bin/sh
# Writes the configuration of one Redis data node of a Sentinel shard, then exits. It is the
# init container of every pod of a taba-redis-shard-<n> StatefulSet.
#
# Which node is the master, in this order:
#   1. the one the Sentinels name, when any of them knows the master set: after a failover the
#      master may be any pod, and a restarted master must come back as a replica of the node
#      Sentinel promoted (or as the master, if Sentinel still names it);
#   2. else another pod of the StatefulSet that answers ROLE "master" (every Sentinel is down);
#   3. else this is the first start: pod -0 is the master and every other pod its replica.
# Every node announces its stable DNS name, not its pod IP (which changes at every restart), so
# Sentinel and the services follow a pod across restarts.
#
# Environment: MASTER_SET (the master set name, e.g. shard-0), SERVICE (the headless Service of
# the StatefulSet), SENTINEL_HOSTS (the Sentinels' host names, separated by spaces), NODES (pods
# in the StatefulSet), POD_IP (optional; Sentinel may name the master by address), PASSWORD_FILE
# (the password of every node, from the Secret; see redis-lookup.sh), MAXMEMORY (e.g. 1536mb).
# The generated file is on the pod's own volume, never in a ConfigMap.
set -eu

: "${MASTER_SET:?MASTER_SET must name the master set}"
: "${SERVICE:?SERVICE must name the headless Service}"
: "${SENTINEL_HOSTS:?SENTINEL_HOSTS must list the Sentinels}"
NODES=${NODES:-2}
REDIS_PORT=${REDIS_PORT:-6379}
SENTINEL_PORT=${SENTINEL_PORT:-26379}
TEMPLATE=${TEMPLATE:-/scripts/redis.conf}
CONFIG_DIR=${CONFIG_DIR:-/config}
. "$(dirname "$0")/redis-lookup.sh"

# This pod's stable name: <pod>.<service>.<namespace>.svc.<cluster domain>.
self=$(hostname -f)
pod=${self%%.*}
case $self in
  *.*) domain=${self#"$pod"} ;;
  *) domain=".$SERVICE" ;;
esac
self=$pod$domain
set_name=${pod%-*}
ordinal=${pod##*-}

# The other pods of the StatefulSet.
peers() {
  i=0
  while [ "$i" -lt "$NODES" ]; do
    if [ "$i" != "$ordinal" ]; then printf '%s\n' "$set_name-$i$domain"; fi
    i=$((i + 1))
  done
}

if master=$(sentinel_master "$MASTER_SET"); then
  source="named by the Sentinels"
elif master=$(master_among $(peers)); then
  source="the only node answering ROLE master"
elif [ "$ordinal" = 0 ]; then
  master=$self
  source="first start: pod -0 is the master"
else
  master=$set_name-0$domain
  source="first start: pod -0 is the master"
fi

if [ "$master" = "$self" ] || [ "${master%%.*}" = "$pod" ] || [ "$master" = "${POD_IP:-}" ]; then
  replicaof=''
  echo "init-redis: $self starts as the master of $MASTER_SET ($source)"
else
  replicaof="replicaof $master $REDIS_PORT"
  echo "init-redis: $self starts as a replica of $master in $MASTER_SET ($source)"
fi

mkdir -p "$CONFIG_DIR"
conf=$CONFIG_DIR/redis.conf
cp "$TEMPLATE" "$conf"
{
  echo
  echo "# Written by init-redis.sh at start: $source."
  echo "replica-announce-ip $self"
  if [ -n "$replicaof" ]; then
    echo "$replicaof"
  fi
  if [ -n "$password" ]; then
    echo "requirepass \"$password\""
    echo "masterauth \"$password\""
  fi
  if [ -n "${MAXMEMORY:-}" ]; then
    echo "maxmemory $MAXMEMORY"
  fi
} >>"$conf"
