# SPDX-License-Identifier: GPL-2.0-only
#
# kstd Kbuild fragment: compile C++ sources of a kernel module.
#
# In your module's Kbuild:
#
#     include /path/to/kstd/kstd.mk
#     obj-m      += hello.o
#     hello-y    := main.o kstd.o      # your .cpp objects plus kstd.o
#
# then build as usual: make -C /lib/modules/$(uname -r)/build M=$PWD
#
# kstd.o holds the C helpers, the only code that includes kernel headers,
# and only the areas of them that the module uses (sockets, files, ... : see
# "the C helpers" below).  A
# layout header (sizes of embeddable kernel types, GFP/errno/... constants) is
# generated per kernel build into $(obj)/kstd-generated with the kernel's
# asm-offsets mechanism.  C++ objects are compiled with the kernel's own flags
# for that object (code model, mitigations, sanitizers, tracing) minus the
# C-only ones, and go through fixdep and objtool exactly like C objects.

ifndef KSTD_ROOT
KSTD_ROOT := $(realpath $(dir $(lastword $(MAKEFILE_LIST))))
endif

# What `make -C <kernel> M=<module>` needs besides: the pahole that leaves
# C++ units out of module BTF (lib/kstd-pahole; kernels with
# CONFIG_DEBUG_INFO_BTF_MODULES run pahole in the final module link, a make
# pass that never reads this file, so it has to come from the command line).
KSTD_PAHOLE     := $(KSTD_ROOT)/lib/kstd-pahole
KSTD_KBUILD_ARGS = PAHOLE=$(KSTD_PAHOLE)

# One output directory per kernel, for building a module for several kernels
# side by side (docs/getting-started.md): $(KSTD_OUT) is build/<name of
# KDIR's real directory> in the module's directory, e.g.
# build/linux-headers-6.1.0-57-amd64 for /lib/modules/6.1.0-57-amd64/build,
# and $(KSTD_MIRROR) the recipe line that makes it a Kbuild directory of
# links to the module's sources (lib/kstd-mirror).  Then
# `$(MAKE) -C $(KDIR) M=$(KSTD_OUT) $(KSTD_KBUILD_ARGS)`.
KSTD_OUT    ?= $(CURDIR)/build/$(notdir $(realpath $(KDIR)))
KSTD_MIRROR = sh $(KSTD_ROOT)/lib/kstd-mirror $(CURDIR) $(KSTD_OUT)

# Included from a module's own Makefile (not by Kbuild, which exports
# KERNELRELEASE): only the variables above, for its `$(MAKE) -C $(KDIR)
# M=$(CURDIR) $(KSTD_KBUILD_ARGS)` line.
ifneq ($(KERNELRELEASE),)

# Module BTF: without kstd's pahole the build would fail at its very end,
# in pahole ("Unsupported DW_TAG_reference_type"); say so up front.
ifdef CONFIG_DEBUG_INFO_BTF_MODULES
ifneq ($(wildcard $(objtree)/vmlinux),)
ifneq ($(PAHOLE),$(KSTD_PAHOLE))
$(error kstd: this kernel encodes BTF for its modules and pahole cannot \
	encode C++; build with: make -C $(abspath $(objtree)) M=$(KBUILD_EXTMOD) $(KSTD_KBUILD_ARGS) \
	(or use $$(KSTD_KBUILD_ARGS) from kstd.mk in your Makefile))
endif
endif
endif

# A module's own KUnit suites (docs/getting-started.md): in their Kbuild,
# `obj-$(KSTD_KUNIT) += mymod_test.o`.  m when built out of tree for a
# kernel with KUnit, y when scripts/kunit.sh builds them into kunit.py's
# UML kernel (CONFIG_KSTD_KUNIT_TEST), empty (not built) otherwise.
KSTD_KUNIT := $(if $(KBUILD_EXTMOD),$(if $(CONFIG_KUNIT),m),$(CONFIG_KSTD_KUNIT_TEST))

# Kbuild runs make with -rR, so there is no $(CXX): derive it from $(CC).
# Only the compiler's file name is rewritten (a wrapper such as ccache and
# the directory stay), so every spelling the kernel's Makefile produces
# works: gcc-12 -> g++-12, x86_64-linux-gnu-gcc -> x86_64-linux-gnu-g++, and
# for LLVM=1, LLVM=-14 and LLVM=/usr/lib/llvm-14/bin/: clang -> clang++,
# clang-14 -> clang++-14, /usr/lib/llvm-14/bin/clang -> .../clang++.
kstd_cc      := $(lastword $(CC))
kstd_cc_name := $(notdir $(kstd_cc))
kstd_cc_dir  := $(patsubst ./,,$(dir $(kstd_cc)))
ifdef CONFIG_CC_IS_CLANG
# A kernel built with LLVM=1 needs LLVM=1 for its modules too; without it
# $(CC) is gcc, and g++ objects would be linked against a clang kernel.
ifeq ($(findstring clang,$(kstd_cc_name)),)
$(error kstd: this kernel was built with clang ($(CONFIG_CC_VERSION_TEXT)) \
	but CC is '$(CC)': pass the kernel's LLVM=... (for example LLVM=1) to make)
endif
KSTD_CXX ?= $(filter-out $(kstd_cc),$(CC)) $(kstd_cc_dir)$(subst clang,clang++,$(kstd_cc_name))
else
KSTD_CXX ?= $(filter-out $(kstd_cc),$(CC)) $(kstd_cc_dir)$(subst gcc,g++,$(kstd_cc_name))
endif

kstd_gendir  := $(abspath $(obj))/kstd-generated
kstd_layout  := $(kstd_gendir)/kstd/layout.h

# --- the generated layout header -------------------------------------------

$(obj)/kstd-layout.s: $(KSTD_ROOT)/lib/kstd_layout.c FORCE
	$(call if_changed_dep,cc_s_c)

$(kstd_layout): $(obj)/kstd-layout.s FORCE
	$(call filechk,offsets,KSTD_GENERATED_LAYOUT_H)

targets     += kstd-layout.s
clean-files += kstd-layout.s kstd-generated

# --- the C helpers ----------------------------------------------------------
#
# Pay for what you use: a module that only logs and allocates must not carry
# the socket, splice and tcp_abort code.  The helpers are one object per
# area, each compiled on its own: kstd-core.o from lib/kstd.c (module entry,
# diagnostics, memory, locks, lists) and kstd-<area>.o from each
# lib/helpers/<area>.c.  Modules are partial links (ld -r), where
# --gc-sections does not apply, so kstd.o is chosen with archive semantics
# instead: lib/kstd-link makes it an ld -r of kstd-core.o and of the members
# of kstd-areas.a that define a symbol the module's other objects (the rest
# of every composite that lists kstd.o, read from their -y/-objs/-m lists
# after the Kbuild file) leave undefined; ld pulls in the areas those areas
# need.  kstd.o depends on those objects, so it is linked again whenever
# one of them changes, and with them the set of areas.  Every area is still
# compiled, so the layout checks of lib/helpers/*.c run on every build.
# Several modules in one directory share one kstd.o: it has the areas of all
# of them.

kstd_area_names := $(sort $(basename $(notdir $(wildcard $(KSTD_ROOT)/lib/helpers/*.c))))
kstd_area_objs  := $(foreach a,$(kstd_area_names),$(obj)/kstd-$(a).o)
kstd_c_objs     := $(obj)/kstd-core.o $(kstd_area_objs)
targets         += kstd-core.o kstd-areas.a $(foreach a,$(kstd_area_names),kstd-$(a).o)

CFLAGS_kstd.o += -I$(KSTD_ROOT)/include -I$(kstd_gendir) -include $(KSTD_ROOT)/lib/kstd-helper.h

# Kernel features, not version numbers: distribution and stable kernels
# backport them (Debian's 6.1 has timer_shutdown_sync(), a 6.2 function),
# so each feature a helper depends on is looked up in the headers the
# helpers are compiled against, $(srctree) (on Debian the -common package,
# not the flavour's directory), and passed on as -DKSTD_HAVE_<FEATURE>.
# A test matches the declaration itself: the function's name followed by
# '(' on a line that starts a prototype, a definition or a function-like
# macro, never a comment, a call or another macro's body.  A header that is
# not there stops the build: it must not read as "feature absent".
# docs/design.md lists every test and its fallback.
kstd_lp := (
kstd_header = $(or $(wildcard $(srctree)/$(1)),$(error kstd: $(srctree)/$(1) \
	not found: cannot tell whether this kernel has KSTD_HAVE_$(2)))
kstd_decl_re = ^($(pound)[[:space:]]*define[[:space:]]+|[^[:space:]$(pound)/*].*[^[:alnum:]_])?$(strip $(1))[$(kstd_lp)]
# $(call kstd_have,FEATURE,header,functions): the header declares them all.
kstd_have = $(if $(strip $(foreach f,$(3),$(if $(shell grep -Eq \
	'$(call kstd_decl_re,$(f))' $(call kstd_header,$(2),$(1)) && echo y),,n))),,-DKSTD_HAVE_$(1))
# $(call kstd_have_arg,FEATURE,header,function,word): the function's
# declaration, from its first line to the ';', contains the word.
kstd_have_arg = $(if $(shell sed -En '\%$(call kstd_decl_re,$(3))%{:a;/;/!{N;ba};p;q}' \
	$(call kstd_header,$(2),$(1)) | grep -qw '$(4)' && echo y),-DKSTD_HAVE_$(1))

kstd_features := \
	$(call kstd_have,KTHREAD_STOP_PUT,include/linux/kthread.h,kthread_stop_put) \
	$(call kstd_have,TIMER_DELETE,include/linux/timer.h,timer_delete timer_delete_sync) \
	$(call kstd_have,TIMER_SHUTDOWN,include/linux/timer.h,timer_shutdown_sync) \
	$(call kstd_have,DISABLE_WORK,include/linux/workqueue.h,disable_work \
		disable_work_sync disable_delayed_work disable_delayed_work_sync) \
	$(call kstd_have,KERNEL_SENDPAGE,include/linux/net.h,kernel_sendpage) \
	$(call kstd_have,SK_NET_REFCNT_UPGRADE,include/net/sock.h,sk_net_refcnt_upgrade) \
	$(call kstd_have,NETNS_TRACKER_FREE,include/net/net_namespace.h,__netns_tracker_free) \
	$(call kstd_have,SPLICE_TO_SOCKET,include/linux/splice.h,splice_to_socket) \
	$(call kstd_have,NAMEI_VFS_PATH_LOOKUP,include/linux/namei.h,vfs_path_lookup) \
	$(call kstd_have,NET_PASSIVE_DEC,include/net/net_namespace.h,net_passive_dec) \
	$(call kstd_have_arg,INET_LOOKUP_HASHINFO,include/net/inet_hashtables.h, \
		__inet_lookup_established,inet_hashinfo) \
	$(call kstd_have_arg,INET6_LOOKUP_HASHINFO,include/net/inet6_hashtables.h, \
		__inet6_lookup_established,inet_hashinfo) \
	$(call kstd_have,KUNIT_DUNDER_FAILED_ASSERTION,include/kunit/test.h, \
		__kunit_do_failed_assertion) \
	$(call kstd_have,GENL_INFO_DUMP,include/net/genetlink.h,genl_info_dump)
CFLAGS_kstd.o += $(kstd_features)
# The layout header passes on the few that C++ chooses by (KSTD_KERNEL_*).
CFLAGS_kstd-layout.o += $(kstd_features)

# The area objects are compiled exactly as kstd.o itself would be: with
# CFLAGS_kstd.o, the sanitizer and objtool choices for kstd.o, and as part
# of the module (or of the kernel image, for a built-in KUnit suite) that
# kstd.o is part of.  Kbuild derives all of that from the target's name,
# which no composite lists; these say it for them.
$(kstd_c_objs): private target-stem := kstd
$(kstd_c_objs): private basetarget := kstd
$(kstd_c_objs): private modname-multi :=
$(kstd_c_objs): private part-of-module = $(if $(filter kstd.o $(obj)/kstd.o,$(real-obj-m)),y)
$(kstd_c_objs): private part-of-builtin = \
	$(if $(filter kstd.o $(obj)/kstd.o,$(real-obj-y) $(lib-y)),y)

$(obj)/kstd-core.o: $(KSTD_ROOT)/lib/kstd.c $(kstd_layout) FORCE
	$(call if_changed_rule,cc_o_c)

$(kstd_area_objs): $(obj)/kstd-%.o: $(KSTD_ROOT)/lib/helpers/%.c $(kstd_layout) FORCE
	$(call if_changed_rule,cc_o_c)

# A thin archive (the members stay where they are) with a symbol index.
quiet_cmd_kstd_ar = AR      $@
      cmd_kstd_ar = rm -f $@; $(AR) cDPrsT $@ $(real-prereqs)

$(obj)/kstd-areas.a: $(kstd_area_objs) FORCE
	$(call if_changed,kstd_ar)

# The module's objects besides kstd.o: obj-m and obj-y carry $(obj)/ by the
# time this is expanded (Makefile.lib), their -y lists do not.
kstd_composites = $(foreach m,$(patsubst $(obj)/%,%,$(obj-m) $(obj-y)), \
	$(if $(filter kstd.o,$(call suffix-search,$(m),.o,-objs -y -m)),$(m)))
kstd_user_objs = $(addprefix $(obj)/,$(filter-out kstd.o,$(sort \
	$(foreach m,$(kstd_composites),$(call suffix-search,$(m),.o,-objs -y -m)))))

quiet_cmd_kstd_link = LD $(quiet_modtag)  $@
      cmd_kstd_link = NM='$(NM)' $(CONFIG_SHELL) $(KSTD_ROOT)/lib/kstd-link $@ \
	$(obj)/kstd-core.o $(obj)/kstd-areas.a $(kstd_user_objs) -- $(LD) $(ld_flags)

# The module's other objects are prerequisites, known only once the Kbuild
# file that includes this one has been read: secondary expansion.
.SECONDEXPANSION:
$(obj)/kstd.o: $(obj)/kstd-core.o $(obj)/kstd-areas.a $(KSTD_ROOT)/lib/kstd-link $$(kstd_user_objs) FORCE
	$(call if_changed,kstd_link)

# clang warns (-Wnull-pointer-arithmetic, part of the kernel's -Wextra) on
# the port I/O accessors of asm-generic/io.h wherever PCI_IOBASE is a null
# pointer, as on UML: twelve warnings in every C file that reaches that
# header, the kernel's own files included (ClangBuiltLinux issue 1285).  Not
# our code: quiet it for the C objects of modules that use kstd.  C++ never
# sees a kernel header, so kstd_cxx_flags drops it again.
ifdef CONFIG_UML
ifdef CONFIG_CC_IS_CLANG
kstd_kernel_c_quirks := -Wno-null-pointer-arithmetic
endif
endif
ccflags-y += $(kstd_kernel_c_quirks)

# --- C++ objects ------------------------------------------------------------

# Flags that are valid for C only; g++ would warn about each of them.
kstd_c_only_flags := -std=gnu89 -std=gnu99 -std=gnu11 -std=c11 \
	-Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
	-Wold-style-declaration -Wdeclaration-after-statement \
	-Wno-declaration-after-statement -Wnested-externs \
	-Wpointer-sign -Wno-pointer-sign -Wno-override-init \
	-Wmissing-parameter-type -Wimplicit-int -Wno-enum-int-mismatch \
	-Wbad-function-cast -Wno-pointer-to-enum-cast \
	-Werror=implicit-function-declaration -Werror=implicit-int \
	-Werror=incompatible-pointer-types -Werror=strict-prototypes \
	-Werror=designated-init -Werror=int-conversion \
	-Wno-unused-const-variable -Wunused-const-variable

# C++ never sees a kernel header: drop the forced includes and the kernel's
# include directories.  "-include FILE" is two words; glue them first.
kstd_strip_includes = $(filter-out -include=% -I$(srctree)/% -I$(objtree)/% \
	-I./% -Iarch/% -Iinclude% -I$(src) -I$(obj), \
	$(subst -include ,-include=,$(1)))

KSTD_CXXFLAGS := -std=gnu++20 -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-use-cxa-atexit -nostdinc++ -fcheck-new \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
# -fno-gnu-unique: see the COMDAT note below.  clang has no such option (and
# never emits STB_GNU_UNIQUE); clang 14 accepts -fcheck-new but ignores it,
# which is harmless: the only operator new kstd declares is noexcept.
ifndef CONFIG_CC_IS_CLANG
KSTD_CXXFLAGS += -fno-gnu-unique
endif

kstd_cxx_flags = -Wp,-MMD,$(depfile) $(NOSTDINC_FLAGS) \
	$(filter-out $(kstd_c_only_flags) $(kstd_kernel_c_quirks), \
		$(call kstd_strip_includes,$(_c_flags) $(modkern_cflags))) \
	$(basename_flags) $(modname_flags) \
	-I$(KSTD_ROOT)/include -I$(kstd_gendir) $(KSTD_CXXFLAGS) \
	$(CXXFLAGS_$(target-stem).o)

# g++ emits each out-of-line inline function in a COMDAT group, and objtool's
# .orc_unwind_ip (outside the group) points into it: when two objects of one
# module hold the same function, ld keeps one group and fails on the other
# object's ORC entries ("defined in discarded section").  Dissolve the groups
# after objtool: the copies become plain weak definitions (one wins), each
# with valid ORC.  -fno-gnu-unique (in KSTD_CXXFLAGS) makes inline variables
# weak too, instead of STB_GNU_UNIQUE, which would clash once ungrouped.
quiet_cmd_kstd_cxx_o_cpp = C++ $(quiet_modtag) $@
      cmd_kstd_cxx_o_cpp = $(KSTD_CXX) $(kstd_cxx_flags) -c -o $@ $< $(cmd_objtool) \
	; $(OBJCOPY) --remove-section=.group $@

# A namespace-scope object with a constructor or destructor would silently
# never run in a module, and operator new has no GFP flags: refuse both.
# lib/kstd-check-cxx looks at the object's symbols; on a refusal it compiles
# the source again with -g and names the source line and symbol of each
# offence.  It gets the compile command without the dependency file, so it
# leaves fixdep's output alone.
quiet_cmd_kstd_check_cxx = CHECK   $@
      cmd_kstd_check_cxx = $(CONFIG_SHELL) $(KSTD_ROOT)/lib/kstd-check-cxx $@ $< \
	$(KSTD_CXX) $(filter-out -Wp$(comma)-MMD$(comma)%,$(kstd_cxx_flags)) \
	|| { rm -f $@; exit 1; }

define rule_kstd_cxx_o_cpp
	$(call cmd_and_fixdep,kstd_cxx_o_cpp)
	$(call cmd,kstd_check_cxx)
	$(call cmd,gen_objtooldep)
	$(call cmd,record_mcount)
endef

$(obj)/%.o: $(src)/%.cpp $(kstd_layout) FORCE
	$(call if_changed_rule,kstd_cxx_o_cpp)

# Preprocessed output for debugging: make M=... foo.ii
quiet_cmd_kstd_cxx_ii_cpp = CPP C++ $@
      cmd_kstd_cxx_ii_cpp = $(KSTD_CXX) $(kstd_cxx_flags) -E -o $@ $<

$(obj)/%.ii: $(src)/%.cpp $(kstd_layout) FORCE
	$(call if_changed_dep,kstd_cxx_ii_cpp)

endif # KERNELRELEASE
