# The project's one entry point: 'make help' lists what it does. 'make X'
# runs scripts/X.sh ('make stress': scripts/boot.sh in its stress mode);
# scripts/lib/ holds what those scripts share.
# Everything it fetches or builds goes to build/ (git-ignored), or BUILD.

S := scripts
# Where everything is fetched and built; the scripts take it from here.
BUILD ?= $(CURDIR)/build
export BUILD
ARCH ?= x86_64
# VARIANT=debug: the kernels with kconfig/debug.config (KASAN, kmemleak, ...),
# VARIANT=faults: with kconfig/faults.config (fault injection, kmemleak);
# the scripts take it from the environment.
VARIANT ?=
export VARIANT
# REUSE_VERDICTS=1 takes results judged before with the same inputs from
# build/verdicts/ (scripts/lib/verdicts.sh): make check's default; =0 judges
# everything again.
# The targets (files in targets/) that boot, stress, bench and distro boot;
# each says what it boots when TARGETS is empty.
TARGETS ?=

ifdef TARGET
$(error TARGET is not a variable of this Makefile: use TARGETS=$(TARGET))
endif

.PHONY: help deps tree export mbox checkpatch docs kernel guest boot run \
	kunit lint test-lib check check-bisect check-drivers check-cocci check-debug check-faults stress bench bench-check distro clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		sed 's/:.*## /\t/' | expand -t 16

deps: ## install the Debian packages the project needs (as root)
	@$(S)/deps.sh

tree: deps ## build/linux: the pinned base, tagged "base", plus series/ (git am)
	@$(S)/tree.sh

export: ## write the commits of build/linux back to series/
	@$(S)/export.sh

mbox: ## build/series.mbox: the patches as one mbox for git am
	@$(S)/mbox.sh

checkpatch: ## checkpatch.pl --strict on every patch
	@rm -rf $(BUILD)/results
	@$(S)/checkpatch.sh

docs: deps ## Documentation/iommu/ (htmldocs) and its kernel-doc, no warning
	@rm -rf $(BUILD)/results
	@$(S)/docs.sh; status=$$?; $(S)/lib/summary.sh; exit $$status

kernel: ## build the guest kernel for ARCH (x86_64, arm64) [and VARIANT]
	@$(S)/kernel.sh $(ARCH)

guest: kernel ## build the initramfs with the selftests for ARCH
	@$(S)/guest.sh $(ARCH)

boot: ## boot TARGETS (default vtd) translated and passthrough [VARIANT]
	@rm -rf $(BUILD)/results
	@$(S)/boot.sh translated,passthrough $(or $(TARGETS),vtd); \
		status=$$?; $(S)/lib/summary.sh; exit $$status

run: deps ## build the patched kernel, boot it on VT-d, show the DMA table
	@$(S)/run.sh

kunit: ## the KUnit suites on UML [VARIANT=debug]
	@rm -rf $(BUILD)/results
	@$(S)/kunit.sh; status=$$?; $(S)/lib/summary.sh; exit $$status

lint: deps ## shellcheck on every script
	@rm -rf $(BUILD)/results
	@$(S)/lint.sh; status=$$?; $(S)/lib/summary.sh; exit $$status

test-lib: ## the tests of lib.sh's build_changes (what lets make check skip a build)
	@rm -rf $(BUILD)/results
	@$(S)/test-lib.sh; status=$$?; $(S)/lib/summary.sh; exit $$status

check: ## everything; ends with "N passed, N failed, N skipped"
	@$(S)/check.sh

check-bisect: ## build every patch for every booting architecture in arches/ and KUnit
	@rm -rf $(BUILD)/results
	@$(S)/check-bisect.sh; \
		$(S)/lib/summary.sh

check-drivers: ## compile every IOMMU driver (W=1, sparse) at every patch on every architecture
	@rm -rf $(BUILD)/results
	@$(S)/check-drivers.sh; status=$$?; $(S)/lib/summary.sh; exit $$status

check-cocci: ## coccicheck on the C files each patch changes
	@rm -rf $(BUILD)/results
	@$(S)/check-cocci.sh; status=$$?; $(S)/lib/summary.sh; exit $$status

check-debug: ## KUnit and TARGETS (default all) on the debug kernels: KASAN, kmemleak, lockdep
	@rm -rf $(BUILD)/results
	@$(S)/check-debug.sh $(TARGETS); status=$$?; $(S)/lib/summary.sh; exit $$status

check-faults: ## TARGETS (default all) with fault injection: every allocation of VFIO's steps fails in turn
	@rm -rf $(BUILD)/results
	@$(S)/check-faults.sh $(TARGETS); status=$$?; $(S)/lib/summary.sh; exit $$status

stress: ## 1,000 VFIO cycles, 100 rebinds per process, on every target [TARGETS, VARIANT]
	@rm -rf $(BUILD)/results
	@$(S)/boot.sh stress $(TARGETS); \
		status=$$?; $(S)/lib/summary.sh; exit $$status

bench: deps ## base and series side by side: memory, hardware work, core time [TARGETS]
	@[ -d $(BUILD)/linux/.git ] || $(S)/tree.sh
	@$(S)/bench.sh $(TARGETS)

bench-check: deps ## time make check on a clean clone: fresh, message respin, code respin (~1.7 h)
	@$(S)/bench-check.sh

distro: deps ## Debian's amd64 config with the series: boot vtd-sm, amd-vi; W=1 [TARGETS]
	@[ -d $(BUILD)/linux/.git ] || $(S)/tree.sh
	@rm -rf $(BUILD)/results
	@$(S)/distro.sh $(TARGETS); status=$$?; $(S)/lib/summary.sh; exit $$status

clean: ## remove build/, unless the work tree holds unexported work [FORCE=1]
	@$(S)/clean.sh
