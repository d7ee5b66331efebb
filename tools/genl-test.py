#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""User space's side of scripts/guest-tests/genetlink.sh: talks to the
"kstd_genl" generic netlink family of kunit/genl-module over a raw
NETLINK_GENERIC socket (no libnl) and prints TAP lines.

    genl-test.py root     everything works: echo, a bad request's errno and
                          extack, both admin commands, a 5000-entry dump
                          over several recv() calls, a notification
    genl-test.py nocap    no CAP_NET_ADMIN: echo works, both admin
                          commands fail with EPERM
    genl-test.py userns   root of its own user and network namespace: the
                          family is there (netnsok), the GENL_ADMIN_PERM
                          command fails with EPERM, the GENL_UNS_ADMIN_PERM
                          one works
    genl-test.py absent   the controller does not know the family (ENOENT)

Exit status 1 if any check failed.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 1, 10, 11
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_ACK_TLVS = 0x200
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NLMSGERR_ATTR_MSG = 1

# kunit/genl-module/genl_module.cpp
KG_A_VALUE, KG_A_NAME = 1, 2
KG_CMD_ECHO, KG_CMD_ADMIN, KG_CMD_NSADMIN, KG_CMD_LIST, KG_CMD_NOTIFY = 1, 2, 3, 4, 5

fails = 0


def check(name, ok, detail=""):
    global fails
    print(("ok - " if ok else "not ok - ") + "genetlink: " + name + (f" ({detail})" if detail else ""))
    if not ok:
        fails += 1


def attrs(payload):
    out = {}
    off = 0
    while off + 4 <= len(payload):
        ln, ty = struct.unpack_from("HH", payload, off)
        if ln < 4:
            break
        out[ty & 0x3fff] = payload[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


def attr(ty, data):
    return struct.pack("HH", 4 + len(data), ty) + data + b"\0" * ((4 - len(data) % 4) % 4)


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.settimeout(5)
        self.seq = 0
        self.recvs = 0

    def send(self, family, cmd, payload=b"", flags=0):
        self.seq += 1
        body = struct.pack("BBH", cmd, 1, 0) + payload
        self.s.send(struct.pack("IHHII", 16 + len(body), family, flags | NLM_F_REQUEST, self.seq, 0) + body)

    def messages(self):
        """Yield (type, flags, cmd or errno, attrs or extack message) of each message."""
        while True:
            data = self.s.recv(65536)
            self.recvs += 1
            off = 0
            while off + 16 <= len(data):
                ln, ty, fl, _seq, _pid = struct.unpack_from("IHHII", data, off)
                msg = data[off:off + ln]
                off += (ln + 3) & ~3
                if ty in (NLMSG_ERROR, NLMSG_DONE):
                    err = struct.unpack_from("i", msg, 16)[0]
                    tlv = 16 + 4 + (16 if ty == NLMSG_ERROR else 0)
                    ext = attrs(msg[tlv:]).get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode() \
                        if fl & NLM_F_ACK_TLVS else ""
                    yield ty, fl, err, ext
                else:
                    yield ty, fl, msg[16], attrs(msg[20:])

    def call(self, family, cmd, payload=b""):
        """One request: (0, attrs) for a reply, (errno, extack message) for an error."""
        self.send(family, cmd, payload)
        for ty, _fl, a, b in self.messages():
            if ty == NLMSG_ERROR:
                return a, b
            return 0, b

    def resolve(self, name):
        err, a = self.call(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err:
            return err, {}
        groups = {}
        for g in attrs(a.get(CTRL_ATTR_MCAST_GROUPS, b"")).values():
            ga = attrs(g)
            groups[ga[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()] = \
                struct.unpack("I", ga[CTRL_ATTR_MCAST_GRP_ID])[0]
        return struct.unpack("H", a[CTRL_ATTR_FAMILY_ID])[0], groups


def u32(a, ty):
    return struct.unpack("I", a[ty])[0] if ty in a else None


def main(mode):
    g = Genl()
    fam, groups = g.resolve("kstd_genl")
    if mode == "absent":
        check("the controller no longer knows kstd_genl (ENOENT)", fam == -errno.ENOENT, f"{fam}")
        return
    check("the controller resolves kstd_genl", fam > GENL_ID_CTRL, f"id {fam}")
    if fam <= 0:
        return
    err, a = g.call(fam, KG_CMD_ECHO, attr(KG_A_VALUE, struct.pack("I", 41)) + attr(KG_A_NAME, b"guest\0"))
    check(f"{mode}: echo replies value + 1 and the name", err == 0 and u32(a, KG_A_VALUE) == 42
          and a.get(KG_A_NAME) == b"guest\0", f"{err} {a}")

    admin, _ = g.call(fam, KG_CMD_ADMIN)
    nsadmin, _ = g.call(fam, KG_CMD_NSADMIN)
    want = {"root": (0, 0), "nocap": (-errno.EPERM, -errno.EPERM), "userns": (-errno.EPERM, 0)}[mode]
    check(f"{mode}: GENL_ADMIN_PERM command gives {want[0]}", admin == want[0], f"{admin}")
    check(f"{mode}: GENL_UNS_ADMIN_PERM command gives {want[1]}", nsadmin == want[1], f"{nsadmin}")
    if mode != "root":
        return

    err, msg = g.call(fam, KG_CMD_ECHO)
    check("a missing attribute: EINVAL with an extack message", err == -errno.EINVAL and msg == "missing attribute",
          f"{err} {msg!r}")
    err, msg = g.call(fam, KG_CMD_ECHO, attr(KG_A_VALUE, struct.pack("I", 1)) + attr(KG_A_NAME, b"x" * 16 + b"\0"))
    check("a 16-character name: EINVAL from the policy", err == -errno.EINVAL and msg, f"{err} {msg!r}")
    err, msg = g.call(fam, KG_CMD_ECHO, attr(KG_A_VALUE, struct.pack("I", 13)))
    check("the handler's EIO and message reach user space", err == -errno.EIO and msg == "unlucky value",
          f"{err} {msg!r}")

    g.recvs = 0
    g.send(fam, KG_CMD_LIST, attr(KG_A_VALUE, struct.pack("I", 5000)), NLM_F_DUMP)
    got, in_order, done = 0, True, None
    for ty, fl, a, b in g.messages():
        if ty == NLMSG_DONE or ty == NLMSG_ERROR:
            done = a
            break
        in_order = in_order and u32(b, KG_A_VALUE) == got and fl & NLM_F_MULTI
        got += 1
    check("a 5000-entry dump arrives complete and in order", done == 0 and got == 5000 and in_order,
          f"{got} entries, done {done}, {g.recvs} recvs")
    check("over several recv() calls", g.recvs >= 3, f"{g.recvs}")

    listener = Genl()
    gid = groups.get("kstd_genl_ev")
    check("the family has its multicast group", gid is not None, f"{groups}")
    if gid is not None:
        listener.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, gid)
        g.call(fam, KG_CMD_NOTIFY, attr(KG_A_VALUE, struct.pack("I", 777)))
        ty, _fl, cmd, a = next(listener.messages())
        check("a group member gets the notification", ty == fam and cmd == KG_CMD_NOTIFY
              and u32(a, KG_A_VALUE) == 777, f"{ty} {cmd} {a}")


if __name__ == "__main__":
    main(sys.argv[1])
    sys.exit(1 if fails else 0)
