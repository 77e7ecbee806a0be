#!/usr/bin/env bash
# Entrypoint of the TEST-ONLY image localhost:5000/books-test/postgres:17 (built by
# base-images.sh from Debian trixie's postgresql-17). It is installed in the image as
# /usr/local/bin/docker-entrypoint.sh and follows the documented contract of the
# official `postgres:17` image, so compose files and tests written against the
# official image behave the same with this stand-in:
#
#   POSTGRES_PASSWORD | POSTGRES_PASSWORD_FILE   superuser password (exactly one of them;
#                        neither is an error unless POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER[_FILE]         superuser name         (default postgres)
#   POSTGRES_DB[_FILE]           database to create     (default = POSTGRES_USER)
#   POSTGRES_INITDB_ARGS[_FILE]  extra initdb arguments (shell words)
#   POSTGRES_INITDB_WALDIR       separate WAL directory
#   POSTGRES_HOST_AUTH_METHOD    auth method of the `host all all all` pg_hba line
#                                (default: password_encryption, i.e. scram-sha-256)
#   PGDATA                       data directory (default /var/lib/postgresql/data)
#
# - initdb runs ONLY when $PGDATA holds no PG_VERSION; then the database is created
#   and /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz|*.sql.xz|*.sql.zst are run
#   against a temporary server that listens on the unix socket only (so
#   `pg_isready -h 127.0.0.1` fails until the real server starts).
# - Started as root it fixes ownership of $PGDATA and re-runs itself as `postgres`.
# - Unlike the official image (STOPSIGNAL SIGINT + exec), `docker import` cannot set
#   STOPSIGNAL, so this script stays PID 1 and turns SIGTERM (docker stop) into
#   SIGINT = PostgreSQL "fast shutdown"; SIGINT/SIGQUIT/SIGHUP are forwarded as-is.
set -Eeo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${PG_MAJOR:=17}"
export PGDATA

say() { printf '%s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

# env_or_file NAME [DEFAULT]: NAME from NAME or from the file named by NAME_FILE.
env_or_file() {
    local name="$1" default="${2:-}" file_var="${1}_FILE" value
    if [[ -n "${!name:-}" && -n "${!file_var:-}" ]]; then
        fail "both $name and $file_var are set (but are exclusive)"
    fi
    value="$default"
    if [[ -n "${!name:-}" ]]; then
        value="${!name}"
    elif [[ -n "${!file_var:-}" ]]; then
        [[ -r "${!file_var}" ]] || fail "$file_var=${!file_var} is not readable"
        value="$(<"${!file_var}")"
    fi
    export "$name=$value"
    unset "$file_var"
}

load_settings() {
    env_or_file POSTGRES_PASSWORD
    env_or_file POSTGRES_USER postgres
    env_or_file POSTGRES_DB "$POSTGRES_USER"
    env_or_file POSTGRES_INITDB_ARGS
    : "${POSTGRES_HOST_AUTH_METHOD:=}"
    DATA_EXISTS=""
    if [[ -s "$PGDATA/PG_VERSION" ]]; then DATA_EXISTS=1; fi
}

# Directories; when root, hand them to postgres (lets `docker run --user` work too).
prepare_directories() {
    mkdir -p "$PGDATA"
    chmod 00700 "$PGDATA" 2>/dev/null || :
    mkdir -p /var/run/postgresql 2>/dev/null || :
    chmod 03775 /var/run/postgresql 2>/dev/null || :
    if [[ -n "${POSTGRES_INITDB_WALDIR:-}" ]]; then
        mkdir -p "$POSTGRES_INITDB_WALDIR"
        if [[ "$(id -u)" == 0 ]]; then
            find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres: '{}' +
        fi
        chmod 700 "$POSTGRES_INITDB_WALDIR"
    fi
    if [[ "$(id -u)" == 0 ]]; then
        find "$PGDATA" \! -user postgres -exec chown postgres: '{}' +
        find /var/run/postgresql \! -user postgres -exec chown postgres: '{}' +
    fi
}

check_init_settings() {
    if [[ -z "$POSTGRES_PASSWORD" && "$POSTGRES_HOST_AUTH_METHOD" != trust ]]; then
        cat >&2 <<'MSG'
Error: Database is uninitialized and superuser password is not specified.
       Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value,
       or POSTGRES_HOST_AUTH_METHOD=trust to allow connections without a password
       (not recommended).
MSG
        exit 1
    fi
    if [[ "$POSTGRES_HOST_AUTH_METHOD" == trust ]]; then
        say 'WARNING: POSTGRES_HOST_AUTH_METHOD=trust: every host connection is accepted without a password.' >&2
    fi
}

# psql against the temporary (socket-only) server.
# run_sql_in DB [psql args]: DB may be empty (psql's default database).
run_sql_in() {
    local db="$1" cmd=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
    shift
    if [[ -n "$db" ]]; then cmd+=(--dbname "$db"); fi
    PGHOST='' PGHOSTADDR='' "${cmd[@]}" "$@"
}
run_sql() { run_sql_in "$POSTGRES_DB" "$@"; }
# Name that sourced /docker-entrypoint-initdb.d/*.sh scripts of the official image use.
# shellcheck disable=SC2317
docker_process_sql() { run_sql "$@"; }

initialize() {
    local server_args=("$@") initdb_args=() auth exists
    ls /docker-entrypoint-initdb.d/ >/dev/null   # fail early on unreadable mounts
    if [[ -n "$POSTGRES_INITDB_ARGS" ]]; then
        eval "initdb_args=( $POSTGRES_INITDB_ARGS )"
    fi
    if [[ -n "${POSTGRES_INITDB_WALDIR:-}" ]]; then
        initdb_args=(--waldir "$POSTGRES_INITDB_WALDIR" "${initdb_args[@]}")
    fi
    # initdb wants a non-empty --pwfile, hence the newline.
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") "${initdb_args[@]}"

    auth="$(postgres -C password_encryption "${server_args[@]}")"
    : "${POSTGRES_HOST_AUTH_METHOD:=$auth}"
    printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

    export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
    # Temporary server: unix socket only (listen_addresses=''), like the official image.
    NOTIFY_SOCKET='' PGUSER="${PGUSER:-$POSTGRES_USER}" \
        pg_ctl -D "$PGDATA" -o "$(printf '%q ' "${server_args[@]}" -c listen_addresses='' -p "${PGPORT:-5432}")" -w start

    exists="$(run_sql_in postgres --set db="$POSTGRES_DB" --tuples-only --no-align <<'SQL'
SELECT 1 FROM pg_database WHERE datname = :'db';
SQL
)"
    if [[ -z "$exists" ]]; then
        run_sql_in postgres --set db="$POSTGRES_DB" <<'SQL'
CREATE DATABASE :"db";
SQL
    fi

    local f
    # shellcheck disable=SC2034  # for sourced init scripts written as "${psql[@]}"
    local psql=(docker_process_sql)
    for f in /docker-entrypoint-initdb.d/*; do
        [[ -e "$f" ]] || continue
        case "$f" in
            *.sh)
                if [[ -x "$f" ]]; then say "$0: running $f"; "$f"
                else say "$0: sourcing $f"; # shellcheck disable=SC1090
                    . "$f"; fi ;;
            *.sql) say "$0: running $f"; run_sql -f "$f" ;;
            *.sql.gz) say "$0: running $f"; gzip -dc "$f" | run_sql ;;
            *.sql.xz) say "$0: running $f"; xz -dc "$f" | run_sql ;;
            *.sql.zst) say "$0: running $f"; zstd -dc "$f" | run_sql ;;
            *) say "$0: ignoring $f" ;;
        esac
    done

    PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
    unset PGPASSWORD
    say '' 'PostgreSQL init process complete; ready for start up.' ''
}

# Run the server as a child and translate docker's SIGTERM into a fast shutdown.
run_server() {
    local child="" rc=0
    trap '[[ -n "$child" ]] && kill -INT "$child" 2>/dev/null || :' TERM INT
    trap '[[ -n "$child" ]] && kill -QUIT "$child" 2>/dev/null || :' QUIT
    trap '[[ -n "$child" ]] && kill -HUP "$child" 2>/dev/null || :' HUP
    "$@" &
    child=$!
    while :; do
        rc=0
        wait "$child" || rc=$?
        kill -0 "$child" 2>/dev/null || break   # still alive: wait was cut by a signal
    done
    trap - TERM INT QUIT HUP
    exit "$rc"
}

wants_help() {
    local a
    for a in "$@"; do
        case "$a" in -'?'|--help|--describe-config|-V|--version) return 0 ;; esac
    done
    return 1
}

main() {
    if [[ "${1:-}" == -* ]]; then set -- postgres "$@"; fi
    if [[ "${1:-}" != postgres ]] || wants_help "$@"; then
        exec "$@"
    fi
    load_settings
    prepare_directories
    if [[ "$(id -u)" == 0 ]]; then
        exec setpriv --reuid=postgres --regid=postgres --init-groups \
            env HOME=/var/lib/postgresql USER=postgres LOGNAME=postgres "${BASH_SOURCE[0]}" "$@"
    fi
    if [[ -z "$DATA_EXISTS" ]]; then
        check_init_settings
        initialize "${@:2}"
    else
        say '' 'PostgreSQL Database directory appears to contain a database; Skipping initialization' ''
    fi
    # The server does not need the secrets in its environment.
    unset POSTGRES_PASSWORD PGPASSWORD
    run_server "$@"
}

main "$@"
