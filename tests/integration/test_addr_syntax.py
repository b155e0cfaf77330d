#!/usr/bin/env python3
"""Strict address syntax and the address rules (issue 11 item 7,
docs/linux-mapping.md "Address syntax") against the real kernel and daemon.

Every bad form is refused with the illumos message and changes nothing:
the kernel (`ip -j addr` of every link, lo included), the store and the
address-object map (file bytes), show-addr. The accepted special forms
(IPv4-mapped, a scope naming the object's own link) are stored so that
`ipadm export` reads back and a reboot restores them."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main  # noqa: E402
import reliability_lib as rl  # noqa: E402

INVALID = "Invalid address"
NOTAVAIL = "Can't assign requested address"

BAD_FORMS = [
    # inet_aton forms: never resolved, never read as octal/hex/short
    ("192.0.2.010/24", INVALID),
    ("1.2.3", INVALID),
    ("1.2.3/8", INVALID),
    ("0x7f.1/8", INVALID),
    ("0x7f000001/8", INVALID),
    ("10/8", INVALID),
    ("192.0.2.1./24", INVALID),
    ("bad_name/24", INVALID),
    # not a local address of a link
    ("224.0.0.1/24", NOTAVAIL),
    ("255.255.255.255/32", NOTAVAIL),
    ("192.0.2.255/24", NOTAVAIL),
    ("127.0.0.1/8", NOTAVAIL),
    ("127.0.0.2/32", NOTAVAIL),
    ("::1/128", NOTAVAIL),
    ("::ffff:127.0.0.1/8", NOTAVAIL),
    ("ff02::1/64", NOTAVAIL),
    ("local=10.0.0.1,remote=224.0.0.9", NOTAVAIL),
    ("0.0.0.0/8", INVALID),
    # scope ids
    ("fe80::1%net1/64", INVALID),
    ("fe80::1%2/64", INVALID),
    ("2001:db8::1%veth0/64", INVALID),
    # a huge text: "Invalid address", not "reply too large" (the detail is cut)
    ("1" * 60000, INVALID),
    ("10.0.0.1/" + "9" * 60000, INVALID),
]


def files(e):
    return (rl.file_digest(e.store_db),
            rl.file_digest(os.path.join(e.root, "run", "ipadm", "aobjmap.db")))


def test_bad_forms_change_nothing():
    with Env() as e:
        e.nsexec("ip", "link", "add", "net1", "type", "veth", "peer", "name", "net1p",
                 check=True)
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/g")
        e.settle()
        kernel, rows, stored = e.all_kernel_addrs(), e.show_addr_rows(), files(e)
        failures = []
        for i, (text, msg) in enumerate(BAD_FORMS):
            args = ["create-addr", "-T", "static", "-a", text, "veth0/b%d" % i]
            rc, out, err = e.ipadm(*args)
            form = text if len(text) < 80 else text[:40] + "...(%d chars)" % len(text)
            err = err[:300]
            if rc != 1 or msg.lower() not in err.lower():
                failures.append("-a %s: rc=%d (want 1), stderr %r (want %r)"
                                % (form, rc, err.strip(), msg))
            if e.all_kernel_addrs() != kernel:
                failures.append("-a %s changed the kernel: %r" % (
                    form, sorted(e.all_kernel_addrs() ^ kernel)))
                e.ipadm("delete-addr", "veth0/b%d" % i)
                kernel = e.all_kernel_addrs()
            if files(e) != stored:
                failures.append("-a %s changed the store or the map" % form)
                stored = files(e)
            if e.show_addr_rows() != rows:
                failures.append("-a %s changed show-addr" % form)
                rows = e.show_addr_rows()
        check(not failures, "%d bad address form(s) accepted or wrong:\n  " % len(failures)
              + "\n  ".join(failures))
        rc, out, err = e.ipadm("export")
        eq(rc, 0, "export after the bad forms: " + err)


def test_mapped_and_scoped_forms_read_back():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "::ffff:192.0.2.9/24", "veth0/m")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "fe80::5%veth0/64", "veth0/ll")
        check(e.kaddr("192.0.2.9") is not None, "::ffff:192.0.2.9 is not 192.0.2.9 in the "
              "kernel: %r" % e.addr_info())
        check(e.kaddr("fe80::5") is not None, "fe80::5 not in the kernel: %r" % e.addr_info())
        m = e.show_addr_map()
        eq(m["veth0/m"]["addr"], "192.0.2.9/24", "show-addr of the mapped form")
        rc, out, err = e.ipadm("export")
        eq(rc, 0, "export with a mapped and a scoped address: " + err)
        check("192.0.2.9" in out and "::ffff" not in out and "%" not in out,
              "exported text: %r" % out)
        e.reboot()
        e.ipadm_ok("restore")
        e.settle()
        m = e.show_addr_map()
        eq((m.get("veth0/m", {}).get("addr"), m.get("veth0/ll", {}).get("addr")),
           ("192.0.2.9/24", "fe80::5/64"), "restored objects")
        check(e.kaddr("192.0.2.9") is not None, "192.0.2.9 not restored")


if __name__ == "__main__":
    main([test_bad_forms_change_nothing, test_mapped_and_scoped_forms_read_back])
