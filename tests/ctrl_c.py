#!/usr/bin/env python3
"""Ctrl-C on a server example is a graceful shutdown: a request under way is answered (with
`Connection: close`), an idle connection is closed, and the program exits with success. A
second Ctrl-C, as soon as the first was taken, ends it at once (status 130).

Usage: python3 tests/ctrl_c.py PROGRAM...   (each a server example taking `--port 0`)
"""
import re
import signal
import socket
import subprocess
import sys
import time

# Half a request: under way when the signal comes.
HALF = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345"


def run(program, scenario):
    """Starts `program` on a free port and plays `scenario(process, port)` against it: the
    problems it found, or the exception that ended it."""
    p = subprocess.Popen([program, "--port", "0"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r"http://[^:]+:(\d+)", p.stdout.readline()).group(1))
        return scenario(p, port)
    except Exception as e:  # a timeout, a refused connection, no port printed
        return [f"{scenario.__name__}: {type(e).__name__}: {e}"]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def graceful(p, port):
    idle = socket.create_connection(("127.0.0.1", port), timeout=10)
    busy = socket.create_connection(("127.0.0.1", port), timeout=10)
    busy.sendall(HALF)
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    time.sleep(0.3)
    busy.sendall(b"67890")
    answer = b""
    while chunk := busy.recv(65536):
        answer += chunk
    head = answer.split(b"\r\n\r\n")[0].lower()
    problems = []
    if not head.startswith(b"http/1.1 200"):
        problems.append(f"the request under way got {answer[:40]!r}")
    if b"connection: close" not in head:
        problems.append("its answer did not say Connection: close")
    if idle.recv(1) != b"":
        problems.append("the idle connection was not closed")
    code = p.wait(timeout=10)
    if code != 0:
        problems.append(f"exit status {code}")
    return problems


def twice(p, port):
    # The request under way keeps the graceful shutdown from ending by itself.
    busy = socket.create_connection(("127.0.0.1", port), timeout=10)
    busy.sendall(HALF)
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    # (Two signals sent at once may arrive as one: the second goes once the first was
    # taken, as soon as the program says so.)
    p.stderr.readline()
    p.send_signal(signal.SIGINT)
    code = p.wait(timeout=5)
    return [] if code == 130 else [f"two Ctrl-C: exit status {code}"]


failed = False
for program in sys.argv[1:]:
    problems = run(program, graceful) + run(program, twice)
    print(f"{program}: {'; '.join(problems) or 'ok'}")
    failed |= bool(problems)
sys.exit(1 if failed else 0)
