"""A client that sends a request's headers and the start of its body over TLS, then stalls (proxy-test.sh).

Usage: python3 slow_body.py PORT CA_FILE REQUEST_ID MAX_SECONDS

Sends "POST /books" with Content-Length: 1000 and 10 bytes of body, then nothing. Prints
"<seconds> <status or closed>" when the proxy answers or closes the connection, or "<seconds> open" when neither
happened within MAX_SECONDS (the bound of this client; the test then fails).
"""
import socket
import ssl
import sys
import time

port, ca_file, request_id, max_seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
context = ssl.create_default_context(cafile=ca_file)
raw = socket.create_connection(("127.0.0.1", port), timeout=5)
conn = context.wrap_socket(raw, server_hostname="localhost")
conn.sendall(
    b"POST /books HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    + b"X-Request-Id: " + request_id.encode() + b"\r\nContent-Length: 1000\r\n\r\n" + b'{"title":"'
)
started = time.monotonic()
conn.settimeout(max_seconds)
try:
    answer = conn.recv(4096)
    outcome = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "closed"
except socket.timeout:
    outcome = "open"
except (ConnectionError, ssl.SSLError):
    outcome = "closed"
print("%.1f %s" % (time.monotonic() - started, outcome))
