# tls-injector — run `make help` for the list of targets.
SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec
.DEFAULT_GOAL := help

DOTNET ?= dotnet
CONFIGURATION ?= Release
SOLUTION := Injector.sln

# One version for every assembly, image and manifest: MinVer's, from the nearest git tag vX.Y.Z (docs/release.md).
# Computed on first use only (it runs MSBuild), then kept. IMG_TAG and REGISTRY move the images `make images`
# builds, the proxy image the webhook and CLI built by it inject, and the images `make dist` pins.
VERSION ?= $(eval VERSION := $(shell hack/version.sh))$(VERSION)
IMG_TAG ?= $(VERSION)
REGISTRY ?=
IMAGE_REPOSITORY ?= $(if $(REGISTRY),$(REGISTRY)/)tls-injector
WEBHOOK_IMAGE = $(IMAGE_REPOSITORY)/webhook:$(IMG_TAG)
PROXY_IMAGE = $(IMAGE_REPOSITORY)/tls-proxy:$(IMG_TAG)

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z0-9_.-]+:.*##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

.PHONY: version
version: ## Print the version and the two image references (what `make images` builds and `make dist` pins).
	@test -n "$(VERSION)" || { echo "make: hack/version.sh printed no version" >&2; exit 1; }
	@echo "version        $(VERSION)"
	@echo "webhook image  $(WEBHOOK_IMAGE)"
	@echo "proxy image    $(PROXY_IMAGE)"

.PHONY: restore
restore: ## Restore NuGet packages.
	$(DOTNET) restore $(SOLUTION)

.PHONY: build
build: ## Build everything (warnings are errors).
	$(DOTNET) build $(SOLUTION) -c $(CONFIGURATION)

.PHONY: test
test: webhook-aot ## Run every test, the NativeAOT webhook the image ships included (the e2e suite skips without a cluster).
	TLS_INJECTOR_WEBHOOK_AOT=$(CURDIR)/artifacts/webhook-aot/Injector.Webhook $(DOTNET) test $(SOLUTION) -c $(CONFIGURATION)

.PHONY: golden
golden: ## Rewrite the golden files from the current code (review the diff!).
	REFRESH_GOLDEN=1 $(DOTNET) test tests/Injector.Core.Tests -c $(CONFIGURATION)

.PHONY: fmt
fmt: ## Check formatting and code style (dotnet format --verify-no-changes).
	$(DOTNET) format $(SOLUTION) --verify-no-changes

CLI := $(DOTNET) run --project src/Injector.Cli -c $(CONFIGURATION) --
DEMO_DIR := $(or $(TMPDIR),/tmp)/tls-injector-demo

.PHONY: demo
demo: ## Inject examples/web.yaml, check it against generated certificates, and show a rejection.
	@echo "== tls-injector inject -f examples/web.yaml"
	@$(CLI) inject -f examples/web.yaml
	@echo; echo "== tls-injector certs + check: a good certificate passes"
	@rm -rf $(DEMO_DIR) && $(CLI) certs --dns web --dns web.shop --dns web.shop.svc --dns web.shop.svc.cluster.local --out $(DEMO_DIR)/shop/web-tls
	@$(CLI) check -f examples/web.yaml --secrets-dir $(DEMO_DIR)
	@echo; echo "== tls-injector check -f examples/bad-mtls.yaml: rejected, with the fix for each mistake"
	@$(CLI) check -f examples/bad-mtls.yaml || test $$? -eq 1   # exit 1 = rejected, as intended

.PHONY: bench-core
bench-core: ## BenchmarkDotNet: decide + mutate + patch for a 2-container pod.
	$(DOTNET) run --project bench/Injector.Benchmarks -c Release -- --filter '*'

.PHONY: ci
ci: ## What .ci/run calls: restore, then every test.
	$(DOTNET) restore $(SOLUTION)
	$(MAKE) test

# Each component keeps its own targets in make/*.mk.
-include make/*.mk
