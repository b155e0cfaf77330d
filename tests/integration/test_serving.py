#!/usr/bin/env python3
"""Reads never wait behind writes (docs/architecture.md "Serving reads"):
show-if and show-addr answer from the daemon's read snapshot and kernel view
while an enable-if of 10,000 addresses holds the service lock, and the first
read after the write's reply sees all of it. (Changes by others showing at
once: test_hotplug.test_reads_see_every_change_at_once.)

Time-independent: reads are sent one after another from the moment the
enable-if request is sent; they must complete before its reply arrives (a
daemon whose reads took the service lock answers at most the one read that
slipped in before the write took it)."""

import os
import select
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawrpc  # noqa: E402
from harness import Env, check, eq, main  # noqa: E402

N = 10000
ENABLE_IF = 12


def fill_store(db, n):
    """n persistent static IPv4 /32 objects of veth0, written with sqlite3
    while the daemon is stopped (docs/store-format.md)."""
    con = sqlite3.connect(db)
    with con:
        con.execute("INSERT INTO interfaces(ifname, v4, v6) VALUES('veth0', 1, 0)")
        con.executemany(
            "INSERT INTO addrs(aobjname, ifname, family, atype, local, remote, prefixlen, up, "
            "extra) VALUES(?, 'veth0', 2, 1, ?, '', 32, 1, '')",
            (("veth0/a%d" % i, "10.%d.%d.%d" % (64 + i // 65536, (i // 256) % 256, i % 256))
             for i in range(n)))
    con.close()


def recv_reply(s):
    """All datagrams of one reply; returns (status, datagrams)."""
    parts = []
    while True:
        buf = s.recv(70000)
        rid, st, detail, more = rawrpc.reply_status(buf)
        parts.append(buf)
        if not more:
            return st, parts


def greeted(path):
    s = rawrpc.connect(path)
    s.settimeout(120)
    s.send(rawrpc.hello(1))
    eq(rawrpc.reply_status(s.recv(70000))[1], 0, "Hello")
    return s


def test_reads_complete_while_enable_if_of_10000_runs():
    with Env() as e:
        e.start_daemon(extra=["-A", "0"])
        e.stop_daemon()
        fill_store(e.store_db, N)
        e.start_daemon(extra=["-A", "0"])
        reader = greeted(e.sock)
        writer = greeted(e.sock)
        before = None
        writer.send(rawrpc.request(2, ENABLE_IF, rawrpc.field(1, "veth0")))
        reads, rid = 0, 10
        while True:
            # one show-addr of one object and one show-if, back to back
            rid += 1
            reader.send(rawrpc.show_addr(rid, aobjname="veth0/a%d" % (N - 1)))
            st, parts = recv_reply(reader)
            eq(st, 0, "show-addr veth0/a%d during enable-if" % (N - 1))
            rid += 1
            reader.send(rawrpc.request(rid, rawrpc.SHOW_IF, rawrpc.field(1, "veth0")))
            st, _ = recv_reply(reader)
            eq(st, 0, "show-if veth0 during enable-if")
            if before is None:
                before = parts[0]
            r, _, _ = select.select([writer], [], [], 0)
            if r:
                break
            reads += 1
        st, _ = recv_reply(writer)
        eq(st, 0, "enable-if veth0 of %d addresses" % N)
        print("  %d show-addr + show-if pairs answered while enable-if ran" % reads)
        check(reads >= 3, "reads answered while enable-if ran: %d (they waited for it)" % reads)
        check(b"disabled" in before, "a read during the write shows the state before it")
        # read-your-writes: the next read sees the write whole
        rid += 1
        reader.send(rawrpc.show_addr(rid, aobjname="veth0/a%d" % (N - 1)))
        st, parts = recv_reply(reader)
        check(b"ok" in parts[0] and b"disabled" not in parts[0],
              "show-addr right after the reply: %r" % parts[0])
        rc, out, err = e.ipadm("show-addr", "-p", "-o", "addrobj,state", "veth0/")
        eq(rc, 0, "show-addr veth0/ (%s)" % err)
        rows = out.split()
        eq(len(rows), N, "rows of show-addr veth0/")
        eq(sum(1 for r in rows if r.endswith(":ok")), N, "ok rows")
        eq(len(e.kaddrs("veth0", family="inet")), N, "kernel IPv4 addresses of veth0")
        reader.close()
        writer.close()


if __name__ == "__main__":
    main([test_reads_complete_while_enable_if_of_10000_runs])
