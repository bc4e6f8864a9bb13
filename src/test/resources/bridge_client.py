#!/usr/bin/env python3
"""Allocate and release an address through weft's event-bus TCP bridge (standard library only).

Usage: bridge_client.py HOST PORT IDENT
Frames are a 4-byte big-endian length followed by a JSON object (vertx-tcp-eventbus-bridge).
"""
import json, socket, struct, sys

def send(sock, frame):
    data = json.dumps(frame).encode()
    sock.sendall(struct.pack(">I", len(data)) + data)

def receive(sock):
    def exactly(n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("the bridge closed the connection")
            buf += chunk
        return buf
    (length,) = struct.unpack(">I", exactly(4))
    return json.loads(exactly(length))

def request(sock, body, reply_to):
    send(sock, {"type": "send", "address": "weft.ipam", "replyAddress": reply_to, "body": body})
    frame = receive(sock)
    if frame.get("type") == "err":
        raise RuntimeError(frame.get("message"))
    return frame["body"]

host, port, ident = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with socket.create_connection((host, port), timeout=30) as sock:
    address = request(sock, {"op": "allocate", "id": ident}, "r1")["address"]
    print("allocated", address)
    freed = request(sock, {"op": "delete", "id": ident}, "r2")["freed"]
    print("freed", " ".join(freed))
