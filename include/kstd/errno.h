/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file errno.h
 * @brief KSTD_ERRNO_TABLE: every errno a module can meet, in one list.
 *
 * The one source of truth for kstd's errno names.  Each row is
 * `X(factory, NAME)`: NAME is the kernel's macro (without a value: the
 * value is the kernel's own, generated into kstd/layout.h as KSTD_<NAME> by
 * lib/kstd_layout.c from this very table), factory is the name of
 * kstd::error's named constructor, the macro's name without the E, lower
 * case (E2BIG, which would start with a digit, is `toobig`).
 *
 * Rows: include/uapi/asm-generic/errno-base.h (1-34), asm-generic/errno.h
 * (35-133, without the aliases EWOULDBLOCK = EAGAIN and EDEADLOCK =
 * EDEADLK) and the kernel-internal codes of include/linux/errno.h (512-531)
 * that must never reach user space but that modules meet (ERESTARTSYS from
 * an interrupted wait, EPROBE_DEFER, ENOTSUPP...).  The same set on 6.1 and
 * 6.12, and on x86_64 and UML (which take the generic numbering; alpha,
 * mips, parisc and sparc renumber, and the table would follow them, since
 * the values come from the kernel).
 *
 * Users: kstd::error's factories and error::name() (result.hpp), layout.h
 * (lib/kstd_layout.c), and the checks in lib/kstd.c and the KUnit bridge.
 * Valid C and C++; includes nothing.
 *
 * @code
 * #define KSTD_NAME_ROW(fn, NAME) #NAME,
 * static const char *const names[] = { KSTD_ERRNO_TABLE(KSTD_NAME_ROW) };
 * @endcode
 */
#ifndef KSTD_ERRNO_H
#define KSTD_ERRNO_H

/** X(factory, NAME) for every errno (see the file comment). */
#define KSTD_ERRNO_TABLE(X) \
	X(perm, EPERM) \
	X(noent, ENOENT) \
	X(srch, ESRCH) \
	X(intr, EINTR) \
	X(io, EIO) \
	X(nxio, ENXIO) \
	X(toobig, E2BIG) \
	X(noexec, ENOEXEC) \
	X(badf, EBADF) \
	X(child, ECHILD) \
	X(again, EAGAIN) \
	X(nomem, ENOMEM) \
	X(acces, EACCES) \
	X(fault, EFAULT) \
	X(notblk, ENOTBLK) \
	X(busy, EBUSY) \
	X(exist, EEXIST) \
	X(xdev, EXDEV) \
	X(nodev, ENODEV) \
	X(notdir, ENOTDIR) \
	X(isdir, EISDIR) \
	X(inval, EINVAL) \
	X(nfile, ENFILE) \
	X(mfile, EMFILE) \
	X(notty, ENOTTY) \
	X(txtbsy, ETXTBSY) \
	X(fbig, EFBIG) \
	X(nospc, ENOSPC) \
	X(spipe, ESPIPE) \
	X(rofs, EROFS) \
	X(mlink, EMLINK) \
	X(pipe, EPIPE) \
	X(dom, EDOM) \
	X(range, ERANGE) \
	X(deadlk, EDEADLK) \
	X(nametoolong, ENAMETOOLONG) \
	X(nolck, ENOLCK) \
	X(nosys, ENOSYS) \
	X(notempty, ENOTEMPTY) \
	X(loop, ELOOP) \
	X(nomsg, ENOMSG) \
	X(idrm, EIDRM) \
	X(chrng, ECHRNG) \
	X(l2nsync, EL2NSYNC) \
	X(l3hlt, EL3HLT) \
	X(l3rst, EL3RST) \
	X(lnrng, ELNRNG) \
	X(unatch, EUNATCH) \
	X(nocsi, ENOCSI) \
	X(l2hlt, EL2HLT) \
	X(bade, EBADE) \
	X(badr, EBADR) \
	X(xfull, EXFULL) \
	X(noano, ENOANO) \
	X(badrqc, EBADRQC) \
	X(badslt, EBADSLT) \
	X(bfont, EBFONT) \
	X(nostr, ENOSTR) \
	X(nodata, ENODATA) \
	X(time, ETIME) \
	X(nosr, ENOSR) \
	X(nonet, ENONET) \
	X(nopkg, ENOPKG) \
	X(remote, EREMOTE) \
	X(nolink, ENOLINK) \
	X(adv, EADV) \
	X(srmnt, ESRMNT) \
	X(comm, ECOMM) \
	X(proto, EPROTO) \
	X(multihop, EMULTIHOP) \
	X(dotdot, EDOTDOT) \
	X(badmsg, EBADMSG) \
	X(overflow, EOVERFLOW) \
	X(notuniq, ENOTUNIQ) \
	X(badfd, EBADFD) \
	X(remchg, EREMCHG) \
	X(libacc, ELIBACC) \
	X(libbad, ELIBBAD) \
	X(libscn, ELIBSCN) \
	X(libmax, ELIBMAX) \
	X(libexec, ELIBEXEC) \
	X(ilseq, EILSEQ) \
	X(restart, ERESTART) \
	X(strpipe, ESTRPIPE) \
	X(users, EUSERS) \
	X(notsock, ENOTSOCK) \
	X(destaddrreq, EDESTADDRREQ) \
	X(msgsize, EMSGSIZE) \
	X(prototype, EPROTOTYPE) \
	X(noprotoopt, ENOPROTOOPT) \
	X(protonosupport, EPROTONOSUPPORT) \
	X(socktnosupport, ESOCKTNOSUPPORT) \
	X(opnotsupp, EOPNOTSUPP) \
	X(pfnosupport, EPFNOSUPPORT) \
	X(afnosupport, EAFNOSUPPORT) \
	X(addrinuse, EADDRINUSE) \
	X(addrnotavail, EADDRNOTAVAIL) \
	X(netdown, ENETDOWN) \
	X(netunreach, ENETUNREACH) \
	X(netreset, ENETRESET) \
	X(connaborted, ECONNABORTED) \
	X(connreset, ECONNRESET) \
	X(nobufs, ENOBUFS) \
	X(isconn, EISCONN) \
	X(notconn, ENOTCONN) \
	X(shutdown, ESHUTDOWN) \
	X(toomanyrefs, ETOOMANYREFS) \
	X(timedout, ETIMEDOUT) \
	X(connrefused, ECONNREFUSED) \
	X(hostdown, EHOSTDOWN) \
	X(hostunreach, EHOSTUNREACH) \
	X(already, EALREADY) \
	X(inprogress, EINPROGRESS) \
	X(stale, ESTALE) \
	X(uclean, EUCLEAN) \
	X(notnam, ENOTNAM) \
	X(navail, ENAVAIL) \
	X(isnam, EISNAM) \
	X(remoteio, EREMOTEIO) \
	X(dquot, EDQUOT) \
	X(nomedium, ENOMEDIUM) \
	X(mediumtype, EMEDIUMTYPE) \
	X(canceled, ECANCELED) \
	X(nokey, ENOKEY) \
	X(keyexpired, EKEYEXPIRED) \
	X(keyrevoked, EKEYREVOKED) \
	X(keyrejected, EKEYREJECTED) \
	X(ownerdead, EOWNERDEAD) \
	X(notrecoverable, ENOTRECOVERABLE) \
	X(rfkill, ERFKILL) \
	X(hwpoison, EHWPOISON) \
	X(restartsys, ERESTARTSYS) \
	X(restartnointr, ERESTARTNOINTR) \
	X(restartnohand, ERESTARTNOHAND) \
	X(noioctlcmd, ENOIOCTLCMD) \
	X(restart_restartblock, ERESTART_RESTARTBLOCK) \
	X(probe_defer, EPROBE_DEFER) \
	X(openstale, EOPENSTALE) \
	X(noparam, ENOPARAM) \
	X(badhandle, EBADHANDLE) \
	X(notsync, ENOTSYNC) \
	X(badcookie, EBADCOOKIE) \
	X(notsupp, ENOTSUPP) \
	X(toosmall, ETOOSMALL) \
	X(serverfault, ESERVERFAULT) \
	X(badtype, EBADTYPE) \
	X(jukebox, EJUKEBOX) \
	X(iocbqueued, EIOCBQUEUED) \
	X(recallconflict, ERECALLCONFLICT) \
	X(nograce, ENOGRACE)

#endif /* KSTD_ERRNO_H */
