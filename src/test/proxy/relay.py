"""TCP relay between nginx and the service that records what the service receives (proxy-test.sh).

Usage: python3 relay.py LISTEN_PORT TARGET_PORT RECORD_FILE

Listens on 127.0.0.1:LISTEN_PORT, forwards every connection byte for byte to 127.0.0.1:TARGET_PORT and appends
the bytes sent towards the service to RECORD_FILE, each connection starting with a line "=== connection N". The
test reads the request lines and headers there (HTTP version, X-Forwarded-*, X-Request-Id, connection reuse).
Runs until it is killed.
"""
import socket
import sys
import threading

listen_port, target_port, record_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
record = open(record_path, "ab", buffering=0)


def pump(src, dst, recorded):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if recorded:
                with lock:
                    record.write(data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(128)
    count = 0
    while True:
        client, _ = server.accept()
        count += 1
        upstream = socket.create_connection(("127.0.0.1", target_port), timeout=5)
        upstream.settimeout(None)
        with lock:
            record.write(b"\n=== connection %d\n" % count)
        threading.Thread(target=pump, args=(client, upstream, True), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()


main()
