# The project's one entry point: 'make help' lists what it does.
# Everything it fetches or builds goes to build/ (git-ignored).

S := scripts
TARGET ?= vtd
ARCH ?= x86_64
# VARIANT=debug: the kernels with kconfig/debug.config (KASAN, kmemleak, ...)
VARIANT ?=
# The targets 'make stress' boots: every file in targets/ when empty.
TARGETS ?=

.PHONY: help deps tree export mbox checkpatch docs kernel guest boot run \
	kunit lint check check-bisect check-drivers check-debug stress bench bench-check distro clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		sed 's/:.*## /\t/' | expand -t 16

deps: ## install the Debian packages the project needs (as root)
	@$(S)/install-deps.sh

tree: deps ## build/linux: the pinned base, tagged "base", plus series/ (git am)
	@$(S)/make-tree.sh

export: ## write the commits of build/linux back to series/
	@$(S)/export-series.sh

mbox: ## build/series.mbox: the patches as one mbox for git am
	@$(S)/make-mbox.sh

checkpatch: ## checkpatch.pl --strict on every patch
	@rm -rf build/results
	@$(S)/checkpatch-series.sh

docs: deps ## Documentation/iommu/ (htmldocs) and its kernel-doc, no warning
	@rm -rf build/results
	@$(S)/check-docs.sh; status=$$?; $(S)/summary.sh; exit $$status

kernel: ## build the guest kernel for ARCH (x86_64, arm64) [and VARIANT]
	@$(S)/build-kernel.sh $(ARCH) $(VARIANT)

guest: kernel ## build the initramfs with the selftests for ARCH
	@$(S)/build-guest.sh $(ARCH) $(VARIANT)

boot: ## boot TARGET (a file in targets/) translated and passthrough [VARIANT]
	@rm -rf build/results
	@arch=$$(sed -n 's/^arch=//p' targets/$(TARGET).conf) && \
		$(S)/build-kernel.sh $$arch $(VARIANT) && \
		$(S)/build-guest.sh $$arch $(VARIANT)
	@$(S)/boot-target.sh $(TARGET) translated $(VARIANT) || true
	@$(S)/boot-target.sh $(TARGET) passthrough $(VARIANT) || true
	@$(S)/summary.sh

run: deps ## build the patched kernel, boot it on VT-d, show the DMA table
	@[ -d build/linux/.git ] || $(S)/make-tree.sh
	@$(MAKE) --no-print-directory boot TARGET=vtd; status=$$?; \
		echo; $(S)/dma-table.sh vtd; exit $$status

kunit: ## the KUnit suites on UML [VARIANT=debug]
	@rm -rf build/results
	@$(S)/run-kunit.sh $(VARIANT); status=$$?; $(S)/summary.sh; exit $$status

lint: deps ## shellcheck on every script
	@rm -rf build/results
	@$(S)/lint.sh; status=$$?; $(S)/summary.sh; exit $$status

check: ## everything; ends with "N passed, N failed, N skipped"
	@$(S)/check.sh

check-bisect: ## build every patch for every architecture in arches/ and KUnit
	@rm -rf build/results
	@$(S)/check-bisect.sh $(basename $(notdir $(wildcard arches/*.conf))) kunit; \
		$(S)/summary.sh

check-drivers: ## compile every IOMMU driver (W=1) at every patch on every architecture
	@rm -rf build/results
	@$(S)/check-drivers.sh; status=$$?; $(S)/summary.sh; exit $$status

check-debug: ## KUnit and every target (translated) on the debug kernels
	@rm -rf build/results
	@$(S)/check-debug.sh; status=$$?; $(S)/summary.sh; exit $$status

stress: ## 1,000 VFIO cycles, 100 rebinds per process, on every target [TARGETS, VARIANT]
	@rm -rf build/results
	@$(S)/boot-targets.sh -v "$(VARIANT)" stress $(TARGETS); \
		status=$$?; $(S)/summary.sh; exit $$status

bench: deps ## base and series side by side: memory, hardware work, core time [TARGETS]
	@[ -d build/linux/.git ] || $(S)/make-tree.sh
	@$(S)/bench.sh $(TARGETS)

bench-check: deps ## time make check on a clean clone, fresh and after a respin (~1.5 h)
	@$(S)/bench-check-time.sh

distro: deps ## Debian's amd64 config with the series: boot vtd-sm, amd-vi; W=1 [TARGETS]
	@[ -d build/linux/.git ] || $(S)/make-tree.sh
	@rm -rf build/results
	@$(S)/distro.sh $(TARGETS); status=$$?; $(S)/summary.sh; exit $$status

clean: ## remove build/ (the work tree too: export first)
	rm -rf build
