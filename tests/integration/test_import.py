#!/usr/bin/env python3
"""`ipadm import` against a real daemon (issue 11 items 3, 6 and 8;
docs/import-export.md "Import semantics").

* An import is one transaction identified as a whole: every chunk carries its
  byte offset and the total length, a chunk that does not continue the
  import of its connection (a fragment libipadm resends to a restarted
  daemon) is refused, and the store is replaced only once the whole text has
  arrived. Shown with the raw protocol and with the CLI, the daemon killed
  (SIGKILL) and restarted between two chunks.
* An empty input is refused unless --allow-empty says to clear.
* Import changes only the persistent configuration; objects it leaves out keep
  running as temporary objects, and a later import naming them again (with
  the same address) makes them persistent again: `export > f; <changes>;
  import f` is a way back.
* Imported properties and addresses pass the checks of set-prop and
  create-addr; the first bad one refuses the whole import, naming its line.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IPADM, Env, check, clean_env, eq, main  # noqa: E402
import rawrpc  # noqa: E402
import reliability_lib as rl  # noqa: E402

CHUNK = 48 * 1024  # kReplyChunk, the size libipadm cuts an import into


# ---- raw protocol (tests/integration/rawrpc.py)

class Raw:
    """One connection that sends import chunks as libipadm does."""

    def __init__(self, path):
        self.s = rawrpc.connect(path)
        self.s.settimeout(20)
        self.rid = 1
        self.s.send(rawrpc.hello(self.rid))
        eq(rawrpc.reply_status(self.s.recv(65536))[1], 0, "hello")

    def send_import(self, text, more, offset, total):
        self.rid += 1
        self.s.send(rawrpc.import_chunk(self.rid, text, more, offset, total))
        rid, status, detail, _ = rawrpc.reply_status(self.s.recv(65536))
        eq(rid, self.rid, "reply id")
        return {"status": status, "detail": detail}

    def close(self):
        self.s.close()


# ---- helpers

def export(e):
    return e.ipadm_ok("export")


def state(e):
    """What an import may change: the export and the store's rows."""
    st = rl.store_snapshot(e.store_db)
    return export(e), st["ifs"], st["addrs"], sorted(map(repr, st["props"]))


def setup(e):
    e.start_daemon()
    e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/a")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.11/24", "veth0/b")
    e.ipadm_ok("set-prop", "-p", "ttl=70", "ipv4")


def big_text(e):
    """The current export, padded with comments to exactly one chunk (so the
    chunk boundary falls between two lines), then more comments and one more
    protocol property line: chunk 1 alone is a valid configuration."""
    head = export(e).encode()
    left = CHUNK - len(head)
    pad = b""
    while left > 100:
        pad += b"# " + b"x" * 77 + b"\n"
        left -= 80
    pad += b"#" + b"x" * (left - 2) + b"\n"
    tail = b"".join(b"# tail %04d\n" % i for i in range(200)) + b"_protocol=ipv4;ttl=77;\n"
    b = head + pad + tail
    eq(len(head + pad), CHUNK, "first chunk ends with a whole line")
    return b


def write_tmp(e, text):
    fd, path = tempfile.mkstemp(prefix="ipadmt-import-", dir=e.root)
    with os.fdopen(fd, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    return path


# ---- item 3: a chunked import across a daemon restart

def test_resent_fragment_refused_raw():
    with Env() as e:
        setup(e)
        before = state(e)
        text = big_text(e)
        c = Raw(e.sock)
        r = c.send_import(text[:CHUNK], True, 0, len(text))
        eq(r["status"], 0, "first chunk: %r" % r)
        e.stop_daemon(sig=signal.SIGKILL)
        e.start_daemon()
        c.close()
        # libipadm reconnects and resends the chunk that failed
        c = Raw(e.sock)
        r = c.send_import(text[CHUNK:], False, CHUNK, len(text))
        check(r["status"] != 0, "a resent tail fragment was accepted: %r" % r)
        check("start" in r["detail"] and "nothing" in r["detail"],
              "the refusal says why: %r" % r)
        c.close()
        eq(state(e), before, "store after the refused fragment")
        # a fragment that does not continue the import of its connection
        c = Raw(e.sock)
        eq(c.send_import(text[:CHUNK], True, 0, len(text))["status"], 0, "chunk 0")
        r = c.send_import(text[CHUNK:], False, CHUNK + 10, len(text))
        check(r["status"] != 0, "a fragment at the wrong offset was accepted: %r" % r)
        # the import ends short of its announced length
        eq(c.send_import(text[:CHUNK], True, 0, len(text) + 5)["status"], 0, "chunk 0")
        r = c.send_import(text[CHUNK:], False, CHUNK, len(text) + 5)
        check(r["status"] != 0, "an import shorter than announced was accepted: %r" % r)
        c.close()
        eq(state(e), before, "store after the refused fragments")
        # the whole text on one connection is imported
        c = Raw(e.sock)
        eq(c.send_import(text[:CHUNK], True, 0, len(text))["status"], 0, "chunk 0")
        r = c.send_import(text[CHUNK:], False, CHUNK, len(text))
        eq(r["status"], 0, "whole import: %r" % r)
        c.close()
        out = export(e)
        check("ttl=77" in out and "veth0/a" in out and "veth0/b" in out,
              "export after the whole import: %r" % out)


def test_cli_import_across_restart():
    """The CLI is held (strace delay injection) before it sends its second
    chunk; the daemon is killed and restarted meanwhile. libipadm resends
    the chunk to the new daemon, which refuses it: exit 1, store unchanged."""
    with Env() as e:
        setup(e)
        before = state(e)
        path = write_tmp(e, big_text(e))
        # send() calls: 1 Hello, 2 chunk 0, 3 chunk 1 (held 4 s)
        p = subprocess.Popen(["ip", "netns", "exec", e.ns, "strace", "-f", "-qq", "-o",
                              "/dev/null", "-e", "trace=sendto", "-e",
                              "inject=sendto:delay_enter=4000000:when=3",
                              IPADM, "-R", e.root, "import", path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=clean_env())
        time.sleep(1.0)
        e.stop_daemon(sig=signal.SIGKILL)
        e.start_daemon()
        out, err = p.communicate(timeout=60)
        eq(p.returncode, 1, "ipadm import exit status (stderr %r)" % err)
        check("import" in err.lower() and "nothing" in err.lower(),
              "ipadm says the import was not done: %r" % err)
        eq(state(e), before, "store after the interrupted import")


# ---- item 6: empty input, and a way back

def test_empty_import_refused():
    with Env() as e:
        setup(e)
        before = state(e)
        comments = write_tmp(e, "# only a comment\n\n   \n")
        for args, stdin in ((["import", "/dev/null"], None), (["import"], ""),
                            (["import", "-"], ""), (["import", comments], None)):
            rc, out, err = e.nsexec(IPADM, "-R", e.root, *args, input=stdin)
            eq(rc, 1, "%r: exit status (stderr %r)" % (args, err))
            check("empty" in err and "--allow-empty" in err, "%r: message %r" % (args, err))
            eq(state(e), before, "%r: store" % args)
        e.ipadm_ok("import", "--allow-empty", "/dev/null")
        st = rl.store_snapshot(e.store_db)
        eq((st["ifs"], st["addrs"], st["props"]), ({}, {}, []), "store after --allow-empty")
        # the objects keep running, as temporary objects
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24), ("192.0.2.11", 24)}, "kernel")


def test_import_is_a_way_back():
    with Env() as e:
        setup(e)
        f1_text = export(e)
        f1 = write_tmp(e, f1_text)
        e.ipadm_ok("delete-addr", "veth0/a")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.12/24", "veth0/c")
        e.ipadm_ok("set-prop", "-p", "ttl=71", "ipv4")
        f2_text = export(e)
        f2 = write_tmp(e, f2_text)
        e.ipadm_ok("import", f1)
        eq(export(e), f1_text, "export after importing f1")
        # veth0/c is not in f1: still running, no longer persistent
        eq(e.kaddr("192.0.2.12") is not None, True, "veth0/c in the kernel")
        e.ipadm_ok("import", f2)  # names veth0/c again, same address
        eq(export(e), f2_text, "export after importing f2")
        e.ipadm_ok("import", f1)
        eq(export(e), f1_text, "export after importing f1 again")
        # a temporary object with another address keeps its name
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.20/24", "veth0/t")
        before = state(e)
        bad = write_tmp(e, f1_text + "_ifname=veth0;_aobjname=veth0/t;_ipv4addr=192.0.2.21,;"
                        "up=yes;\n")
        rc, _, err = e.ipadm("import", bad)
        eq(rc, 1, "import over a temporary object with another address (stderr %r)" % err)
        check("veth0/t" in err and "temporary" in err, "message: %r" % err)
        eq(state(e), before, "store after the refused import")


# ---- item 8: imported values pass set-prop's and create-addr's checks

def test_import_validated():
    with Env() as e:
        setup(e)
        base = export(e)
        n = base.count("\n") + 1  # the line number of an appended line
        before = state(e)
        rc, _, ttl_err = e.ipadm("set-prop", "-p", "ttl=abc", "ipv4")
        eq(rc, 1, "set-prop ttl=abc")
        cases = [
            ("_protocol=ipv4;ttl=abc;", ttl_err.split(":")[-1].strip()),
            ("_protocol=ipv4;ttl=0;", "range"),
            ("_protocol=ipv4;nosuchprop=1;", "unknown property"),
            ("_protocol=ipv4;_ifname=veth0;mtu=-1;", "mtu"),
            ("_protocol=ipv4;_ifname=veth0;nosuchprop=1;", "unknown property"),
            ("_ifname=veth0;_aobjname=veth0/a;deprecated=maybe;", "deprecated"),
            ("_ifname=veth0;_aobjname=veth0/z;_ipv4addr=0.0.0.0,;up=yes;", "invalid address"),
        ]
        for line, want in cases:
            path = write_tmp(e, base + line + "\n")
            rc, _, err = e.ipadm("import", path)
            eq(rc, 1, "import of %r: exit status (stderr %r)" % (line, err))
            check(("line %d" % n) in err, "%r: the message names line %d: %r" % (line, n, err))
            check(want.lower() in err.lower(), "%r: expected %r in %r" % (line, want, err))
            eq(state(e), before, "store after importing %r" % line)
            print("  %s -> %s" % (line, err.strip()))
        # the first bad line is named
        path = write_tmp(e, base + "_protocol=ipv4;ttl=abc;\n_protocol=ipv6;hoplimit=0;\n")
        rc, _, err = e.ipadm("import", path)
        check(rc == 1 and ("line %d" % n) in err, "first bad line: %r" % err)


def test_legacy_conf_checked_start_goes_on():
    """A legacy ipadm.conf next to an empty store is imported at the first
    start by the same checks, but a migration must not lose the whole file:
    records the checks refuse are left out with a warning naming the line.
    A malformed file is not imported, and the daemon starts anyway."""
    with Env() as e:
        d = os.path.join(e.root, "etc", "ipadm")
        os.makedirs(d, mode=0o755)
        os.chmod(os.path.join(e.root, "etc"), 0o755)
        conf = os.path.join(d, "ipadm.conf")
        with open(conf, "w") as f:
            f.write("_ifname=veth0;_family=2;\n_ifname=veth0;garbage\n")
        e.start_daemon()
        check("not imported" in e.log_text() and "line 2" in e.log_text(),
              "the log says why: %r" % e.log_text())
        st = rl.store_snapshot(e.store_db)
        eq((st["ifs"], st["addrs"], st["props"]), ({}, {}, []), "store after the refusal")
        e.stop_daemon()
        with open(conf, "w") as f:
            f.write("_ifname=veth0;_family=2;\n"
                    "_ifname=veth0;_aobjname=veth0/a;_ipv4addr=192.0.2.10,;up=yes;\n"
                    "_protocol=ipv4;ttl=70;\n"
                    "_protocol=ipv6;hoplimit=abc;\n")
        e.start_daemon()
        log = e.log_text()
        check("line 4: property hoplimit" in log and "not imported" in log,
              "the log names the line left out: %r" % log)
        out = export(e)
        check("veth0/a" in out and "ttl=70" in out and "hoplimit" not in out,
              "imported without the bad line: %r" % out)


if __name__ == "__main__":
    main([
        test_resent_fragment_refused_raw,
        test_cli_import_across_restart,
        test_empty_import_refused,
        test_import_is_a_way_back,
        test_import_validated,
        test_legacy_conf_checked_start_goes_on,
    ])
