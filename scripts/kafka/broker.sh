#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft, combined broker+controller) for tests and CI.
#
#   scripts/kafka/broker.sh start [--fresh]   start (or reuse) the broker, print KAFKA_BROKERS=host:port
#   scripts/kafka/broker.sh stop [--kill]     stop it (SIGTERM, then SIGKILL); --kill: SIGKILL at once
#   scripts/kafka/broker.sh restart           stop, then start with the same data
#   scripts/kafka/broker.sh status            say whether it runs (exit 0 running, 3 stopped)
#   scripts/kafka/broker.sh env               print KAFKA_BROKERS=host:port
#   scripts/kafka/broker.sh reset             stop it and wipe its state dir
#   scripts/kafka/broker.sh resolve           only fetch the broker jars into the cache
#
# Only the KAFKA_BROKERS=... line goes to stdout; progress goes to stderr, so
#   export "$(scripts/kafka/broker.sh start)"
# works. See README.md beside this file for the environment variables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Pinned: the newest 3.9.x. Kafka 4.0 dropped the old JoinGroup/SyncGroup/... versions that
# kafkajs 2.2.4 speaks; 3.9 still serves them and runs without ZooKeeper (KRaft).
KAFKA_VERSION="${ORDO_KAFKA_VERSION:-3.9.2}"
SCALA_BINARY="2.13"
RELOAD4J_VERSION="1.2.25"
SLF4J_VERSION="1.7.36"

CACHE_ROOT="${ORDO_CACHE_DIR:-${HOME:-/tmp}/.cache/ordo}"
CACHE_DIR="$CACHE_ROOT/kafka/$KAFKA_VERSION"
CLASSPATH_FILE="$CACHE_DIR/classpath.txt"

STATE_DIR="${ORDO_KAFKA_STATE:-/tmp/ordo-kafka}"
STATE_DIR="${STATE_DIR%/}"
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
HOST="127.0.0.1"
BROKERS="$HOST:$PORT"
START_TIMEOUT="${ORDO_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${ORDO_KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${ORDO_KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"

PID_FILE="$STATE_DIR/kafka.pid"
LOG_FILE="$STATE_DIR/kafka.log"
DATA_DIR="$STATE_DIR/data"
CONFIG_FILE="$STATE_DIR/server.properties"
CLUSTER_ID_FILE="$STATE_DIR/cluster-id"
MARKER_FILE="$STATE_DIR/.ordo-kafka-state"
LOCK_FILE="$STATE_DIR.lock"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

log() { printf 'kafka: %s\n' "$*" >&2; }
die() {
  printf 'kafka: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Locking: one start/stop at a time per state dir (parallel test files may all call start).
lock_state() {
  mkdir -p "$(dirname "$LOCK_FILE")"
  exec 9>"$LOCK_FILE"
  flock -w 900 9 || die "timed out waiting for the lock $LOCK_FILE"
}

# ---------------------------------------------------------------------------------------------
# Jars: kafka_2.13 and its runtime dependencies, plus a log4j 1.x backend (reload4j), copied
# from Maven into the cache. classpath.txt is written last and marks a complete cache.
resolve_jars() {
  if [[ -s "$CLASSPATH_FILE" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch Kafka $KAFKA_VERSION)"
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR.lock"
  flock -w 900 8 || die "timed out waiting for the cache lock $CACHE_DIR.lock"
  if [[ -s "$CLASSPATH_FILE" ]]; then # another process resolved it meanwhile
    exec 8>&-
    return 0
  fi
  log "resolving Kafka $KAFKA_VERSION jars with Maven into $CACHE_DIR (first run only)"
  local work="$CACHE_DIR/resolve.tmp"
  rm -rf "$work"
  mkdir -p "$work"
  cat >"$work/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.ordo.local</groupId>
  <artifactId>ordo-kafka-broker</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$SCALA_BINARY</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <!-- Kafka 3.x logs through slf4j 1.7 + log4j 1.x API; the release tarball ships reload4j. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>$SLF4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>ch.qos.reload4j</groupId>
      <artifactId>reload4j</artifactId>
      <version>$RELOAD4J_VERSION</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.6.1</version>
      </plugin>
    </plugins>
  </build>
</project>
EOF
  if ! (cd "$work" && mvn -q -B -f pom.xml dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$work/libs" 9>&- 8>&- >"$work/mvn.log" 2>&1); then
    tail -n 40 "$work/mvn.log" >&2 || true
    die "Maven could not resolve org.apache.kafka:kafka_$SCALA_BINARY:$KAFKA_VERSION (log: $work/mvn.log)"
  fi
  compgen -G "$work/libs/kafka_$SCALA_BINARY-$KAFKA_VERSION.jar" >/dev/null ||
    die "Maven finished but kafka_$SCALA_BINARY-$KAFKA_VERSION.jar is missing in $work/libs"
  rm -rf "$CACHE_DIR/libs"
  mv "$work/libs" "$CACHE_DIR/libs"
  cp "$work/pom.xml" "$CACHE_DIR/pom.xml"
  rm -rf "$work"
  local cp
  cp="$(find "$CACHE_DIR/libs" -maxdepth 1 -name '*.jar' | LC_ALL=C sort | paste -sd: -)"
  printf '%s\n' "$cp" >"$CLASSPATH_FILE.tmp"
  mv "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
  log "cached $(find "$CACHE_DIR/libs" -maxdepth 1 -name '*.jar' | wc -l) jars ($(du -sh "$CACHE_DIR" | cut -f1))"
  exec 8>&-
}

# Fills JAVA_ARGS with the JVM options and class path. Small heap, C1 only and the serial GC:
# this is a test broker on a small machine, where start-up time and CPU matter more than
# peak throughput.
java_args() {
  # shellcheck disable=SC2206
  JAVA_ARGS=(
    $HEAP_OPTS
    -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$SCRIPT_DIR/log4j.properties"
    "-Dkafka.logs.dir=$STATE_DIR"
    "-Dordo.kafka.state=$STATE_DIR"
    ${ORDO_KAFKA_JVM_OPTS:-}
    -cp "$(cat "$CLASSPATH_FILE")"
  )
}

# ---------------------------------------------------------------------------------------------
# State dir.
is_running() {
  [[ -s "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: the process must be our broker for this state dir.
  local args
  args="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  grep -Fxq -- "-Dordo.kafka.state=$STATE_DIR" <<<"$args" && grep -Fxq -- "kafka.Kafka" <<<"$args"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

new_cluster_id() {
  # Kafka's Uuid format: 16 random bytes, URL-safe base64 without padding. Avoid a leading '-'.
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* && "$id" != "AAAAAAAAAAAAAAAAAAAAAA" && "$id" != "AAAAAAAAAAAAAAAAAAAAAQ" ]] && break
  done
  printf '%s' "$id"
}

write_config() {
  cat >"$CONFIG_FILE" <<EOF
# Generated by scripts/kafka/broker.sh: single-node KRaft test broker.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR

num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
group.initial.rebalance.delay.ms=0

# After a crash (stop --kill) the controller accepts the restarted broker only once the old
# registration's session expired (default 9 s); heartbeats stay in-process, so keep it short.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=4000

# After a broker outage, a kafkajs client can keep one connection open after it was stopped
# (kafkajs issues 1074 and 1147); the process holding it exits only once the broker drops the
# idle connection. 10 minutes by default; a test broker drops idle connections after 30 s.
connections.max.idle.ms=30000

num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
log.cleaner.threads=1
log.retention.hours=168
log.segment.bytes=67108864
EOF
}

prepare_state() {
  if [[ -d "$STATE_DIR" && ! -f "$MARKER_FILE" ]] && [[ -n "$(ls -A "$STATE_DIR" 2>/dev/null)" ]]; then
    die "$STATE_DIR exists, is not empty and was not made by this script; set ORDO_KAFKA_STATE"
  fi
  mkdir -p "$STATE_DIR"
  touch "$MARKER_FILE"
  write_config
  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    local cluster_id
    if [[ -s "$CLUSTER_ID_FILE" ]]; then
      cluster_id="$(cat "$CLUSTER_ID_FILE")"
    else
      cluster_id="$(new_cluster_id)"
      printf '%s\n' "$cluster_id" >"$CLUSTER_ID_FILE"
    fi
    log "formatting KRaft storage in $DATA_DIR (cluster id $cluster_id)"
    mkdir -p "$DATA_DIR"
    java_args
    if ! "$JAVA" "${JAVA_ARGS[@]}" kafka.tools.StorageTool format --ignore-formatted \
      -t "$cluster_id" -c "$CONFIG_FILE" 9>&- >>"$LOG_FILE" 2>&1; then
      tail -n 30 "$LOG_FILE" >&2 || true
      die "formatting the KRaft storage failed (log: $LOG_FILE)"
    fi
  fi
}

wait_ready() {
  local pid="$1"
  local deadline=$((SECONDS + START_TIMEOUT))
  # Phase 1: the PLAINTEXT port accepts connections.
  until port_open "$PORT"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$LOG_FILE" >&2 || true
      die "the broker exited during start-up (log: $LOG_FILE)"
    fi
    ((SECONDS < deadline)) || {
      tail -n 40 "$LOG_FILE" >&2 || true
      die "the broker did not open $BROKERS within ${START_TIMEOUT}s (log: $LOG_FILE)"
    }
    sleep 0.5
  done
  # Phase 2: a Kafka client gets metadata listing the broker.
  local left=$((deadline - SECONDS))
  ((left > 5)) || left=5
  local rc=0
  if command -v node >/dev/null 2>&1; then
    (cd "$SCRIPT_DIR" && node wait-ready.mjs "$BROKERS" "$((left * 1000))" "$pid" 9>&-) || rc=$?
  else
    rc=3
  fi
  case "$rc" in
  0) ;;
  3) log "node/kafkajs unavailable: only checked that the port is open" ;;
  *)
    tail -n 40 "$LOG_FILE" >&2 || true
    die "the broker did not become ready within ${START_TIMEOUT}s (log: $LOG_FILE)"
    ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Commands.
do_stop() {
  local hard="${1:-}"
  if ! is_running; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  if [[ "$hard" == "--kill" ]]; then
    log "killing broker (pid $pid, SIGKILL)"
    kill -KILL "$pid" 2>/dev/null || true
  else
    log "stopping broker (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "still running after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$PID_FILE"
  # The ports must be free before a restart can bind them again.
  for ((i = 0; i < 100; i++)); do
    port_open "$PORT" || port_open "$CONTROLLER_PORT" || break
    sleep 0.1
  done
  log "stopped"
}

do_reset() {
  do_stop
  if [[ -d "$STATE_DIR" ]]; then
    if [[ -f "$MARKER_FILE" || -z "$(ls -A "$STATE_DIR")" ]]; then
      rm -rf "$STATE_DIR"
      log "wiped $STATE_DIR"
    else
      die "refusing to wipe $STATE_DIR: it was not made by this script"
    fi
  fi
}

do_start() {
  if is_running; then
    log "already running (pid $(cat "$PID_FILE")) at $BROKERS"
    wait_ready "$(cat "$PID_FILE")"
    echo "KAFKA_BROKERS=$BROKERS"
    return 0
  fi
  rm -f "$PID_FILE"
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 11+; set JAVA_HOME)"
  if port_open "$PORT" || port_open "$CONTROLLER_PORT"; then
    die "port $PORT or $CONTROLLER_PORT on $HOST is already in use by another process; set KAFKA_PORT"
  fi
  resolve_jars
  prepare_state
  log "starting Kafka $KAFKA_VERSION at $BROKERS (state $STATE_DIR)"
  printf '\n===== start %s =====\n' "$(date -u +%FT%TZ)" >>"$LOG_FILE"
  # setsid: the broker outlives the caller's process group; fd 9 (the lock) must not leak into it.
  java_args
  setsid nohup "$JAVA" "${JAVA_ARGS[@]}" kafka.Kafka "$CONFIG_FILE" </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  local t0=$SECONDS
  wait_ready "$pid"
  log "ready in $((SECONDS - t0))s (pid $pid, log $LOG_FILE)"
  echo "KAFKA_BROKERS=$BROKERS"
}

do_status() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    log "KAFKA_BROKERS is set: tests use $KAFKA_BROKERS"
  fi
  if is_running; then
    echo "running: pid $(cat "$PID_FILE"), KAFKA_BROKERS=$BROKERS, Kafka $KAFKA_VERSION, state $STATE_DIR"
    return 0
  fi
  echo "stopped (state $STATE_DIR)"
  return 3
}

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 64
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
start)
  fresh=""
  for arg in "$@"; do
    case "$arg" in
    --fresh) fresh=1 ;;
    *) usage ;;
    esac
  done
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    log "KAFKA_BROKERS is set: using the existing cluster at $KAFKA_BROKERS, not starting one"
    echo "KAFKA_BROKERS=$KAFKA_BROKERS"
    exit 0
  fi
  lock_state
  [[ -n "$fresh" ]] && do_reset
  do_start
  ;;
stop)
  [[ $# -le 1 && ("${1:-}" == "" || "${1:-}" == "--kill") ]] || usage
  lock_state
  do_stop "${1:-}"
  ;;
restart)
  lock_state
  do_stop
  do_start
  ;;
reset)
  lock_state
  do_reset
  ;;
status) do_status ;;
env) echo "KAFKA_BROKERS=${KAFKA_BROKERS:-$BROKERS}" ;;
resolve) resolve_jars && log "jars cached in $CACHE_DIR" ;;
*) usage ;;
esac
