#!/usr/bin/env bash
# A real Elasticsearch for development and tests: scripts/elasticsearch.sh start|stop|status
#
# Fetches the official minimal distribution (org.elasticsearch.distribution.integ-test-zip)
# from Maven Central with mvn, caches it, and runs it as a non-root user (Elasticsearch refuses
# root) on 127.0.0.1, single node, small heap, security off. `start` waits until the cluster
# answers, and fails with the server's own log when it does not.
set -euo pipefail

ES_VERSION="${ES_VERSION:-9.2.8}"  # newest 9.x served by Maven Central here (9.3+ is not)
ES_PORT="${ES_PORT:-9200}"
ES_HEAP="${ES_HEAP:-512m}"
# Somewhere the Elasticsearch user can reach: not under root's private home.
if [ "$(id -u)" -eq 0 ]; then DEFAULT_CACHE=/var/cache/vetarchive; else DEFAULT_CACHE="$HOME/.cache/vetarchive"; fi
CACHE="${VETARCHIVE_CACHE:-$DEFAULT_CACHE}"
HOME_DIR="$CACHE/elasticsearch-$ES_VERSION"
RUN_DIR="${ES_RUN_DIR:-$CACHE/es-run-$ES_PORT}"
PID_FILE="$RUN_DIR/es.pid"
ES_USER="${ES_USER:-vetarchive-es}"
URL="http://127.0.0.1:$ES_PORT"

java_home() {
  # 9.x needs Java 21 or newer: the Temurin 25 JDK beside the system's OpenJDK 17.
  for dir in "${ES_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk* \
             /usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/java-21-openjdk*; do
    if [ -n "$dir" ] && [ -x "$dir/bin/java" ]; then echo "$dir"; return; fi
  done
  echo "elasticsearch.sh: no Java 21+ found (looked for Temurin 25 in /usr/lib/jvm)" >&2
  exit 1
}

fetch() {
  [ -x "$HOME_DIR/bin/elasticsearch" ] && return
  mkdir -p "$CACHE"
  echo "elasticsearch.sh: fetching Elasticsearch $ES_VERSION from Maven Central" >&2
  mvn -q -B dependency:copy \
    "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    "-DoutputDirectory=$CACHE" >&2
  rm -rf "$HOME_DIR.tmp" && mkdir -p "$HOME_DIR.tmp"
  python3 -m zipfile -e "$CACHE/elasticsearch-$ES_VERSION.zip" "$HOME_DIR.tmp"
  mv "$HOME_DIR.tmp/elasticsearch-$ES_VERSION" "$HOME_DIR" && rm -rf "$HOME_DIR.tmp"
  chmod +x "$HOME_DIR"/bin/*
}

as_user() {
  if [ "$(id -u)" -eq 0 ]; then
    id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    runuser -u "$ES_USER" -- "$@"
  else
    "$@"
  fi
}

answering() {
  curl -fsS "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
}

start() {
  if answering; then echo "elasticsearch.sh: already answering at $URL"; return; fi
  fetch
  local jh; jh="$(java_home)"
  mkdir -p "$RUN_DIR/config" "$RUN_DIR/data" "$RUN_DIR/logs"
  cp -r "$HOME_DIR/config/." "$RUN_DIR/config/"
  cat > "$RUN_DIR/config/elasticsearch.yml" <<YML
cluster.name: vetarchive-dev
node.name: vetarchive-es-$ES_PORT
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
discovery.type: single-node
xpack.security.enabled: false
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
YML
  if [ "$(id -u)" -eq 0 ]; then
    id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    chown -R "$ES_USER" "$RUN_DIR" "$HOME_DIR"
  fi
  rm -f "$PID_FILE"
  as_user env ES_JAVA_HOME="$jh" ES_PATH_CONF="$RUN_DIR/config" \
    ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
    "$HOME_DIR/bin/elasticsearch" -d -p "$PID_FILE" \
    > "$RUN_DIR/logs/startup.out" 2>&1 || {
      echo "elasticsearch.sh: Elasticsearch did not start:" >&2
      tail -n 40 "$RUN_DIR/logs/startup.out" >&2
      exit 1
    }
  for _ in $(seq 1 120); do
    if answering; then echo "elasticsearch.sh: Elasticsearch $ES_VERSION answering at $URL"; return; fi
    sleep 1
  done
  echo "elasticsearch.sh: Elasticsearch did not answer at $URL within 120 s; its log:" >&2
  tail -n 60 "$RUN_DIR/logs/vetarchive-dev.log" >&2 2>/dev/null || tail -n 60 "$RUN_DIR/logs/startup.out" >&2
  exit 1
}

stop() {
  if [ -f "$PID_FILE" ]; then
    local pid; pid="$(cat "$PID_FILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
  fi
  echo "elasticsearch.sh: stopped"
}

status() {
  if answering; then curl -fsS "$URL/_cluster/health"; echo; else echo "elasticsearch.sh: not answering at $URL"; exit 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
