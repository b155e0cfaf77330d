"""Hand-encoded ipmgmtd requests (proto/ipmgmt.proto) for tests that must
speak to the daemon below libipadm: idle, malformed, oversize or never-read
connections.  Only the few messages the tests need; no protobuf module."""

import os
import re
import socket


def _protocol_version():
    """kProtocolVersion of src/common/protocol.h: what libipadm says in its Hello."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "common",
                        "protocol.h")
    with open(path) as f:
        return int(re.search(r"kProtocolVersion = (\d+);", f.read()).group(1))


PROTOCOL_VERSION = _protocol_version()


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, payload):
    """A length-delimited field (bytes/str payload) or a varint (int)."""
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    return varint((num << 3) | 2) + varint(len(payload)) + payload


def request(rid, body_field, body=b""):
    return field(1, rid) + field(body_field, body)


HELLO, CREATE_IF, SHOW_IF, SHOW_ADDR, EXPORT, IMPORT = 2, 10, 14, 22, 41, 42


def hello(rid=1, version=PROTOCOL_VERSION):
    return request(rid, HELLO, field(1, version))


def import_chunk(rid, text, more, offset, total):
    """ImportReq{text, more, offset, total} (docs/protocol.md "Import")."""
    body = field(1, text) + field(2, 1 if more else 0) + field(3, offset) + field(4, total)
    return request(rid, IMPORT, body)


def create_if(rid, ifname):
    return request(rid, CREATE_IF, field(1, ifname))


def show_addr(rid, aobjname="", ifname=""):
    body = (field(1, aobjname) if aobjname else b"") + (field(2, ifname) if ifname else b"")
    return request(rid, SHOW_ADDR, body)


def export(rid, fmt="illumos"):
    return request(rid, EXPORT, field(1, fmt))


def parse_fields(buf):
    """Top-level fields of a message: {num: [value, ...]} (varints as int,
    length-delimited as bytes)."""
    out, i = {}, 0
    while i < len(buf):
        key, i = _read_varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _read_varint(buf, i)
        elif wt == 2:
            n, i = _read_varint(buf, i)
            v, i = buf[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % wt)
        out.setdefault(num, []).append(v)
    return out


def _read_varint(buf, i):
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def reply_status(buf):
    """(id, status, detail, more) of one Reply datagram."""
    f = parse_fields(buf)
    return (f.get(1, [0])[0], f.get(2, [0])[0], f.get(3, [b""])[0].decode(errors="replace"),
            bool(f.get(4, [0])[0]))


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    return s


def call(path, payload, timeout=10):
    """Hello + one request on a fresh connection; returns the first reply's
    (id, status, detail, more)."""
    s = connect(path)
    s.settimeout(timeout)
    try:
        s.send(hello(1))
        s.send(payload)
        h = reply_status(s.recv(70000))
        if h[1] != 0:
            return h
        return reply_status(s.recv(70000))
    finally:
        s.close()
